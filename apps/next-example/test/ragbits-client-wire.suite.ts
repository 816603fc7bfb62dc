/**
 * Ragbits' own TypeScript client (`@ragbits/api-client`) against the Next.js example: every request it
 * can send that this server answers, sent as it sends them (support/ragbits-wire-client.ts says what
 * was read, where), and the answers checked against what that client and its types expect.
 *
 * A suite, not a test file: it runs inside next-example.test.ts on the server that file builds and
 * starts, because a second `next build` would double the slowest part of the test.
 */
import { RagbitsChatClient } from "@ragbits/chat/client";
import { type RunningNextApp } from "./support/next-app";
import { type RagbitsStreamEvent, mismatchWithClientTypes, ragbitsJsonCall, ragbitsStreamCall } from "./support/ragbits-wire-client";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The offline answer of the app's MockLLM (lib/demo-chat.ts) to the `turn`-th user message. */
function offlineAnswer(message: string, turn: number): string {
  return [
    `You said: **${message}**`,
    "",
    "This answer comes from `MockLLM` through a Next.js App Router route handler: `app/api/[...ragbits]/route.ts` exports `GET` and `POST` from `RagbitsAPI.fetch`, and every word you see arrived as its own server-sent event.",
    "",
    `This is message ${turn} of our conversation.`,
  ].join("\n");
}

function textOf(events: readonly RagbitsStreamEvent[]): string {
  return events
    .filter((event) => event.type === "text")
    .map((event) => (event.content as { text: string }).text)
    .join("");
}

function contentOf<T>(events: readonly RagbitsStreamEvent[], type: string): T | undefined {
  return events.find((event) => event.type === type)?.content as T | undefined;
}

/** Lines the app prints when a turn is aborted (lib/demo-chat.ts), with the number of words it streamed. */
function abortLines(output: string): number[] {
  return [...output.matchAll(/turn stopped after (\d+) chunks: the client went away/g)].map((match) => Number(match[1]));
}

