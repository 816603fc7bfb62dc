/**
 * @jest-environment jsdom
 */
import { renderMarkdown } from "./render-markdown";

function render(markdown: string): HTMLElement {
  const host = document.createElement("div");
  host.innerHTML = renderMarkdown(markdown);
  return host;
}

describe("renderMarkdown", () => {
  it("renders GFM: headings, lists, emphasis, tables", () => {
    const host = render("## Title\n\n- one\n- **two**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
    expect(host.querySelector("h2")?.textContent).toBe("Title");
    expect(Array.from(host.querySelectorAll("li")).map((li) => li.textContent)).toEqual(["one", "two"]);
    expect(host.querySelector("strong")?.textContent).toBe("two");
    expect(host.querySelector(".table-wrap table tbody td")?.textContent).toBe("1");
  });

  it("highlights fenced code and adds a copy button", () => {
    const host = render("```python\ndef add(a, b):\n    return a + b\n```");
    const code = host.querySelector(".code-block pre code")!;
    expect(code.className).toContain("language-python");
    expect(code.querySelector(".hljs-keyword")?.textContent).toBe("def");
    expect(code.textContent).toBe("def add(a, b):\n    return a + b");
    expect(host.querySelector("button[data-copy-code]")?.getAttribute("aria-label")).toBe("Copy code");
    expect(host.querySelector(".code-lang")?.textContent).toBe("python");
  });

  it("shows raw HTML from the model as text, never as elements", () => {
    const host = render('Look: <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script>\n\n<div onclick="x()">block</div>');
    expect(host.querySelector("img, script, div[onclick]")).toBeNull();
    expect(host.textContent).toContain('<img src=x onerror="window.__pwned=1">');
    expect(host.textContent).toContain("<script>window.__pwned=2</script>");
  });

  it("drops javascript:, data: and vbscript: links but keeps their text", () => {
    const host = render("[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html,<script>alert(1)</script>) [d](vbscript:msgbox)");
    expect(host.querySelector("a")).toBeNull();
    expect(host.textContent).toContain("a b c d");
  });

  it("opens links in a new tab without giving the page access to the opener", () => {
    const host = render("See [docs](https://example.com/docs \"Docs\") or <https://example.org>.");
    const links = Array.from(host.querySelectorAll("a"));
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["https://example.com/docs", "https://example.org"]);
    for (const a of links) {
      expect(a.getAttribute("target")).toBe("_blank");
      expect(a.getAttribute("rel")).toBe("noopener noreferrer");
    }
  });

  it("renders markdown images only from safe URLs", () => {
    const host = render("![ok](https://img.example/cat.png) ![bad](javascript:alert(1)) ![svg](data:image/svg+xml,<svg/onload=alert(1)>)");
    const images = Array.from(host.querySelectorAll("img"));
    expect(images.map((i) => i.getAttribute("src"))).toEqual(["https://img.example/cat.png"]);
  });

  it("never emits style attributes or event handlers", () => {
    const host = render('*x*{: style="color:red"} [l](https://a.example "t\\" onmouseover=\\"alert(1)")');
    const all = Array.from(host.querySelectorAll("*"));
    for (const el of all) {
      for (const attr of Array.from(el.attributes)) {
        expect(attr.name).not.toMatch(/^on|^style$/);
      }
    }
  });

  it("renders an unfinished code fence while the answer is still streaming", () => {
    const host = render("Here:\n\n```js\nconst x = 1;");
    expect(host.querySelector(".code-block code")?.textContent).toBe("const x = 1;");
  });
});
