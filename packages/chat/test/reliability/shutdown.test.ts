/**
 * `close()` of a running server with answers streaming: every turn is aborted (the app's finally
 * runs, the model's upstream requests are closed), every interaction is saved as aborted with its
 * partial answer, the streams end, and close() resolves well within its 2 s grace period, leaving no
 * connection, timer or socket behind.
 *
 * What the client sees is documented as it is: the partial answer, then a normal end of the stream,
 * without an `error` event (the protocol has no terminator event, so the client cannot tell).
 */
import { SENTINEL_KEYS } from "./support/sentinel-keys";
import { type ChatFormat, LiteLLM } from "@ragbits/core";
import { OpenAIMockServer } from "@ragbits/core/testing";
import { type ChatContext, ChatInterface, type ChatResponse } from "../../src";
import { MemoryHistory } from "../helpers/memory-history";
import { waitFor } from "../helpers/start-api";
import { startChatServer } from "./support/chat-server";
import { chatStream } from "./support/http-client";
import { CrashRecorder, HandleTracker } from "./support/process-watch";

const STREAMS = 5;

it(`close() with ${STREAMS} answers streaming aborts and saves every turn, closes the upstream requests, and leaves nothing behind`, async () => {
  const crashes = new CrashRecorder().install();
  const handles = new HandleTracker({ stacks: true }).enable();
  const upstream = await OpenAIMockServer.start({ apiKey: SENTINEL_KEYS.OPENAI_API_KEY, defaultReply: { text: Array.from({ length: 200 }, (_, index) => `w${index} `), chunkDelayMs: 20 } });
  const history = new MemoryHistory();
  const counters = { started: 0, finally: 0 };
  const llm = new LiteLLM({ modelName: "gpt-4o-mini", baseUrl: upstream.url });
  class Tutorial extends ChatInterface {
    override historyPersistence = history;
    async *chat(message: string, chatHistory: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
      counters.started++;
      try {
        for await (const chunk of llm.generateStreaming([...chatHistory, { role: "user", content: message }])) yield this.createTextResponse(chunk);
      } finally {
        counters.finally++;
      }
    }
  }
  const mark = handles.mark();
  const chat = await startChatServer(Tutorial);
  try {
    const streams = Array.from({ length: STREAMS }, (_, index) => chatStream(chat.port, { message: `stream ${index}`, context: { conversation_id: `shutdown-${index}` } }));
    await waitFor(() => upstream.requests.length === STREAMS && history.records.length === 0, 5_000, "every stream to reach the upstream");
    await new Promise((resolve) => setTimeout(resolve, 100));

    const closing = Date.now();
    await chat.close();
    const closeMs = Date.now() - closing;
    const results = await Promise.all(streams);

    expect(closeMs).toBeLessThan(2_000);
    for (const result of results) {
      expect(result.status).toBe(200);
      expect(result.text).toMatch(/^w0 w1 /);
      expect(result.text).not.toContain("w199");
      // A clean end, with one error event telling the client the answer was cut by the shutdown.
      expect(result.endedCleanly).toBe(true);
      expect(result.errors).toEqual(["The server is shutting down; the answer was cut short. Please try again."]);
    }
    await waitFor(() => counters.finally === STREAMS && history.records.length === STREAMS, 2_000, "every turn to end and be saved");
    for (const [index, result] of results.entries()) {
      const record = history.records.find((entry) => entry.conversationId === `shutdown-${index}`)!;
      expect(record.status).toBe("aborted");
      expect(record.response.startsWith(result.text)).toBe(true);
    }
    await waitFor(() => upstream.clientAborts === STREAMS, 2_000, "every upstream request to be closed");
    await upstream.close();
    expect(await handles.settle(mark)).toEqual([]);
    expect(crashes.problems).toEqual([]);
  } finally {
    handles.disable();
    crashes.uninstall();
    await upstream.close();
  }
});
