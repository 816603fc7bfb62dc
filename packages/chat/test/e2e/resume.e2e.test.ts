import { existsSync } from "node:fs";
import { join } from "node:path";
import { type ChatFormat, LiteLLM } from "@ragbits/core";
import { OpenAIMockServer } from "@ragbits/core/testing";
import pino from "pino";
import { type Page } from "playwright-core";
import { type ChatContext, ChatInterface, type ChatResponse, RagbitsAPI, type RunningServer, STRICT_CSP } from "../../src";
import { MemoryHistory } from "../helpers/memory-history";
import { type Browser, launchBrowser } from "./browser";
import { UI_BUILD_DIR, answers, lastAnswer, sendMessage, waitForAnswer } from "./ui-page";

jest.setTimeout(90_000);

/** 150 tokens, 20 ms apart: ~3 s of streaming, long enough to reload or stop in the middle. */
const TOKENS = Array.from({ length: 150 }, (_, index) => `tok${index} `);

let browser: Browser;
let upstream: OpenAIMockServer;
let history: MemoryHistory;
let server: RunningServer;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  if (!existsSync(join(UI_BUILD_DIR, "index.html"))) throw new Error(`No UI build at ${UI_BUILD_DIR}: run \`pnpm --filter @ragbits/ui build\` first.`);
  browser = await launchBrowser();
  upstream = await OpenAIMockServer.start();
});

afterAll(async () => {
  await browser?.close();
  await upstream?.close();
});

beforeEach(async () => {
  history = new MemoryHistory();
  const records = history;
  // The tutorial's streaming chat on a real provider SDK (against the mock upstream), saving every turn.
  class StreamingChat extends ChatInterface {
    llm = new LiteLLM({ modelName: "gpt-4o-mini", apiKey: "sk-test-000000000000", baseUrl: upstream.url });
    override historyPersistence = records;
    async *chat(message: string, chatHistory: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
      for await (const chunk of this.llm.generateStreaming([...chatHistory, { role: "user", content: message }])) yield this.createTextResponse(chunk);
    }
  }
  const api = new RagbitsAPI(StreamingChat, { uiBuildDir: UI_BUILD_DIR, contentSecurityPolicy: STRICT_CSP, logger: pino({ level: "warn" }) });
  server = await api.run({ host: "127.0.0.1", port: 0 });
  page = await browser.context.newPage();
  pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(server.url);
  await page.locator("#composer-input").waitFor();
});

afterEach(async () => {
  await page.close().catch(() => undefined);
  await server.close();
  expect(pageErrors).toEqual([]);
});

const answerText = async () => ((await lastAnswer(page).locator(".markdown").textContent()) ?? "").trim();

function waitForWords(count: number): Promise<unknown> {
  return page.waitForFunction((n) => (document.querySelector("article.message.assistant .markdown")?.textContent ?? "").trim().split(/\s+/).length >= n, count);
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("resumable answers in Chromium", () => {
  it("a reload in the middle of an answer: the answer goes on where it was and completes once, as the server recorded it", async () => {
    upstream.enqueue({ text: TOKENS, chunkDelayMs: 20 });
    await sendMessage(page, "Tell me a long story");
    await waitForWords(10);
    await page.reload();
    await page.locator("#composer-input").waitFor();
    // Back on the same conversation, still streaming, then done.
    await waitForAnswer(page, 20_000);
    await waitUntil(() => history.records.length === 1, "the turn to be saved");
    const [record] = history.records;
    expect(record!.status).toBe("completed");
    expect(record!.response).toBe(TOKENS.join(""));
    expect(await answerText()).toBe(record!.response.trim());
    expect(await answers(page).count()).toBe(1);
    expect(await page.locator("article.message.user").allTextContents()).toEqual([expect.stringContaining("Tell me a long story")]);
    expect(await lastAnswer(page).locator(".message-note").count()).toBe(0);
    // The model was called once: the reload re-attached to the running answer, it did not ask again.
    expect(upstream.requests).toHaveLength(1);
  });

  it("Stop still stops the model call at once (the upstream sees its connection close) and keeps the partial answer", async () => {
    upstream.enqueue({ text: TOKENS, chunkDelayMs: 20 });
    await sendMessage(page, "Tell me a long story");
    await waitForWords(5);
    await page.locator("button[aria-label^='Stop generating']").click();
    const stoppedAt = Date.now();
    await upstream.waitForClientAbort(3_000);
    // Not after the 30 s grace period of a dropped connection: the stop endpoint was used.
    expect(Date.now() - stoppedAt).toBeLessThan(2_000);
    await waitUntil(() => history.records.length === 1, "the stopped turn to be saved");
    expect(history.records[0]!.status).toBe("aborted");
    await page.locator("button[aria-label='Send message']").waitFor();
    expect(await lastAnswer(page).locator(".message-note").textContent()).toBe("Stopped.");
    const partial = await answerText();
    expect(partial.startsWith("tok0 tok1 tok2")).toBe(true);
    expect(partial).not.toContain("tok149");
  });
});
