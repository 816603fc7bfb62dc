import { ApiError } from "../api/api-error";
import { type PendingTurn, type PendingTurnStore } from "../storage/pending-turn-store";
import { bodyOf } from "../test-support/sse-body";
import { ChatController, type ChatControllerDeps } from "./chat-controller";

const TOKEN = "t".repeat(43);
const text = (t: string) => ({ type: "text", content: { text: t } });
const EVENTS = [{ type: "message_id", content: { message_id: "m1" } }, text("Hel"), text("lo "), text("wor"), text("ld")];

/** Events `from`..`to` (1-based ids, as the server numbers them), optionally closed with `: end`. */
function frames(from: number, to: number, end: boolean): string {
  let out = "";
  for (let id = from; id <= to; id++) out += `id: ${id}\ndata: ${JSON.stringify(EVENTS[id - 1])}\n\n`;
  return end ? `${out}: end\n\n` : out;
}

function streamResponse(body: string, token?: string): Response {
  const headers: Record<string, string> = { "content-type": "text/event-stream; charset=utf-8" };
  if (token) headers["x-ragbits-resume-token"] = token;
  return new Response(bodyOf([body]), { status: 200, headers });
}

class MemoryPendingTurns implements PendingTurnStore {
  saved: PendingTurn | null = null;
  history: Array<PendingTurn | null> = [];
  save(turn: PendingTurn): void {
    this.saved = structuredClone(turn);
    this.history.push(this.saved);
  }
  load(): PendingTurn | null {
    return this.saved;
  }
  clear(): void {
    this.saved = null;
    this.history.push(null);
  }
}

function setup(deps: Partial<ChatControllerDeps>) {
  const pendingTurns = new MemoryPendingTurns();
  const resumes: Array<{ messageId: string; token: string; lastEventId: string | undefined }> = [];
  const stops: Array<{ messageId: string; token: string }> = [];
  const controller = new ChatController({
    startChat: async () => streamResponse(frames(1, 5, true), TOKEN),
    repository: null,
    // Frames run at once: the snapshot follows each event.
    scheduleFrame: (cb) => cb(),
    timezone: () => "UTC",
    pendingTurns,
    stopChat: async (messageId, token) => void stops.push({ messageId, token }),
    ...deps,
    resumeChat: async (messageId, token, lastEventId, signal) => {
      resumes.push({ messageId, token, lastEventId });
      return deps.resumeChat!(messageId, token, lastEventId, signal);
    },
  });
  return { controller, pendingTurns, resumes, stops };
}

const answerOf = (c: ChatController) => c.getSnapshot().conversation.messages.at(-1)!;

describe("ChatController and resumable turns", () => {
  it("re-attaches a dropped connection after the last event it got: the answer has every piece once", async () => {
    const { controller, resumes, pendingTurns } = setup({
      // The first connection is cut in the middle of event 4's frame.
      startChat: async () => streamResponse(`${frames(1, 3, false)}id: 4\ndata: {"type":"te`, TOKEN),
      resumeChat: async () => streamResponse(frames(4, 5, true)),
    });
    await controller.send("Hi");
    expect(resumes).toEqual([{ messageId: "m1", token: TOKEN, lastEventId: "3" }]);
    expect(answerOf(controller)).toMatchObject({ content: "Hello world", status: "done", serverId: "m1" });
    // Remembered while it streamed (for a reload), forgotten once it ended.
    expect(pendingTurns.history.map((turn) => turn?.messageId ?? null)).toEqual(["m1", null]);
  });

  it("Stop calls the stop endpoint of a resumable turn", async () => {
    const { controller, stops } = setup({
      startChat: async (_request, signal) => {
        const body = new ReadableStream<Uint8Array>({
          start(stream) {
            stream.enqueue(new TextEncoder().encode(frames(1, 2, false)));
            signal.addEventListener("abort", () => stream.error(new DOMException("aborted", "AbortError")));
          },
        });
        return new Response(body, { headers: { "content-type": "text/event-stream", "x-ragbits-resume-token": TOKEN } });
      },
      resumeChat: async () => {
        throw new Error("no re-attach expected");
      },
    });
    const done = controller.send("Hi");
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.stop();
    await done;
    expect(stops).toEqual([{ messageId: "m1", token: TOKEN }]);
    expect(answerOf(controller)).toMatchObject({ content: "Hel", status: "stopped" });
  });

  it("after a reload, restores the conversation and rebuilds the answer from the server's replay, then forgets the turn", async () => {
    const first = setup({ startChat: async () => streamResponse(frames(1, 3, false), TOKEN), resumeChat: () => new Promise<Response>(() => undefined) });
    void first.controller.send("Hi");
    await new Promise((resolve) => setTimeout(resolve, 10));
    const saved = first.pendingTurns.saved!;
    expect(saved).toMatchObject({ messageId: "m1", token: TOKEN });
    // The page is reloaded: a new controller, the same session storage.
    const second = setup({ resumeChat: async () => streamResponse(frames(1, 5, true)) });
    second.pendingTurns.save(saved);
    await second.controller.resumePending();
    expect(second.resumes).toEqual([{ messageId: "m1", token: TOKEN, lastEventId: undefined }]);
    const { conversation, streamingId } = second.controller.getSnapshot();
    expect(streamingId).toBeNull();
    expect(conversation.id).toBe(saved.conversation.id);
    expect(conversation.messages.map((m) => [m.role, m.content, m.status])).toEqual([
      ["user", "Hi", undefined],
      ["assistant", "Hello world", "done"],
    ]);
    expect(second.pendingTurns.saved).toBeNull();
  });

  it("after a reload, a turn the server no longer has stays stopped, with a note", async () => {
    const second = setup({
      resumeChat: async () => {
        throw new ApiError(404, "No resumable answer with this id");
      },
    });
    second.pendingTurns.save({
      conversation: { id: "c1", title: "New chat", titleSource: "default", createdAt: 1, updatedAt: 1, messages: [{ id: "u", role: "user", content: "Hi", createdAt: 1 }, { id: "a", role: "assistant", content: "", createdAt: 1, status: "streaming" }] },
      assistantId: "a",
      messageId: "m1",
      token: TOKEN,
    });
    await second.controller.resumePending();
    expect(answerOf(second.controller)).toMatchObject({ status: "stopped", error: "This answer could not be resumed after the reload." });
    expect(second.pendingTurns.saved).toBeNull();
  });

  it("a server that gives no resume token keeps the old behaviour: a dropped connection ends the answer with an error, no re-attach", async () => {
    const { controller, resumes, pendingTurns } = setup({
      startChat: async () => streamResponse(`${frames(1, 2, false)}id: 3\ndata: {"type":"te`),
      resumeChat: async () => {
        throw new Error("no re-attach expected");
      },
    });
    await controller.send("Hi");
    expect(resumes).toEqual([]);
    expect(pendingTurns.history).toEqual([]);
    expect(answerOf(controller).status).toBe("error");
  });
});