/** The word count of the app's `index`-th abort line (0-based), once the server has printed it. */
async function nextAbortLine(app: RunningNextApp, index: number, timeoutMs = 5_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = abortLines(app.output())[index];
    if (line !== undefined) return line;
    if (Date.now() > deadline) throw new Error(`The app printed no abort line #${index + 1} within ${timeoutMs} ms:\n${app.output().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function describeRagbitsClientWire(getApp: () => RunningNextApp): void {
  describe("Ragbits' own TypeScript client (@ragbits/api-client), its requests as it sends them", () => {
    let baseUrl: string;

    beforeAll(() => {
      // The client strips one trailing slash from its base URL; give it one to check the paths it builds.
      baseUrl = `${getApp().url}/`;
    });

    it("GET /api/config (with its Content-Type: application/json) answers a complete ConfigResponse", async () => {
      const config = await ragbitsJsonCall<Record<string, unknown>>(baseUrl, "/api/config");
      expect(config.error).toBeUndefined();
      expect(config.status).toBe(200);
      expect(config.headers.get("content-type")).toMatch(/^application\/json/);
      // Every key of the client's ConfigResponse type, with the example's values.
      expect(config.value).toMatchObject({
        feedback: { like: { enabled: false, form: null }, dislike: { enabled: false, form: null } },
        customization: {
          header: { title: "Ragbits chat on Next.js", subtitle: "offline demo: answers come from MockLLM", logo: null },
          welcome_message: expect.stringContaining("**Offline demo.**"),
          meta: { favicon: null, page_title: null },
        },
        user_settings: { form: null },
        debug_mode: false,
        conversation_history: true,
        show_usage: false,
        authentication: { enabled: false, auth_types: [], oauth2_providers: [] },
      });
    });

    it("POST /api/chat streams an answer its SSE reader takes apart: ids first, then the text, then the end of the body", async () => {
      const message = "Hello from the Ragbits client";
      const answer = await ragbitsStreamCall(baseUrl, "/api/chat", { message, history: [], context: {} });

      expect(answer.status).toBe(200);
      expect(answer.headers?.get("content-type")).toMatch(/^text\/event-stream/);
      expect(answer.errors).toEqual([]);
      expect(answer.skipped).toEqual([]);
      expect(answer.chunks).toEqual([]);
      expect(answer.closed).toBe(true);
      expect(answer.messages.map(mismatchWithClientTypes).filter(Boolean)).toEqual([]);

      const types = answer.messages.map((event) => event.type);
      expect(types.slice(0, 3)).toEqual(["message_id", "conversation_id", "conversation_summary"]);
      expect(types.slice(3).every((type) => type === "text")).toBe(true);
      expect(contentOf<{ message_id: string }>(answer.messages, "message_id")!.message_id).toMatch(UUID);
      expect(contentOf<{ conversation_id: string }>(answer.messages, "conversation_id")!.conversation_id).toMatch(UUID);
      expect(contentOf<{ summary: string }>(answer.messages, "conversation_summary")!.summary).toBe("Hello from the Ragbits client");
      expect(textOf(answer.messages)).toBe(offlineAnswer(message, 1));
    });

    it("a second turn as Ragbits' UI sends it (conversation_id in context, history with extra: null) continues the conversation", async () => {
      const first = await ragbitsStreamCall(baseUrl, "/api/chat", { message: "First from Ragbits", history: [], context: {} });
      const conversationId = contentOf<{ conversation_id: string }>(first.messages, "conversation_id")!.conversation_id;
      const firstMessageId = contentOf<{ message_id: string }>(first.messages, "message_id")!.message_id;

      const second = await ragbitsStreamCall(baseUrl, "/api/chat", {
        message: "Second from Ragbits",
        history: [
          { role: "user", content: "First from Ragbits", extra: null },
          { role: "assistant", content: textOf(first.messages), extra: null },
        ],
        context: { conversation_id: conversationId, user_settings: {} },
      });

      expect(second.errors).toEqual([]);
      expect(second.closed).toBe(true);
      expect(second.messages.map(mismatchWithClientTypes).filter(Boolean)).toEqual([]);
      // The conversation is known: a new message id, no new conversation id or summary.
      expect(second.messages[0]!.type).toBe("message_id");
      const secondMessageId = contentOf<{ message_id: string }>(second.messages, "message_id")!.message_id;
      expect(secondMessageId).toMatch(UUID);
      expect(secondMessageId).not.toBe(firstMessageId);
      expect(second.messages.map((event) => event.type)).not.toContain("conversation_id");
      expect(second.messages.map((event) => event.type)).not.toContain("conversation_summary");
      // The app saw the history: it counts two user messages.
      expect(textOf(second.messages)).toBe(offlineAnswer("Second from Ragbits", 2));
    });

    it("with an auth token configured (Authorization: Bearer …) a server without auth still answers", async () => {
      const config = await ragbitsJsonCall(baseUrl, "/api/config", { token: "token-from-the-app" });
      expect(config.status).toBe(200);
      const answer = await ragbitsStreamCall(baseUrl, "/api/chat", { message: "Token sent", history: [], context: {} }, { token: "token-from-the-app" });
      expect(answer.status).toBe(200);
      expect(answer.errors).toEqual([]);
      expect(textOf(answer.messages)).toBe(offlineAnswer("Token sent", 1));
    });

    it("a chat request the server refuses is a 422 before any stream: the client's onError gets its HTTP error", async () => {
      const answer = await ragbitsStreamCall(baseUrl, "/api/chat", { history: [], context: {} });
      expect(answer.status).toBe(422);
      expect(answer.headers?.get("content-type")).toMatch(/^application\/json/);
      expect(answer.errors).toEqual(["HTTP error! status: 422"]);
      expect(answer.messages).toEqual([]);
    });

    it("aborting through its signal stops the app's turn on the server, and the client reports nothing", async () => {
      const app = getApp();
      const abortsBefore = abortLines(app.output()).length;
      const controller = new AbortController();
      let texts = 0;
      const answer = await ragbitsStreamCall(
        baseUrl,
        "/api/chat",
        { message: "Stop after three words please", history: [], context: {} },
        {
          signal: controller.signal,
          onMessage: (event) => {
            if (event.type === "text" && ++texts === 3) controller.abort();
          },
        },
      );
      expect(answer.errors).toEqual([]);
      expect(answer.closed).toBe(false);
      expect(texts).toBe(3);

      const chunks = await nextAbortLine(app, abortsBefore);
      expect(chunks).toBeGreaterThanOrEqual(3);
      expect(chunks).toBeLessThan(offlineAnswer("Stop after three words please", 1).split(/\s+/).length);
    });

    it("POST /api/feedback: like and dislike (with a form payload) for a streamed message id answer {status: success}", async () => {
      const answer = await ragbitsStreamCall(baseUrl, "/api/chat", { message: "Rate this answer", history: [], context: {} });
      const messageId = contentOf<{ message_id: string }>(answer.messages, "message_id")!.message_id;

      const like = await ragbitsJsonCall(baseUrl, "/api/feedback", { method: "POST", body: { message_id: messageId, feedback: "like", payload: {} } });
      expect(like.status).toBe(200);
      expect(like.value).toEqual({ status: "success" });

      const dislike = await ragbitsJsonCall(baseUrl, "/api/feedback", {
        method: "POST",
        body: { message_id: messageId, feedback: "dislike", payload: { reason: "too short", details: ["a", "b"] } },
      });
      expect(dislike.status).toBe(200);
      expect(dislike.value).toEqual({ status: "success" });
    });

    it("POST /api/feedback with a feedback type the server does not know is a 422 naming the field", async () => {
      const refused = await ragbitsJsonCall(baseUrl, "/api/feedback", { method: "POST", body: { message_id: "some-id", feedback: "love", payload: {} } });
      expect(refused.status).toBe(422);
      expect(refused.error).toBe("HTTP error! status: 422");
      const detail = (JSON.parse(refused.rawBody) as { detail: { loc: string[] }[] }).detail;
      expect(detail.map((item) => item.loc)).toContainEqual(["body", "feedback"]);
    });

    it("the endpoints the example does not enable answer as the client's callers expect: /api/user 401, /api/theme 404, /api/upload 400", async () => {
      const user = await ragbitsJsonCall(baseUrl, "/api/user");
      expect(user.status).toBe(401);
      expect(user.error).toBe("HTTP error! status: 401");

      const theme = await ragbitsJsonCall(baseUrl, "/api/theme");
      expect(theme.status).toBe(404);
      expect(JSON.parse(theme.rawBody)).toEqual({ detail: "No theme configured" });

      // Its upload sends the FormData with its own Content-Type: application/json still on.
      const form = new FormData();
      form.append("file", new Blob(["hello"], { type: "text/plain" }), "hello.txt");
      const upload = await ragbitsJsonCall(baseUrl, "/api/upload", { method: "POST", body: form });
      expect(upload.status).toBe(400);
      expect(JSON.parse(upload.rawBody)).toEqual({ detail: "File upload not supported" });
    });
  });

  describe("@ragbits/chat/client: feedback", () => {
    it("sends feedback for the message it just streamed", async () => {
      const client = new RagbitsChatClient({ baseUrl: getApp().url });
      const result = await client.run("Feedback from our client");
      expect(result.messageId).toMatch(UUID);
      await expect(client.sendFeedback(result.messageId!, "like")).resolves.toEqual({ status: "success" });
      await expect(client.sendFeedback(result.messageId!, "dislike", { reason: "wrong" })).resolves.toEqual({ status: "success" });
    });
  });
}
