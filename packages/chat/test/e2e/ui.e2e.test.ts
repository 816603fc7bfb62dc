import { statSync } from "node:fs";
import { type Browser, launchBrowser } from "./browser";
import { LONG_ANSWER } from "./e2e-chat";
import { type UiSession, answers, lastAnswer, openUi, screenshot, sendMessage, waitForAnswer } from "./ui-page";

jest.setTimeout(60_000);

let browser: Browser;
let ui: UiSession;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  ui = await openUi(browser);
});

afterEach(async () => {
  const { cspViolations, pageErrors } = ui;
  await ui.close();
  // Every test also proves the UI runs under the strict CSP without errors.
  expect(cspViolations).toEqual([]);
  expect(pageErrors).toEqual([]);
});

describe("the built-in web UI in Chromium", () => {
  it("loads with the server's customization", async () => {
    const { page } = ui;
    expect(await page.title()).toBe("E2E Bot chat");
    expect(await page.locator(".brand-title").textContent()).toBe("E2E Bot");
    expect(await page.locator(".brand-subtitle").textContent()).toBe("Tested in Chromium");
    expect(await page.locator(".welcome strong").textContent()).toBe("Welcome!");
    expect(await page.locator(".starter").allTextContents()).toEqual(["Show me markdown"]);
    expect(await page.locator("link[rel~='icon']").getAttribute("href")).toMatch(/^data:image\/svg\+xml,/);
  });

  it("streams a markdown answer with a highlighted code block", async () => {
    const { page } = ui;
    await sendMessage(page, "Please answer in markdown");
    // While it streams, the Stop button replaces Send.
    await page.locator("button[aria-label^='Stop generating']").waitFor();
    await waitForAnswer(page);
    const answer = lastAnswer(page);
    expect(await answer.locator("h2").textContent()).toBe("Adding numbers");
    expect(await answer.locator(".markdown li").allTextContents()).toEqual(["first item", "second item"]);
    expect(await answer.locator("table td").first().textContent()).toBe("Python");
    const link = answer.locator(".markdown a");
    expect(await link.getAttribute("href")).toBe("https://example.com/docs");
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
    const code = answer.locator(".code-block pre code.language-python");
    expect(await code.locator(".hljs-keyword").first().textContent()).toBe("def");
    expect(await code.textContent()).toBe("def add(a: int, b: int) -> int:\n    return a + b");
    expect(await answer.locator("button[data-copy-code]").count()).toBe(1);
    expect(await answer.locator(".references summary").textContent()).toBe("1 source");
    expect(await answer.locator(".usage summary").textContent()).toMatch(/tokens/);
    expect(await page.locator(".followups .chip").allTextContents()).toEqual(["Tell me more"]);
    // The sidebar lists the conversation under the server's summary.
    await page.locator(".conversation-open", { hasText: "Please answer in markdown" }).waitFor();
    await page.locator(".message.user .bubble").hover();
    const path = await screenshot(page, "ui-main.png");
    expect(statSync(path).size).toBeGreaterThan(10_000);
  });

  it("stops mid-stream with the button and keeps the partial answer", async () => {
    const { page, chat } = ui;
    await sendMessage(page, "Tell me a long story");
    await page.waitForFunction(() => (document.querySelector("article.message.assistant .markdown")?.textContent ?? "").split(" ").length > 5);
    await page.locator("button[aria-label^='Stop generating']").click();
    await page.locator("button[aria-label='Send message']").waitFor();
    const partial = (await lastAnswer(page).locator(".markdown").textContent())!.trim();
    expect(partial.startsWith("word0 word1")).toBe(true);
    expect(partial.length).toBeLessThan(LONG_ANSWER.length);
    expect(await lastAnswer(page).locator(".message-note").textContent()).toBe("Stopped.");
    // The server saw the disconnect and stopped the model.
    await waitUntil(() => chat.aborted.length === 1, "the server to abort the chat");
    await page.waitForTimeout(300);
    expect((await lastAnswer(page).locator(".markdown").textContent())!.trim()).toBe(partial);
  });

  it("stops with Esc too", async () => {
    const { page } = ui;
    await sendMessage(page, "Another long one");
    await page.waitForFunction(() => (document.querySelector("article.message.assistant .markdown")?.textContent ?? "").length > 20);
    await page.keyboard.press("Escape");
    await page.locator("button[aria-label='Send message']").waitFor();
    expect(await lastAnswer(page).locator(".message-note").textContent()).toBe("Stopped.");
  });

  it("regenerates the last answer", async () => {
    const { page, chat } = ui;
    await sendMessage(page, "count please");
    await waitForAnswer(page);
    expect((await lastAnswer(page).locator(".markdown").textContent())!.trim()).toBe("Answer number 1.");
    await lastAnswer(page).locator("button[aria-label='Regenerate answer']").click();
    await page.waitForFunction(() => document.querySelector("article.message.assistant .markdown")?.textContent?.trim() === "Answer number 2.");
    await waitForAnswer(page);
    expect(await answers(page).count()).toBe(1);
    expect(await page.locator("article.message.user").count()).toBe(1);
    // The regenerated request asked the same question with the same (empty) history.
    expect(chat.histories[1]).toEqual([]);
  });

  it("edits and resends a user message", async () => {
    const { page, chat } = ui;
    await sendMessage(page, "first question");
    await waitForAnswer(page);
    await page.locator(".message.user").hover();
    await page.locator("button[aria-label='Edit and resend']").click();
    await page.locator("#edit-message").fill("edited question");
    await page.locator("#edit-message").press("Enter");
    await page.waitForFunction(() => document.querySelector("article.message.assistant .markdown")?.textContent?.includes("edited question") === true);
    await waitForAnswer(page);
    expect(await page.locator(".message.user .bubble").allTextContents()).toEqual(["edited question"]);
    expect(chat.contexts).toHaveLength(2);
  });

  it("sends like and dislike (with its form) to saveFeedback", async () => {
    const { page, chat } = ui;
    await sendMessage(page, "hello there");
    await waitForAnswer(page);
    const messageId = chat.contexts[0]!.messageId;
    await lastAnswer(page).locator("button[data-feedback='like']").click();
    await waitUntil(() => chat.feedback.length === 1, "saveFeedback(like)");
    expect(chat.feedback[0]).toEqual({ messageId, feedback: "like", payload: {} });
    await lastAnswer(page).locator("button[data-feedback='like'][aria-pressed='true']").waitFor();

    await lastAnswer(page).locator("button[data-feedback='dislike']").click();
    const dialog = page.locator("dialog[open]");
    await dialog.waitFor();
    // Submitting the empty form shows the required-field errors and sends nothing.
    await dialog.locator("button[type='submit']").click();
    expect(await dialog.locator(".field-error").count()).toBe(2);
    await dialog.locator("select").selectOption({ label: "Unhelpful" });
    await dialog.locator("textarea, input[type='text']").first().fill("Too short");
    await dialog.locator("button[type='submit']").click();
    await waitUntil(() => chat.feedback.length === 2, "saveFeedback(dislike)");
    expect(chat.feedback[1]).toEqual({ messageId, feedback: "dislike", payload: { issue: "Unhelpful", details: "Too short" } });
    await dialog.waitFor({ state: "detached" });
  });

  it("keeps the conversation, its id and signed state across a reload", async () => {
    const { page, chat } = ui;
    await sendMessage(page, "remember this please");
    await waitForAnswer(page);
    const conversationId = chat.contexts[0]!.conversationId;
    await page.reload();
    await page.locator("article.message.assistant .markdown").waitFor();
    expect(await page.locator(".message.user .bubble").allTextContents()).toEqual(["remember this please"]);
    expect((await lastAnswer(page).locator(".markdown").textContent())!.trim()).toBe("You said: remember this please");
    await page.locator(".conversation-open", { hasText: "remember this please" }).waitFor();
    expect(await page.locator(".conversation-open").allTextContents()).toEqual(["remember this please"]);
    await sendMessage(page, "and now?");
    await waitForAnswer(page);
    // The next turn belongs to the same server conversation and carries the state it signed.
    expect(chat.contexts[1]!.conversationId).toBe(conversationId);
    expect(chat.contexts[1]!.state).toEqual({ turns: 1 });
    expect(chat.histories[1]).toEqual([
      { role: "user", content: "remember this please" },
      { role: "assistant", content: "You said: remember this please" },
    ]);
  });

  it("keeps script in model output inert", async () => {
    const { page, dialogs, csp } = ui;
    // Defence in depth: even a sanitizer bug could not run inline script under this policy.
    expect(csp).toContain("script-src 'self'");
    await sendMessage(page, "xss test");
    await waitForAnswer(page);
    const answer = lastAnswer(page);
    await answer.locator("text=End of payload.").waitFor();
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(await answer.locator(".markdown img, .markdown script, .markdown iframe, .markdown svg").count()).toBe(0);
    expect(await answer.locator(".markdown a[href^='javascript']").count()).toBe(0);
    // The payload is shown as text, not swallowed.
    expect(await answer.locator(".markdown").textContent()).toContain('<img src=x onerror="window.__xss=1;alert(1)">');
  });

  it("does not re-render finished messages while a new answer streams", async () => {
    const { page } = ui;
    for (const question of ["markdown one", "count two", "three"]) {
      await sendMessage(page, question);
      await waitForAnswer(page);
    }
    // Watch every finished message but the last answer (which hands its regenerate button on).
    await page.evaluate(() => {
      const w = window as unknown as { __mutations: string[] };
      w.__mutations = [];
      const observer = new MutationObserver((records) => w.__mutations.push(...records.map((r) => `${r.type} ${(r.target as Element).className ?? ""}`)));
      const finished = Array.from(document.querySelectorAll("article.message")).slice(0, -1);
      for (const m of finished) observer.observe(m, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await sendMessage(page, "markdown again");
    await waitForAnswer(page);
    expect(await answers(page).count()).toBe(4);
    expect(await page.evaluate(() => (window as unknown as { __mutations: string[] }).__mutations)).toEqual([]);
  });

  it("fits a phone screen, in dark mode", async () => {
    const { page } = ui;
    await page.setViewportSize({ width: 390, height: 800 });
    await page.emulateMedia({ colorScheme: "dark" });
    await sendMessage(page, "markdown on a phone");
    await waitForAnswer(page);
    // Nothing wider than the screen: wide code and tables scroll inside the message.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const composer = await page.locator(".composer").boundingBox();
    expect(composer!.y + composer!.height).toBeLessThanOrEqual(800);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(21, 21, 27)");
    await screenshot(page, "ui-phone-dark.png");
    // The conversation list is a drawer: it opens over the chat with focus inside, Esc closes it.
    const drawerSettled = (state: "open" | "closed") =>
      page.waitForFunction((s) => {
        const style = getComputedStyle(document.getElementById("sidebar")!);
        return s === "open" ? style.transform === "none" : style.visibility === "hidden";
      }, state);
    await drawerSettled("closed");
    await page.locator("button[aria-label='Conversations']").click();
    await drawerSettled("open");
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("New chat");
    await screenshot(page, "ui-phone-dark-sidebar.png");
    await page.keyboard.press("Escape");
    await drawerSettled("closed");
    await page.locator("button[aria-label='Conversations']").click();
    await drawerSettled("open");
    await page.locator(".scrim").click({ position: { x: 370, y: 400 } });
    await drawerSettled("closed");
  });
});

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
