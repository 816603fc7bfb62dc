/**
 * Regression test for a bug this suite found: a client that leaves while the conversation's summary
 * is being generated.
 *
 * A summary generator is often a model call (Ragbits names conversations with an LLM). streamChat ran
 * it before chat(), outside the request's abort scope and before the try/finally that persists the
 * interaction. So when the client went away during it:
 *   1. the summary's model request was not cancelled: its upstream connection stayed open until the
 *      model answered or `timeoutMs` (600 s by default) ran out;
 *   2. the interaction was never persisted: the user's message was lost from the history, although
 *      every other ending (completed, aborted, error) is saved.
 * Both tests failed against src/interface/stream-chat.ts of commit a7a7d64; the fix (626aa85) runs
 * `summarize` in the turn's abort scope, raced with the signal, inside the try/finally that saves the turn.
 */
import { SENTINEL_KEYS } from "./support/sentinel-keys";
import { type ChatFormat, LiteLLM } from "@ragbits/core";
import { OpenAIMockServer } from "@ragbits/core/testing";
import { type ChatContext, ChatInterface, type ChatResponse } from "../../src";
import { MemoryHistory } from "../helpers/memory-history";
import { waitFor } from "../helpers/start-api";
import { type ChatServer, startChatServer } from "./support/chat-server";
import { chatStream } from "./support/http-client";

describe("a client that leaves while the conversation summary is generated", () => {
  let upstream: OpenAIMockServer;
  let chat: ChatServer;
  const history = new MemoryHistory();
  let chatStarted = 0;

  beforeAll(async () => {
    upstream = await OpenAIMockServer.start({ apiKey: SENTINEL_KEYS.OPENAI_API_KEY });
    // LiteLLM's default timeoutMs (600 000); no retries, only so that the test can end a stuck call cleanly.
    const llm = new LiteLLM({ modelName: "gpt-4o-mini", baseUrl: upstream.url, maxRetries: 0 });
    class SummarisingChat extends ChatInterface {
      override historyPersistence = history;
      override summaryGenerator = (message: string) => llm.generate(`Name this conversation in three words: ${message}`);
      async *chat(message: string, chatHistory: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
        chatStarted++;
        for await (const chunk of llm.generateStreaming([...chatHistory, { role: "user", content: message }])) yield this.createTextResponse(chunk);
      }
    }
    chat = await startChatServer(SummarisingChat);
  });

  afterAll(async () => {
    // Destroying the upstream's sockets ends a summary call the server failed to cancel.
    await upstream.close();
    await waitFor(() => chat.activeTurns === 0, 5_000, "the turns to end");
    await chat.close();
  });

  beforeEach(async () => {
    // The summary model takes its time (stalls); the client gives up while it is working.
    upstream.requests.length = 0;
    upstream.clientAborts = 0;
    upstream.enqueue({ fault: "stall-before-first-byte" });
    const summaryRequested = waitFor(() => upstream.requests.length === 1, 5_000, "the summary request");
    const result = await chatStream(chat.port, { message: "Plan a three day trip to Kraków" }, { disconnectWhen: summaryRequested });
    expect(result.abortedAt).toBeDefined();
    expect(result.events.map((event) => event.type)).toEqual(["message_id", "conversation_id"]);
  });

  it("cancels the summary's model call (its upstream connection closes within a second)", async () => {
    await upstream.waitForClientAbort(1_000);
    expect(upstream.clientAborts).toBeGreaterThanOrEqual(1);
  });

  it("persists the interaction as aborted, like every other ending", async () => {
    await waitFor(() => history.records.length > 0, 2_000, "the interaction to be saved").catch(() => undefined);
    expect(chatStarted).toBe(0);
    expect(history.records).toMatchObject([{ message: "Plan a three day trip to Kraków", status: "aborted", response: "" }]);
  });
});
