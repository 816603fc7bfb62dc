/**
 * @jest-environment jsdom
 */
import { render } from "preact";
import { renderMarkdown } from "../markdown/render-markdown";
import { prefixes } from "../test-support/markdown-streams";
import { MarkdownView } from "./markdown-view";

const ANSWER = "## Plan\n\nFirst, a paragraph.\n\n- one\n- two\n\n```js\nconst answer = 42;\nconsole.log(answer);\n```\n\nAnd a last paragraph that keeps growing.";

function mount(): { host: HTMLElement; show: (text: string, streaming: boolean) => void } {
  const host = document.createElement("div");
  document.body.appendChild(host);
  return { host, show: (text, streaming) => render(<MarkdownView text={text} streaming={streaming} />, host) };
}

function blockHolding(host: HTMLElement, text: string): Element {
  return Array.from(host.querySelectorAll(".md-block")).find((block) => block.textContent?.includes(text))!;
}

describe("MarkdownView", () => {
  it("keeps the DOM of finished blocks while the answer streams, and ends as renderMarkdown's HTML", () => {
    const { host, show } = mount();
    const stream = prefixes(ANSWER, 3);
    const listDone = stream.findIndex((prefix) => prefix.includes("- two\n\n`"));
    stream.slice(0, listDone + 1).forEach((prefix) => show(prefix, true));

    const heading = blockHolding(host, "Plan");
    const list = blockHolding(host, "one");
    const observer = new MutationObserver(() => undefined);
    for (const block of [heading, list]) observer.observe(block, { subtree: true, childList: true, characterData: true, attributes: true });
    stream.slice(listDone + 1).forEach((prefix) => show(prefix, true));
    show(ANSWER, false);

    expect(observer.takeRecords()).toEqual([]);
    expect(blockHolding(host, "Plan")).toBe(heading);
    expect(blockHolding(host, "one")).toBe(list);
    const markdown = host.querySelector(".markdown")!;
    expect(Array.from(markdown.children).every((child) => child.classList.contains("md-block"))).toBe(true);
    expect(Array.from(markdown.children, (block) => block.innerHTML).join("")).toBe(renderMarkdown(ANSWER));
    expect(markdown.querySelector("code.language-js .hljs-keyword")?.textContent).toBe("const");
  });

  it("replaces the blocks when the text is replaced (a cleared or regenerated answer)", () => {
    const { host, show } = mount();
    show("# Old\n\nold text", false);
    show("Brand new text.", false);
    expect(host.querySelector(".markdown")!.textContent!.trim()).toBe("Brand new text.");
    expect(host.querySelectorAll(".md-block")).toHaveLength(1);
  });

  it("copies a code block's code from its copy button", async () => {
    const { host, show } = mount();
    show(ANSWER, false);
    const writeText = jest.fn(async () => undefined);
    Object.defineProperty(window, "isSecureContext", { value: true, configurable: true });
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    host.querySelector<HTMLButtonElement>("button[data-copy-code]")!.click();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(writeText).toHaveBeenCalledWith("const answer = 42;\nconsole.log(answer);");
    expect(host.querySelector("button[data-copy-code]")!.textContent).toBe("Copied");
  });
});
