import DOMPurify from "dompurify";

/**
 * The second safety layer over markdown-html's output: DOMPurify removes anything that could run
 * (event handlers, javascript: URLs, <script>, style attributes) and forces every link that is
 * left to open in a new tab without access to this page.
 */
let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A" && node.hasAttribute("href")) {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer");
    }
  });
}

/** HTML that is safe to assign to innerHTML. */
export function sanitizeHtml(html: string): string {
  installHooks();
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    ADD_ATTR: ["target"],
    FORBID_TAGS: ["style", "form", "textarea", "select", "option", "iframe", "object", "embed"],
    FORBID_ATTR: ["style", "srcset", "formaction", "action"],
  });
}
