/**
 * Conversations against the real server: a RagbitsAPI with a scripted ChatInterface per scenario,
 * behind a recording reverse proxy so each test sees the exact request bodies the client sent. Only
 * the torn connection, which RagbitsAPI never produces, comes from a raw broken peer.
 */
import { createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { type RecordingProxy, startRecordingProxy } from "../../test/helpers/recording-proxy";
import { type ChatScript, type ScriptedServer, serveScript, untilAborted } from "../../test/helpers/scripted-chat";
import { type ChatResponse } from "../protocol/chat-response";
import { RagbitsAbortError, RagbitsClientError, RagbitsHTTPError, RagbitsNetworkError } from "./client-errors";
import { RagbitsChatClient } from "./ragbits-chat-client";
import { collect, within } from "./test-streams";

const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const text = (value: string): ChatResponse => ({ type: "text", content: { text: value } });

/** A real RagbitsAPI answering with `script`, the proxy recording the wire, and a client going through it. */
async function serve(script: ChatScript): Promise<{ server: ScriptedServer; wire: RecordingProxy; client: RagbitsChatClient }> {
  const server = await serveScript(script);
  closers.push(server.close);
  const wire = await startRecordingProxy(server.url);
  closers.push(wire.close);
  return { server, wire, client: new RagbitsChatClient({ baseUrl: wire.url }) };
}

describe("Conversation", () => {
  it("carries the conversation id, the signed state and the history into the next turn", async () => {
    const { server, wire, client } = await serve((turn, chat) => {
      const count = chat.turns.length;
      return [text(`answer ${count}`), chat.createStateUpdate({ turn: count, notes: ["zażółć"] })];
    });
    const conversation = client.newConversation({ userSettings: { language: "pl" }, timezone: "Europe/Warsaw" });

    const first = await conversation.run("Hello there, how are you?");
    const second = await conversation.run("And now?");

    expect(first.conversationId).toBeDefined();
    expect(conversation.conversationId).toBe(first.conversationId);
    const secondBody = wire.requests[1]?.body;
    expect(secondBody).toEqual({
      message: "And now?",
      history: [
        { role: "user", content: "Hello there, how are you?" },
        { role: "assistant", content: "answer 1" },
      ],
      context: {
        timezone: "Europe/Warsaw",
        user_settings: { language: "pl" },
        conversation_id: first.conversationId,
        state: { turn: 1, notes: ["zażółć"] },
        signature: first.state?.signature,
      },
    });
    // The server verified the signature and handed the state on, and sent no new conversation id for a known conversation.
    expect(server.chat.turns[1]?.context.state).toEqual({ turn: 1, notes: ["zażółć"] });
    expect(server.chat.turns[1]?.context.conversationId).toBe(first.conversationId);
    expect(second.text).toBe("answer 2");
    expect(second.conversationId).toBeUndefined();
    expect(second.events.map((event) => event.type)).toEqual(["message_id", "text", "state_update"]);
    expect(conversation.state).toEqual(second.state);
    expect(conversation.state?.state).toEqual({ turn: 2, notes: ["zażółć"] });
    expect(conversation.history).toHaveLength(4);
    expect(wire.requests[0]?.body.context).toEqual({ timezone: "Europe/Warsaw", user_settings: { language: "pl" } });
  });

  it("continues, in a new Conversation, a conversation saved from another one (history, id and signed state)", async () => {
    const { server, client } = await serve((turn, chat) => {
      const visits = Number(turn.context.state.visits ?? 0) + 1;
      return [text(`visit ${visits}`), chat.createStateUpdate({ visits })];
    });
    const original = client.newConversation();
    await original.run("Hello there, my friend");
    const saved = JSON.parse(JSON.stringify({ history: original.history, conversationId: original.conversationId, state: original.state }));

    const restored = client.newConversation(saved);
    const result = await restored.run("I am back");

    expect(result.text).toBe("visit 2");
    expect(server.chat.turns[1]?.context.conversationId).toBe(original.conversationId);
    expect(server.chat.turns[1]?.history).toEqual([
      { role: "user", content: "Hello there, my friend" },
      { role: "assistant", content: "visit 1" },
    ]);
    expect(restored.state?.state).toEqual({ visits: 2 });
    expect(original.history).toHaveLength(2);
  });

  it("sends the user settings as they are when each turn starts", async () => {
    const { server, client } = await serve(() => [text("ok")]);
    const conversation = client.newConversation({ userSettings: { language: "pl" } });

    await conversation.run("one");
    conversation.userSettings = { language: "en", tone: "dry" };
    await conversation.run("two");

    expect(server.chat.turns.map((turn) => turn.context.userSettings)).toEqual([{ language: "pl" }, { language: "en", tone: "dry" }]);
  });

  it("lets a turn's context override what the conversation tracks", async () => {
    const { server, wire, client } = await serve(() => [text("ok")]);
    const conversation = client.newConversation({ conversationId: "restored", state: { state: { a: 1 }, signature: "bad" } });

    const result = await conversation.run("hi", { context: { message_id: "m-1", state: undefined, signature: undefined, tool_confirmations: [{ confirmation_id: "c", confirmed: true }] } });

    expect(result.messageId).toBeUndefined();
    expect(wire.requests[0]?.body.context).toEqual({ timezone: conversation.timezone, conversation_id: "restored", message_id: "m-1", tool_confirmations: [{ confirmation_id: "c", confirmed: true }] });
    const seen = server.chat.turns[0]?.context;
    expect([seen?.messageId, seen?.conversationId, seen?.state, seen?.toolConfirmations]).toEqual(["m-1", "restored", {}, [{ confirmation_id: "c", confirmed: true }]]);
  });

  it("continues a restored conversation, and records nothing when the server refuses the turn", async () => {
    const { server, wire, client } = await serve(() => [text("never")]);
    const history = [
      { role: "user" as const, content: "before" },
      { role: "assistant" as const, content: "reply" },
    ];
    const conversation = client.newConversation({ history, conversationId: "conv-7", state: { state: { n: 1 }, signature: "forged" } });

    const error = (await conversation.run("next").catch((caught: unknown) => caught)) as RagbitsHTTPError;

    expect(error).toBeInstanceOf(RagbitsHTTPError);
    expect([error.status, error.detail]).toEqual([400, "Invalid state signature"]);
    expect(wire.requests[0]?.body).toMatchObject({ history, context: { conversation_id: "conv-7", state: { n: 1 }, signature: "forged" } });
    expect(server.chat.turns).toHaveLength(0);
    expect(conversation.history).toEqual(history);
    history.push({ role: "user", content: "mutating the caller's array does not reach the conversation" });
    expect(conversation.history).toHaveLength(2);
  });

  it("can run again after a refused turn", async () => {
    const { server, client } = await serve(() => [text("fine")]);
    const conversation = client.newConversation({ state: { state: { n: 1 }, signature: "forged" } });

    await expect(conversation.run("first")).rejects.toThrow(RagbitsHTTPError);
    const retried = await conversation.run("second", { context: { state: undefined, signature: undefined } });

    expect(retried.text).toBe("fine");
    expect(server.chat.turns.map((turn) => turn.message)).toEqual(["second"]);
    expect(conversation.history).toEqual([
      { role: "user", content: "second" },
      { role: "assistant", content: "fine" },
    ]);
  });

  it("records a stopped turn with the text received so far, and the server sees the client go away", async () => {
    const { server, client } = await serve(async function* (turn) {
      yield text("The beginning");
      yield text(" of it");
      await untilAborted(turn.context.signal);
    });
    const conversation = client.newConversation();

    for await (const response of conversation.runStreaming("Tell me everything")) {
      if (response.type === "text" && response.content.text === " of it") break;
    }

    const [turn] = server.chat.turns;
    await within(turn!.ended, 2000, "the app's generator to stop");
    expect(turn!.context.signal.aborted).toBe(true);
    expect(conversation.conversationId).toBe(turn!.context.conversationId);
    expect(conversation.history).toEqual([
      { role: "user", content: "Tell me everything" },
      { role: "assistant", content: "The beginning of it" },
    ]);
  });

  it("records a turn the caller aborted, with the text received so far, and throws RagbitsAbortError", async () => {
    const { server, client } = await serve(async function* (turn) {
      yield text("Half an");
      yield text(" answer");
      await untilAborted(turn.context.signal);
    });
    const conversation = client.newConversation();
    const controller = new AbortController();

    const error = await (async () => {
      for await (const response of conversation.runStreaming("Tell me everything", { signal: controller.signal })) {
        if (response.type === "text" && response.content.text === " answer") controller.abort();
      }
    })().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RagbitsAbortError);
    await within(server.chat.turns[0]!.ended, 2000, "the app's generator to stop");
    expect(conversation.history).toEqual([
      { role: "user", content: "Tell me everything" },
      { role: "assistant", content: "Half an answer" },
    ]);
  });

  it("records a turn whose connection was cut, with the text received so far, and throws RagbitsNetworkError", async () => {
    // A BROKEN peer, not a Ragbits server: RagbitsAPI ends its streams cleanly, a dying proxy may not.
    const torn = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`data: ${JSON.stringify(text("Cut in the"))}\n\n`, () => res.write('data: {"type":"text","con', () => res.socket?.destroy()));
    });
    await new Promise<void>((resolve) => torn.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise<void>((resolve) => torn.close(() => resolve())));
    const conversation = new RagbitsChatClient({ baseUrl: `http://127.0.0.1:${(torn.address() as AddressInfo).port}` }).newConversation();

    await expect(conversation.run("Tell me everything")).rejects.toThrow(RagbitsNetworkError);
    expect(conversation.history).toEqual([
      { role: "user", content: "Tell me everything" },
      { role: "assistant", content: "Cut in the" },
    ]);
  });

  it("keeps only the text after clear_message, and leaves out an empty assistant message (an error turn)", async () => {
    const { client } = await serve(async function* (turn, chat) {
      if (turn.message === "one") {
        yield* [text("draft"), chat.createClearMessageResponse(), text("final")];
        return;
      }
      throw new Error("the model is down");
    });
    const conversation = client.newConversation();

    await conversation.run("one");
    const failed = await conversation.run("two");

    // The server's safe message for a chat() that threw, in-band.
    expect(failed.errors).toHaveLength(1);
    expect(failed.errors[0]).toMatch(/\w/);
    expect(failed.text).toBe("");
    expect(conversation.history).toEqual([
      { role: "user", content: "one" },
      { role: "assistant", content: "final" },
      { role: "user", content: "two" },
    ]);
  });

  it("runs one turn at a time", async () => {
    const { server, client } = await serve(async function* (turn) {
      if (turn.message !== "one") {
        yield text("quick");
        return;
      }
      yield text("slow");
      await untilAborted(turn.context.signal);
    });
    const conversation = client.newConversation();
    const first = conversation.runStreaming("one");
    // Up to the first text: the framework's ids have arrived, the stream is still open.
    let step = await first.next();
    while (!step.done && step.value.type !== "text") step = await first.next();
    expect(step.value).toEqual(text("slow"));

    await expect(conversation.run("two")).rejects.toThrow(RagbitsClientError);
    await expect(conversation.run("two")).rejects.toThrow(/already running a turn/);

    await first.return(undefined);
    const third = await collect(conversation.runStreaming("three"));
    expect(third.map((response) => response.type)).toEqual(["message_id", "text"]);
    // "two" never left the client.
    expect(server.chat.turns.map((turn) => turn.message)).toEqual(["one", "three"]);
  });
});
