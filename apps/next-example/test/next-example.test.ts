/**
 * The Next.js example as a user runs it: `next build`, then `next start`, then our client and a real
 * Chromium talk to it. The app answers from the offline MockLLM, which pauses 30 ms before each word.
 */
import { type ChatResponse, RagbitsChatClient } from "@ragbits/chat/client";
import { type Browser, launchBrowser } from "../../../packages/chat/test/e2e/browser";
import { describeRagbitsClientWire } from "./ragbits-client-wire.suite";
import { type RunningNextApp, buildNextApp, startNextApp } from "./support/next-app";

/** The offline answer to "Hello from the client", as the app's MockLLM writes it. */
const EXPECTED_ANSWER = [
  "You said: **Hello from the client**",
  "",
  "This answer comes from `MockLLM` through a Next.js App Router route handler: `app/api/[...ragbits]/route.ts` exports `GET` and `POST` from `RagbitsAPI.fetch`, and every word you see arrived as its own server-sent event.",
  "",
  "This is message 1 of our conversation.",
].join("\n");
/** The pause the app's MockLLM makes before each streamed word (lib/demo-chat.ts). */
const WORD_DELAY_MS = 30;

let app: RunningNextApp;
let client: RagbitsChatClient;

beforeAll(async () => {
  await buildNextApp();
  app = await startNextApp();
  client = new RagbitsChatClient({ baseUrl: app.url });
}, 300_000);

afterAll(async () => {
  await app?.stop();
});

