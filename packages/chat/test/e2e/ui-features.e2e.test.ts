import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListAuthentication } from "../../src";
import { type Browser, launchBrowser } from "./browser";
import { MARKDOWN_ANSWER } from "./e2e-chat";
import { type UiSession, answers, lastAnswer, openUi, screenshot, sendMessage, waitForAnswer } from "./ui-page";

jest.setTimeout(60_000);

let browser: Browser;
const sessions: UiSession[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  const open = sessions.splice(0);
  for (const session of open) await session.close();
  for (const session of open) {
    expect(session.cspViolations).toEqual([]);
    expect(session.pageErrors).toEqual([]);
    expect(session.dialogs).toEqual([]);
  }
});

async function open(...args: Parameters<typeof openUi> extends [unknown, ...infer Rest] ? Rest : never): Promise<UiSession> {
  const session = await openUi(browser, ...args);
  sessions.push(session);
  return session;
}

describe("UI features in Chromium", () => {
  it("shows live updates, plan items, a reassembled chunked image, confirmations and errors with retry", async () => {
    const { page, chat } = await open();
    await sendMessage(page, "showcase");
    await waitForAnswer(page);
    const answer = lastAnswer(page);
    expect(await answer.locator(".live-update").evaluateAll((items) => items.map((li) => [li.className, li.querySelector(".live-label")!.textContent]))).toEqual([
      ["live-update done", "Searched the docs"],
      ["live-update running", "Writing the answer"],
    ]);
    expect(await answer.locator(".plan-task").evaluateAll((items) => items.map((li) => li.className))).toEqual(["plan-task status-completed", "plan-task status-in_progress"]);
    // The image came as two chunked_content pieces; the browser decoded the reassembled PNG.
    const image = answer.locator(".images img");
    await page.waitForFunction(() => (document.querySelector(".images img") as HTMLImageElement | null)?.naturalWidth === 200);
    expect(await image.getAttribute("src")).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(await answer.locator(".confirmation code").textContent()).toBe("send_email");
    expect(await answer.locator(".message-error p").textContent()).toBe("The mail server is slow today.");
    await screenshot(page, "ui-showcase.png");
    await answer.locator(".confirmation button", { hasText: "Confirm" }).click();
    await waitForAnswer(page);
    expect(chat.contexts[1]!.toolConfirmations).toEqual([{ confirmation_id: "confirm-1", confirmed: true }]);
    expect(await answers(page).count()).toBe(2);
    expect(await answers(page).first().locator(".confirmation-title").textContent()).toMatch(/^Confirmed/);
  });

  it("retries an answer that ended with an error", async () => {
    const { page, chat } = await open();
    await sendMessage(page, "showcase");
    await waitForAnswer(page);
    await lastAnswer(page).locator(".message-error button", { hasText: "Retry" }).click();
    await waitForAnswer(page);
    expect(chat.count).toBe(2);
    expect(await answers(page).count()).toBe(1);
  });

  it("follows the stream only while the reader is at the bottom", async () => {
    const { page } = await open();
    await page.setViewportSize({ width: 1000, height: 600 });
    const scroller = page.locator(".scroller");
    const distanceFromBottom = () => scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    await sendMessage(page, "tall answer please");
    await page.waitForFunction(() => {
      const el = document.querySelector(".scroller")!;
      return el.scrollHeight > el.clientHeight + 400;
    });
    expect(await distanceFromBottom()).toBeLessThan(60);
    expect(await page.locator(".jump-to-bottom").count()).toBe(0);
    // The reader scrolls up: growth below no longer moves the view.
    await scroller.hover();
    await page.mouse.wheel(0, -300);
    await page.locator(".jump-to-bottom").waitFor();
    const readingAt = await scroller.evaluate((el) => el.scrollTop);
    const heightThen = await scroller.evaluate((el) => el.scrollHeight);
    await page.waitForFunction((h) => document.querySelector(".scroller")!.scrollHeight > h + 200, heightThen);
    expect(await scroller.evaluate((el) => el.scrollTop)).toBe(readingAt);
    // The jump button brings the view back and following resumes.
    await page.locator(".jump-to-bottom").click();
    await page.waitForFunction(() => {
      const el = document.querySelector(".scroller")!;
      return el.scrollHeight - el.scrollTop - el.clientHeight < 60;
    });
    const heightNow = await scroller.evaluate((el) => el.scrollHeight);
    await page.waitForFunction((h) => document.querySelector(".scroller")!.scrollHeight > h + 100, heightNow);
    expect(await distanceFromBottom()).toBeLessThan(60);
    await page.keyboard.press("Escape");
  });

  it("copies a code block and a whole answer", async () => {
    const { page, url } = await open();
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url });
    await sendMessage(page, "markdown to copy");
    await waitForAnswer(page);
    const copyCode = lastAnswer(page).locator("button[data-copy-code]");
    await copyCode.click();
    await lastAnswer(page).locator("button[data-copy-code]", { hasText: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("def add(a: int, b: int) -> int:\n    return a + b");
    await lastAnswer(page).locator("button[aria-label='Copy answer']").click();
    await lastAnswer(page).locator("button[aria-label='Copied']").waitFor();
    // The answer is copied as the markdown the model wrote.
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(MARKDOWN_ANSWER);
  });

  it("sends with Enter and inserts a newline with Shift+Enter", async () => {
    const { page, chat } = await open();
    const input = page.locator("#composer-input");
    await input.click();
    await page.keyboard.type("line one");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("line two");
    expect(await input.inputValue()).toBe("line one\nline two");
    expect(chat.count).toBe(0);
    await page.keyboard.press("Enter");
    await waitForAnswer(page);
    expect(await page.locator(".message.user .bubble").textContent()).toBe("line one\nline two");
    expect(await input.inputValue()).toBe("");
    // Focus stays in the message box for the next question.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("composer-input");
  });

  it("sends the user-settings form's values as context.user_settings", async () => {
    const { page, chat } = await open();
    await sendMessage(page, "defaults first");
    await waitForAnswer(page);
    expect(chat.contexts[0]!.userSettings).toEqual({ language: "English" });
    await page.locator("button[aria-label='Chat settings']").click();
    const dialog = page.locator("dialog[open]");
    await dialog.locator("select").selectOption({ label: "Polish" });
    await dialog.locator("button[type='submit']").click();
    await dialog.waitFor({ state: "detached" });
    await sendMessage(page, "now in Polish");
    await waitForAnswer(page);
    expect(chat.contexts[1]!.userSettings).toEqual({ language: "Polish" });
  });

  it("uploads a file to the upload handler", async () => {
    const { page, chat } = await open();
    await page.locator("#upload-input").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello upload") });
    await page.locator(".toast", { hasText: "Uploaded notes.txt." }).waitFor();
    expect(chat.uploads.map((f) => [f.filename, f.data.toString()])).toEqual([["notes.txt", "hello upload"]]);
  });

  it("renames and deletes conversations in the sidebar", async () => {
    const { page } = await open();
    await sendMessage(page, "a conversation to rename");
    await waitForAnswer(page);
    await page.locator("button[aria-label^='Rename']").click();
    await page.locator("#rename-input").fill("Renamed chat");
    await page.locator("#rename-input").press("Enter");
    await page.locator(".conversation-open", { hasText: "Renamed chat" }).waitFor();
    await page.reload();
    await page.locator(".conversation-open", { hasText: "Renamed chat" }).waitFor();
    await page.locator("button[aria-label^='Delete']").click();
    await page.locator("dialog[open] button", { hasText: "Delete" }).click();
    await page.locator(".sidebar-empty").waitFor();
    expect(await page.locator(".welcome").count()).toBe(1);
    await page.reload();
    await page.locator(".sidebar-empty").waitFor();
  });

  it("switches theme and remembers the choice", async () => {
    const { page } = await open();
    const themeIs = (value: string | null) => page.waitForFunction((v) => document.documentElement.getAttribute("data-theme") === v, value);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await themeIs(null);
    await page.locator("button[aria-label^='Theme']").click();
    await themeIs("light");
    expect(await background()).toBe("rgb(255, 255, 255)");
    await page.locator("button[aria-label^='Theme']").click();
    await themeIs("dark");
    expect(await background()).toBe("rgb(21, 21, 27)");
    await page.reload();
    await page.locator("#composer-input").waitFor();
    await themeIs("dark");
  });

  it("applies the server's --theme stylesheet", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ragbits-theme-"));
    try {
      const themePath = join(dir, "theme.css");
      writeFileSync(themePath, ":root { --rb-accent: rgb(200, 10, 20); }\n");
      const { page } = await open({ themePath });
      await page.waitForFunction(() => getComputedStyle(document.documentElement).getPropertyValue("--rb-accent").trim() === "rgb(200, 10, 20)");
      expect(await page.locator("link[data-ragbits-theme]").count()).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("shows the debug panel with the request context and raw events in debug mode", async () => {
    const { page } = await open({ debugMode: true });
    await sendMessage(page, "debug me");
    await waitForAnswer(page);
    await page.locator("button[aria-label='Debug panel']").click();
    const panel = page.locator(".debug-panel");
    expect(await panel.locator("section").first().locator("pre").textContent()).toContain('"timezone": "Europe/Warsaw"');
    const types = await panel.locator(".debug-events summary code").allTextContents();
    expect(types.slice(0, 3)).toEqual(["message_id", "conversation_id", "conversation_summary"]);
    expect(types).toEqual(expect.arrayContaining(["text", "reference", "followup_messages", "usage", "state_update"]));
  });

  it("asks for a sign-in when authentication is on", async () => {
    const auth = new ListAuthentication([{ username: "alice", password: "wonderland", fullName: "Alice Liddell" }]);
    const { page, chat } = await open({ auth }, "#login-username");
    await page.locator("#login-username").fill("alice");
    await page.locator("#login-password").fill("wrong");
    await page.locator("button[type='submit']").click();
    await page.locator(".login-card [role='alert']").waitFor();
    await page.locator("#login-password").fill("wonderland");
    await page.locator("button[type='submit']").click();
    await page.locator("#composer-input").waitFor();
    expect(await page.locator(".user-name").textContent()).toBe("Alice Liddell");
    await sendMessage(page, "who am I?");
    await waitForAnswer(page);
    expect(chat.contexts[0]!.user?.username).toBe("alice");
    // The session survives a reload (HttpOnly cookie), and signing out returns to the login page.
    await page.reload();
    await page.locator("#composer-input").waitFor();
    await page.locator("button[aria-label='Sign out']").click();
    await page.locator("#login-username").waitFor();
    await page.reload();
    await page.locator("#login-username").waitFor();
  });

  it("labels every control", async () => {
    const { page } = await open({ debugMode: true });
    await sendMessage(page, "label check");
    await waitForAnswer(page);
    const unlabelled = await page.evaluate(() => {
      const missing: string[] = [];
      for (const el of Array.from(document.querySelectorAll("button, input, textarea, select"))) {
        const input = el as HTMLInputElement;
        if (input.type === "file" && input.getAttribute("aria-hidden") === "true") continue;
        const label = el.getAttribute("aria-label") || (el.id && document.querySelector(`label[for="${el.id}"]`)?.textContent) || el.textContent;
        if (!label?.trim()) missing.push(el.outerHTML.slice(0, 120));
      }
      return missing;
    });
    expect(unlabelled).toEqual([]);
    expect(await page.locator("[role='log'][aria-live='polite']").count()).toBe(1);
  });

  it("stays smooth with a 200-message conversation: finished messages are not re-rendered", async () => {
    const { page } = await open();
    // Seed a stored conversation of 200 messages (100 turns with markdown and code) and reopen it.
    await page.evaluate(async () => {
      const now = Date.now();
      const messages = [];
      for (let i = 0; i < 100; i++) {
        messages.push({ id: `u${i}`, role: "user", content: `Question ${i}`, createdAt: now });
        const answer = `### Answer ${i}\n\nSome **bold** text and a list:\n\n- a\n- b\n\n\`\`\`js\nconst n = ${i};\nconsole.log(n * 2);\n\`\`\``;
        messages.push({ id: `a${i}`, role: "assistant", content: answer, createdAt: now, status: "done", serverId: `s${i}` });
      }
      const conversation = { id: "long-one", title: "Long one", titleSource: "user", messages, createdAt: now, updatedAt: now };
      await new Promise<void>((resolve, reject) => {
        const request = indexedDB.open("ragbits-ui", 1);
        // Same schema as the UI's (it may not have opened the database yet); write what it would.
        request.onupgradeneeded = () => {
          for (const store of ["conversations", "summaries"]) request.result.createObjectStore(store, { keyPath: "id" });
        };
        request.onsuccess = () => {
          const tx = request.result.transaction(["conversations", "summaries"], "readwrite");
          tx.objectStore("conversations").put(conversation);
          tx.objectStore("summaries").put({ id: conversation.id, title: conversation.title, updatedAt: now });
          tx.oncomplete = () => {
            request.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
        request.onerror = () => reject(request.error);
      });
      localStorage.setItem("ragbits-ui:active-conversation:ragbits-ui", "long-one");
    });
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll("article.message").length === 200);
    await page.evaluate(() => {
      const w = window as unknown as { __mutations: number; __longTasks: number[] };
      w.__mutations = 0;
      w.__longTasks = [];
      const observer = new MutationObserver((records) => (w.__mutations += records.length));
      const finished = Array.from(document.querySelectorAll("article.message")).slice(0, -1);
      for (const m of finished) observer.observe(m, { subtree: true, childList: true, characterData: true, attributes: true });
      new PerformanceObserver((list) => w.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: "longtask" });
    });
    await sendMessage(page, "markdown at the end of a long chat");
    await waitForAnswer(page);
    const { mutations, longTasks } = await page.evaluate(() => {
      const w = window as unknown as { __mutations: number; __longTasks: number[] };
      return { mutations: w.__mutations, longTasks: w.__longTasks };
    });
    expect(mutations).toBe(0);
    expect(await answers(page).count()).toBe(101);
    // While the answer streamed, the page never froze: no task came near a dropped second.
    expect(Math.max(0, ...longTasks)).toBeLessThan(500);
  });
});
