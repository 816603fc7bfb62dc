import { setTimeout as sleep } from "node:timers/promises";
import { type ChatFormat, LLMAbortedError, LiteLLM, MockLLM } from "@ragbits/core";
import { MemoryHistory } from "../../test/helpers/memory-history";
import { type WireEvent } from "../protocol/chat-response";
import { type ChatContext } from "./chat-context";
import { ChatInterface } from "./chat-interface";
import { type ChatTurn, streamChat } from "./stream-chat";

const OPTIONS = { debugMode: false, logError: () => undefined };

function turn(signal: AbortSignal, message = "hi"): ChatTurn {
  return { message, history: [], context: { message_id: "m-1", conversation_id: "c-1" }, signal };
}

describe("streamChat: one cancellation path", () => {
  it("cancels an LLM call chat() makes after a yield and an await, with no signal passed; ends the app; saves the turn as aborted", async () => {
    const history = new MemoryHistory();
    const seen: { context?: ChatContext; llmError?: unknown; finallyRan?: boolean } = {};
    const llm = new MockLLM({ response: "one two three four", chunkDelayMs: 1_000 });
    class Agent extends ChatInterface {
      override historyPersistence = history;
      async *chat(_message: string, _history: ChatFormat, context: ChatContext) {
        seen.context = context;
        try {
          yield this.createTextResponse("thinking… ");
          await sleep(5);
          try {
            yield this.createTextResponse(await llm.generate("slow"));
          } catch (error) {
            seen.llmError = error;
            throw error;
          }
        } finally {
          seen.finallyRan = true;
        }
      }
    }
    const controller = new AbortController();
    const events: WireEvent[] = [];
    const started = Date.now();
    setTimeout(() => controller.abort(), 60);
    for await (const event of streamChat(new Agent(), turn(controller.signal), OPTIONS)) events.push(event);

    expect(Date.now() - started).toBeLessThan(900);
    expect(events).toEqual([{ type: "text", content: { text: "thinking… " } }]);
    expect(seen.context!.signal).toBe(controller.signal);
    await waitUntil(() => seen.finallyRan === true);
    expect(seen.llmError).toBeInstanceOf(LLMAbortedError);
    expect(history.records.map(({ status, response }) => ({ status, response }))).toEqual([{ status: "aborted", response: "thinking… " }]);
  });

  it("does not start the app at all when the turn is already aborted", async () => {
    let started = false;
    class Never extends ChatInterface {
      async *chat() {
        started = true;
        yield this.createTextResponse("no");
      }
    }
    const events: WireEvent[] = [];
    for await (const event of streamChat(new Never(), turn(AbortSignal.abort()), OPTIONS)) events.push(event);
    expect([events, started]).toEqual([[], false]);
  });
});

describe("streamChat: the error event", () => {
  const savedKey = process.env.OPENAI_API_KEY;
  const savedBase = process.env.OPENAI_BASE_URL;
  afterEach(() => {
    process.env.OPENAI_API_KEY = savedKey;
    process.env.OPENAI_BASE_URL = savedBase;
  });

  it("says the server is not configured when the model has no API key, with no secret, internals or retry advice", async () => {
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    class Tutorial extends ChatInterface {
      llm = new LiteLLM({ modelName: "gpt-4o-mini", headers: { Authorization: "Bearer proxy-secret-123456" } });
      async *chat(message: string) {
        for await (const chunk of this.llm.generateStreaming(message)) yield this.createTextResponse(chunk);
      }
    }
    const logged: unknown[] = [];
    const events: WireEvent[] = [];
    for await (const event of streamChat(new Tutorial(), turn(new AbortController().signal), { ...OPTIONS, logError: (error) => logged.push(error) })) events.push(event);

    expect(events).toEqual([{ type: "error", content: { message: "This server is not configured to answer yet: its model is not set up (the server log says what is missing)." } }]);
    // The server log gets the detail: what to set.
    expect(String(logged[0])).toMatch(/OPENAI_API_KEY/);
  });
});

describe("streamChat: behaves as an async generator", () => {
  it("hands out events in order to next() calls made without waiting for each other", async () => {
    class Slow extends ChatInterface {
      async *chat() {
        await sleep(20);
        yield this.createTextResponse("a");
        await sleep(20);
        yield this.createTextResponse("b");
      }
    }
    const events = streamChat(new Slow(), turn(new AbortController().signal), OPTIONS);
    const results = await Promise.all([events.next(), events.next(), events.next(), events.next()]);
    expect(results).toEqual([
      { value: { type: "text", content: { text: "a" } }, done: false },
      { value: { type: "text", content: { text: "b" } }, done: false },
      { value: undefined, done: true },
      { value: undefined, done: true },
    ]);
  });

  it("return() waits for the step in flight, ends the app and saves what was sent", async () => {
    const history = new MemoryHistory();
    let finallyRan = false;
    class Long extends ChatInterface {
      override historyPersistence = history;
      async *chat() {
        try {
          yield this.createTextResponse("a");
          await sleep(20);
          yield this.createTextResponse("b");
          yield this.createTextResponse("never read");
        } finally {
          finallyRan = true;
        }
      }
    }
    const events = streamChat(new Long(), turn(new AbortController().signal), OPTIONS);
    expect(await events.next()).toEqual({ value: { type: "text", content: { text: "a" } }, done: false });
    const inFlight = events.next();
    const returned = events.return();
    expect(await inFlight).toEqual({ value: { type: "text", content: { text: "b" } }, done: false });
    expect(await returned).toEqual({ value: undefined, done: true });
    expect(finallyRan).toBe(true);
    expect(history.records.map(({ status, response }) => ({ status, response }))).toEqual([{ status: "completed", response: "ab" }]);
    expect(await events.next()).toEqual({ value: undefined, done: true });
  });

  it("a consumer that stops after the error event leaves the turn saved as an error", async () => {
    const history = new MemoryHistory();
    class Broken extends ChatInterface {
      override historyPersistence = history;
      // eslint-disable-next-line require-yield
      async *chat(): AsyncGenerator<never> {
        throw new Error("boom");
      }
    }
    const events = streamChat(new Broken(), turn(new AbortController().signal), OPTIONS);
    expect((await events.next()).value).toMatchObject({ type: "error" });
    await events.return();
    expect(history.records.map(({ status, error }) => ({ status, error }))).toEqual([{ status: "error", error: "Error: boom" }]);
  });

  it("sends the framework's ids and the summary first, and saves only the app's events", async () => {
    const history = new MemoryHistory();
    class Answer extends ChatInterface {
      override historyPersistence = history;
      override summaryGenerator = async () => "A summary";
      async *chat() {
        yield this.createTextResponse("Hello");
        yield this.createReference("Doc", "body");
      }
    }
    const fresh: ChatTurn = { message: "hi", history: [], context: {}, signal: new AbortController().signal };
    const events: WireEvent[] = [];
    for await (const event of streamChat(new Answer(), fresh, OPTIONS)) events.push(event);
    expect(events.map(({ type }) => type)).toEqual(["message_id", "conversation_id", "conversation_summary", "text", "reference"]);
    expect(events[2]).toEqual({ type: "conversation_summary", content: { summary: "A summary" } });
    expect(history.records[0]!.events.map(({ type }) => type)).toEqual(["reference"]);
    expect(history.records[0]!.response).toBe("Hello");
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(5);
  }
}
