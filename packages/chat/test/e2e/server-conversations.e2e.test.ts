/**
 * The built UI in Chromium against a server that keeps its users' conversations (auth + a SQLite
 * database): the sidebar lists them from /api/conversations, a reload reopens them from the server
 * (nothing is kept in IndexedDB), a listed one opens and continues, and deleting it deletes it on
 * the server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListAuthentication } from "../../src";
import { TEST_SIGNER } from "../helpers/start-api";
import { type Browser, launchBrowser } from "./browser";
import { type UiSession, lastAnswer, openUi, sendMessage, waitForAnswer } from "./ui-page";

jest.setTimeout(90_000);

let browser: Browser;
let ui: UiSession | undefined;
let dir: string;

beforeAll(async () => {
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), "ragbits-ui-conversations-"));
});

afterAll(async () => {
  await ui?.close();
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

it("signs in, chats, reloads and sees the conversation listed from the server; opens, continues and deletes it there", async () => {
  const auth = new ListAuthentication([{ username: "alice", password: "wonderland" }]);
  ui = await openUi(browser, { auth, databaseUrl: `sqlite:${join(dir, "chat.db")}`, stateSigner: TEST_SIGNER }, "#login-username");
  const { page, chat, url } = ui;
  await page.locator("#login-username").fill("alice");
  await page.locator("#login-password").fill("wonderland");
  await page.locator("button[type='submit']").click();
  await page.locator("#composer-input").waitFor();

  await sendMessage(page, "please remember this on the server");
  await waitForAnswer(page);
  const conversationId = chat.contexts[0]!.conversationId;
  // Listed as the server titles it (its first message), once the answer has been recorded.
  const listed = page.locator(".conversation-open", { hasText: "please remember this on the server" });
  await listed.waitFor();

  await page.reload();
  await page.locator("#composer-input").waitFor();
  await listed.waitFor();
  expect(await page.locator(".conversation-open").allTextContents()).toEqual(["please remember this on the server"]);
  // The conversation open before the reload comes back from the server, answer and all.
  await page.locator("article.message.assistant .markdown").waitFor();
  expect(await page.locator(".message.user .bubble").allTextContents()).toEqual(["please remember this on the server"]);
  expect((await lastAnswer(page).locator(".markdown").textContent())!.trim()).toBe("You said: please remember this on the server");
  // From the server, not the browser: the UI made no IndexedDB database (E2EChat enables conversation_history).
  expect(await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name))).toEqual([]);
  const fromServer = await page.request.get(`${url}/api/conversations`);
  expect((await fromServer.json()).conversations).toEqual([expect.objectContaining({ id: conversationId, title: "please remember this on the server", interaction_count: 1 })]);

  // A new chat, then the listed one again: it opens and goes on in the same server conversation.
  await page.locator("button.new-chat").click();
  expect(await page.locator(".message.user").count()).toBe(0);
  await listed.click();
  await page.locator(".message.user .bubble", { hasText: "please remember this on the server" }).waitFor();
  await sendMessage(page, "and one more thing");
  await waitForAnswer(page);
  expect(chat.contexts[1]!.conversationId).toBe(conversationId);
  expect(chat.contexts[1]!.state).toEqual({ turns: 1 });
  expect(chat.histories[1]).toEqual([
    { role: "user", content: "please remember this on the server" },
    { role: "assistant", content: "You said: please remember this on the server" },
  ]);

  // Renaming is the browser store's; the server names its conversations. Deleting deletes it there.
  const item = page.locator(".conversation", { hasText: "please remember this on the server" });
  await item.hover();
  expect(await item.locator("button[aria-label^='Rename']").count()).toBe(0);
  await item.locator("button[aria-label^='Delete']").click();
  await page.locator("dialog", { hasText: "deleted from the server" }).locator("button.danger").click();
  await page.locator(".sidebar-empty").waitFor();
  expect((await page.request.get(`${url}/api/conversations/${encodeURIComponent(conversationId)}`)).status()).toBe(404);
  expect(ui.pageErrors).toEqual([]);
  expect(ui.cspViolations).toEqual([]);
});
