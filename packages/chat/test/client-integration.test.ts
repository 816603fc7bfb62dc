import { type ChatFormat } from "@ragbits/core";
import pino from "pino";
import { type ChatContext, ChatInterface, type ChatResponse, RagbitsAPI, type RunningServer, StateSigner } from "../src";
import { RagbitsChatClient, RagbitsHTTPError } from "../src/client";

/** Every call the app saw, to assert what reached it through the real server. */
const seen: Array<{ message: string; history: ChatFormat; state: Record<string, unknown>; conversationId: string }> = [];
const feedback: unknown[] = [];
let finallyRan = 0;
// Larger than one 102,400-character piece: the server must chunk it and the client reassemble it.
const BIG_IMAGE = `data:image/png;base64,${"iVBORw0KGgoAAAANSUhEUg".repeat(12_000)}`;

class MyChat extends ChatInterface {
  override feedbackConfig = { like: { enabled: true } };

  async *chat(message: string, history: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse> {
    seen.push({ message, history, state: context.state, conversationId: context.conversationId });
    try {
      if (message === "fail") throw new Error("database is down");
      if (message === "image") yield this.createImageResponse(BIG_IMAGE, "big");
      if (message === "long") yield* this.longAnswer(context.signal);
      const turns = Number(context.state.turns ?? 0) + 1;
      yield this.createTextResponse(`Echo: ${message} (turn ${turns}, ${history.length} earlier messages)`);
      yield this.createStateUpdate({ turns });
    } finally {
      finallyRan++;
    }
  }

  override async saveFeedback(messageId: string, kind: string, payload: Record<string, unknown>): Promise<void> {
    feedback.push({ messageId, kind, payload });
  }

  private async *longAnswer(signal: AbortSignal): AsyncGenerator<ChatResponse> {
    for (let index = 0; !signal.aborted; index++) {
      yield this.createTextResponse(`word${index} `);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

let handle: RunningServer;
let client: RagbitsChatClient;

beforeAll(async () => {
  handle = await new RagbitsAPI(MyChat, { stateSigner: new StateSigner("integration-secret"), logger: pino({ level: "silent" }) }).run({ host: "127.0.0.1", port: 0 });
  client = new RagbitsChatClient({ baseUrl: handle.url });
});

afterAll(() => handle.close());

beforeEach(() => {
  seen.length = 0;
  feedback.length = 0;
  finallyRan = 0;
});

describe("RagbitsChatClient against RagbitsAPI", () => {
  it("keeps a conversation: id, signed state and history reach the app on the next turn", async () => {
    const conversation = client.newConversation();

    const first = await conversation.run("Hello there, my friend");
    const second = await conversation.run("Again please");

    expect(first.text).toBe("Echo: Hello there, my friend (turn 1, 0 earlier messages)");
    expect(first.summary).toBe("Hello there, my friend");
    expect(second.text).toBe("Echo: Again please (turn 2, 2 earlier messages)");
    expect(seen[1]).toEqual({
      message: "Again please",
      history: [
        { role: "user", content: "Hello there, my friend" },
        { role: "assistant", content: "Echo: Hello there, my friend (turn 1, 0 earlier messages)" },
      ],
      state: { turns: 1 },
      conversationId: first.conversationId,
    });
    expect(conversation.state?.state).toEqual({ turns: 2 });
  });

  it("gets a tampered state refused with a typed 400", async () => {
    const conversation = client.newConversation({ state: { state: { turns: 99 }, signature: "forged" } });
    const error = (await conversation.run("hi").catch((caught: unknown) => caught)) as RagbitsHTTPError;
    expect(error).toBeInstanceOf(RagbitsHTTPError);
    expect([error.status, error.detail]).toEqual([400, "Invalid state signature"]);
    expect(seen).toHaveLength(0);
  });

  it("gets an invalid context refused with a typed 422 and its validation issues", async () => {
    const error = (await client.run("hi", { context: { timezone: "Mars/Olympus_Mons" } }).catch((caught: unknown) => caught)) as RagbitsHTTPError;
    expect(error.status).toBe(422);
    expect(Array.isArray(error.detail) && error.detail[0]?.loc).toEqual(["body", "context", "timezone"]);
  });

  it("reassembles an image the server sent in chunks", async () => {
    const result = await client.run("image");
    expect(result.images).toEqual([{ id: "big", url: BIG_IMAGE }]);
  });

  it("surfaces a chat() failure as an in-band error, without throwing", async () => {
    const result = await client.run("fail");
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).not.toContain("database is down");
    expect(result.text).toBe("");
  });

  it("stops the app's generator when the consumer breaks out of the loop", async () => {
    let words = 0;
    for await (const response of client.runStreaming("long")) {
      if (response.type === "text" && ++words === 3) break;
    }
    const deadline = Date.now() + 2_000;
    while (finallyRan === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(finallyRan).toBe(1);
  });

  it("reads the config and sends feedback", async () => {
    const config = await client.getConfig();
    expect(config.feedback.like.enabled).toBe(true);
    const { messageId } = await client.run("hi");
    await expect(client.sendFeedback(messageId as string, "like", { comment: "great" })).resolves.toEqual({ status: "success" });
    expect(feedback).toEqual([{ messageId, kind: "like", payload: { comment: "great" } }]);
  });
});
