import { InvalidArgumentError } from "commander";

/**
 * `--csp <policy>`: `strict`, `relaxed`, `off`, or a policy written out. Resolved to the library's own
 * policies once it is loaded (the CLI holds no copy of the library), hence a description, not a value.
 */
export type CspFlag = { kind: "strict" | "relaxed" | "off" } | { kind: "policy"; policy: string };

// Every directive of CSP Level 3 (and a few older ones browsers still read).
const DIRECTIVES = new Set([
  "default-src",
  "script-src",
  "script-src-elem",
  "script-src-attr",
  "style-src",
  "style-src-elem",
  "style-src-attr",
  "img-src",
  "font-src",
  "connect-src",
  "media-src",
  "object-src",
  "child-src",
  "frame-src",
  "worker-src",
  "manifest-src",
  "prefetch-src",
  "fenced-frame-src",
  "base-uri",
  "sandbox",
  "form-action",
  "frame-ancestors",
  "navigate-to",
  "report-uri",
  "report-to",
  "upgrade-insecure-requests",
  "block-all-mixed-content",
  "require-trusted-types-for",
  "trusted-types",
  "plugin-types",
  "require-sri-for",
  "webrtc",
]);

/**
 * Parses `--csp`. A policy written out must be one line of known directives (`default-src 'self'`):
 * a typo such as `--csp stict` fails at start, not as a page that will not load.
 */
export function parseCspFlag(value: string): CspFlag {
  const keyword = value.trim().toLowerCase();
  if (keyword === "strict" || keyword === "relaxed" || keyword === "off") return { kind: keyword };
  const policy = value.trim();
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(policy)) throw new InvalidArgumentError("a policy is one line, without control characters");
  const names = policy
    .split(";")
    .map((directive) => directive.trim().split(/\s+/)[0]!.toLowerCase())
    .filter(Boolean);
  const unknown = names.find((name) => !DIRECTIVES.has(name));
  if (names.length === 0 || unknown !== undefined) {
    throw new InvalidArgumentError(
      `expected strict, relaxed, off, or a policy such as "default-src 'self'; img-src 'self' https:"${unknown ? ` ("${unknown}" is not a directive)` : ""}`,
    );
  }
  return { kind: "policy", policy };
}