describe("the Next.js example (next build + next start)", () => {
  it("streams a chat to @ragbits/chat/client: framework events first, then the answer's words in order", async () => {
    const result = await client.run("Hello from the client");

    const types = result.events.map((event) => event.type);
    expect(types.slice(0, 3)).toEqual(["message_id", "conversation_id", "conversation_summary"]);
    expect(types.slice(3).every((type) => type === "text")).toBe(true);
    // MockLLM streams word by word: one text event per whitespace-separated word.
    expect(types.length - 3).toBe(EXPECTED_ANSWER.split(/\s+/).length);
    expect(result.text).toBe(EXPECTED_ANSWER);
    expect(result.summary).toBe("Hello from the client");
    expect(result.errors).toEqual([]);
  });

  it("keeps a conversation across turns through the route handler", async () => {
    const conversation = client.newConversation();
    const first = await conversation.run("First question");
    const second = await conversation.run("Second question");
    expect(first.text.startsWith("You said: **First question**")).toBe(true);
    expect(first.text.endsWith("This is message 1 of our conversation.")).toBe(true);
    // The history reached the app through the route handler (the model counts its user messages),
    // and the conversation's id did too: the server started no new conversation.
    expect(second.text.startsWith("You said: **Second question**")).toBe(true);
    expect(second.text.endsWith("This is message 2 of our conversation.")).toBe(true);
    expect(conversation.conversationId).toBe(first.conversationId);
    expect(second.events.map((event) => event.type)).not.toContain("conversation_id");
    expect(conversation.history.map((message) => message.role)).toEqual(["user", "assistant", "user", "assistant"]);
  });

  it("does not buffer the event stream: events arrive while the turn is still running", async () => {
    const started = Date.now();
    const response = await fetch(`${app.url}/api/chat`, {
      method: "POST",
      // A browser's accept-encoding: compression must not hold events back either.
      headers: { "content-type": "application/json", "accept-encoding": "gzip, deflate, br" },
      body: JSON.stringify({ message: "Are you streaming?", history: [], context: {} }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("content-encoding")).toBeNull();
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = "";
    let firstTextAt: number | undefined;
    let reads = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      reads++;
      received += decoder.decode(value, { stream: true });
      if (firstTextAt === undefined && received.includes('"type":"text"')) firstTextAt = Date.now();
    }
    const endedAt = Date.now();
    const words = received.split("\n").filter((line) => line.startsWith('data: {"type":"text"')).length;

    expect(words).toBeGreaterThan(20);
    expect(firstTextAt).toBeDefined();
    // The model pauses before every word, so an unbuffered stream delivers the first word at least
    // (words - 1) pauses before its end; a buffered one delivers everything at the end at once.
    expect(endedAt - firstTextAt!).toBeGreaterThanOrEqual((words - 1) * WORD_DELAY_MS * 0.8);
    expect(reads).toBeGreaterThan(words / 2);
    expect(firstTextAt! - started).toBeLessThan(endedAt - started);
  });

  it("aborts the turn when the client goes away: the app's generator stops early", async () => {
    const seen: ChatResponse[] = [];
    for await (const response of client.runStreaming("Stop me after three words")) {
      seen.push(response);
      if (seen.filter((event) => event.type === "text").length === 3) break;
    }
    // The app logs how many words it streamed when its turn was aborted (lib/demo-chat.ts).
    const [, chunks] = await app.waitForOutput(/turn stopped after (\d+) chunks: the client went away/);
    const fullAnswerWords = EXPECTED_ANSWER.replace("Hello from the client", "Stop me after three words").split(/\s+/).length;
    expect(Number(chunks)).toBeGreaterThanOrEqual(3);
    expect(Number(chunks)).toBeLessThan(fullAnswerWords);
  });

  it("answers /api/config with the app's customization", async () => {
    const config = await client.getConfig();
    expect(config.customization?.header?.title).toBe("Ragbits chat on Next.js");
    expect(config.conversation_history).toBe(true);
    expect(config.authentication.enabled).toBe(false);
  });

  it("answers an unknown /api path with the handler's 404 JSON, for any method", async () => {
    for (const method of ["GET", "POST", "DELETE"]) {
      const response = await fetch(`${app.url}/api/no-such-endpoint`, { method });
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ detail: `Not found: ${method} /api/no-such-endpoint` });
    }
  });

  it("serves the UI through the handler: index.html with <base href=\"/\">, strict CSP, and its assets", async () => {
    const page = await fetch(`${app.url}/conversations/some-id`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<base href="/">');
    const script = html.match(/<script type="module"[^>]* src="\.\/(assets\/[^"]+\.js)"/);
    expect(script).not.toBeNull();
    const asset = await fetch(`${app.url}/${script![1]}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/^(text|application)\/javascript; charset=utf-8$/);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const missing = await fetch(`${app.url}/assets/missing-0000.js`);
    expect(missing.status).toBe(404);
  });

  describe("in Chromium", () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchBrowser();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
    });

    it("answers a message typed in the UI with a streamed answer", async () => {
      const page = await browser.context.newPage();
      const pageErrors: string[] = [];
      const cspViolations: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      page.on("console", (message) => {
        if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
      });
      await page.goto(app.url);
      await page.locator("#composer-input").waitFor();
      expect(await page.locator(".brand-title").textContent()).toBe("Ragbits chat on Next.js");

      // Every length the answer's text has had, recorded in the page as the DOM changes.
      await page.evaluate(() => {
        const lengths: number[] = [];
        (window as unknown as { answerLengths: number[] }).answerLengths = lengths;
        new MutationObserver(() => {
          const answers = document.querySelectorAll("article.message.assistant .markdown");
          const length = answers[answers.length - 1]?.textContent?.length ?? 0;
          if (length !== lengths[lengths.length - 1]) lengths.push(length);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await page.locator("#composer-input").fill("Hello from Chromium");
      await page.locator("#composer-input").press("Enter");
      // While the answer streams, the Stop button replaces Send.
      await page.locator("button[aria-label^='Stop generating']").waitFor();
      await page.locator("button[aria-label='Send message']").waitFor({ timeout: 15_000 });

      const answer = page.locator("article.message.assistant").last();
      expect(await answer.locator(".markdown strong").first().textContent()).toBe("Hello from Chromium");
      const final = (await answer.locator(".markdown").textContent())!;
      expect(final).toContain("every word you see arrived as its own server-sent event.");
      // The answer grew in many steps as its words arrived, not in one piece at the end.
      const lengths = await page.evaluate(() => (window as unknown as { answerLengths: number[] }).answerLengths);
      expect(lengths.filter((length) => length > 0 && length < final.length).length).toBeGreaterThan(10);
      expect(pageErrors).toEqual([]);
      expect(cspViolations).toEqual([]);
      await page.close();
    }, 60_000);
  });

  // Last: the abort test above reads the first abort line the app prints, so this suite's own abort
  // must come after it (this suite counts the lines, wherever it runs).
  describeRagbitsClientWire(() => app);
});
