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

async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(5);
  }
}
