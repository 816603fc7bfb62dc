import { type WireEvent } from "../protocol/chat-response";
import { RagbitsClientError, RagbitsHTTPError } from "./client-errors";
import { ProtocolTestServer, stateUpdate } from "./protocol-test-server";
import { RagbitsChatClient } from "./ragbits-chat-client";
import { collect, within } from "./test-streams";

let server: ProtocolTestServer;
let client: RagbitsChatClient;

beforeEach(async () => {
  server = await ProtocolTestServer.start();
  client = new RagbitsChatClient({ baseUrl: server.url });
});

afterEach(async () => {
  await server.close();
});

const text = (value: string): WireEvent => ({ type: "text", content: { text: value } });

describe("Conversation", () => {
  it("carries the conversation id, the signed state and the history into the next turn", async () => {
    let turn = 0;
    server.scriptChat(() => {
      turn++;
      return [text(`answer ${turn}`), stateUpdate({ turn, notes: ["zażółć"] })];
    });
    const conversation = client.newConversation({ userSettings: { language: "pl" }, timezone: "Europe/Warsaw" });

    const first = await conversation.run("Hello there, how are you?");
    const second = await conversation.run("And now?");

    expect(first.conversationId).toBeDefined();
    expect(conversation.conversationId).toBe(first.conversationId);
    const secondBody = server.requests[1]?.body;
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
    // The server verified the signature, and sent no new conversation id for a known conversation.
    expect(second.text).toBe("answer 2");
    expect(second.conversationId).toBeUndefined();
    expect(second.events.map((event) => event.type)).toEqual(["message_id", "text", "state_update"]);
    expect(conversation.state).toEqual(second.state);
    expect(conversation.history).toHaveLength(4);
    expect(server.requests[0]?.body.context).toEqual({ timezone: "Europe/Warsaw", user_settings: { language: "pl" } });
  });

  it("lets a turn's context override what the conversation tracks", async () => {
    const conversation = client.newConversation({ conversationId: "restored", state: { state: { a: 1 }, signature: "bad" } });

    const result = await conversation.run("hi", { context: { message_id: "m-1", state: undefined, signature: undefined, tool_confirmations: [{ confirmation_id: "c", confirmed: true }] } });

    expect(result.messageId).toBeUndefined();
    expect(server.requests[0]?.body.context).toEqual({ timezone: conversation.timezone, conversation_id: "restored", message_id: "m-1", tool_confirmations: [{ confirmation_id: "c", confirmed: true }] });
  });

  it("continues a restored conversation, and records nothing when the server refuses the turn", async () => {
    const history = [
      { role: "user" as const, content: "before" },
      { role: "assistant" as const, content: "reply" },
    ];
    const conversation = client.newConversation({ history, conversationId: "conv-7", state: { state: { n: 1 }, signature: "forged" } });

    const error = (await conversation.run("next").catch((caught: unknown) => caught)) as RagbitsHTTPError;

    expect(error).toBeInstanceOf(RagbitsHTTPError);
    expect([error.status, error.detail]).toEqual([400, "Invalid state signature"]);
    expect(server.requests[0]?.body).toMatchObject({ history, context: { conversation_id: "conv-7", state: { n: 1 }, signature: "forged" } });
    expect(conversation.history).toEqual(history);
    history.push({ role: "user", content: "mutating the caller's array does not reach the conversation" });
    expect(conversation.history).toHaveLength(2);
  });

  it("records a stopped turn with the text received so far, and the server sees the client go away", async () => {
    server.route("POST", "/api/chat", async (exchange) => {
      exchange.startEventStream();
      await exchange.send({ type: "conversation_id", content: { conversation_id: "c-1" } });
      await exchange.send(text("The beginning"));
      await exchange.send(text(" of it"));
      await exchange.clientGone;
    });
    const conversation = client.newConversation();

    for await (const response of conversation.runStreaming("Tell me everything")) {
      if (response.type === "text" && response.content.text === " of it") break;
    }

    await within((await server.exchange(0)).clientGone, 2000, "the server to see the connection close");
    expect(conversation.conversationId).toBe("c-1");
    expect(conversation.history).toEqual([
      { role: "user", content: "Tell me everything" },
      { role: "assistant", content: "The beginning of it" },
    ]);
  });

  it("keeps only the text after clear_message, and leaves out an empty assistant message (an error turn)", async () => {
    const scripts: WireEvent[][] = [[text("draft"), { type: "clear_message", content: {} }, text("final")], [{ type: "error", content: { message: "The assistant failed to answer." } }]];
    server.scriptChat(() => scripts.shift() ?? []);
    const conversation = client.newConversation();

    await conversation.run("one");
    const failed = await conversation.run("two");

    expect(failed.errors).toEqual(["The assistant failed to answer."]);
    expect(conversation.history).toEqual([
      { role: "user", content: "one" },
      { role: "assistant", content: "final" },
      { role: "user", content: "two" },
    ]);
  });

  it("runs one turn at a time", async () => {
    server.route("POST", "/api/chat", async (exchange) => {
      exchange.startEventStream();
      await exchange.send(text("slow"));
      await exchange.clientGone;
    });
    const conversation = client.newConversation();
    const first = conversation.runStreaming("one");
    await first.next();

    await expect(conversation.run("two")).rejects.toThrow(RagbitsClientError);
    await expect(conversation.run("two")).rejects.toThrow(/already running a turn/);

    await first.return(undefined);
    server.route("POST", "/api/chat", async (exchange) => {
      exchange.startEventStream();
      exchange.end();
    });
    await expect(collect(conversation.runStreaming("three"))).resolves.toEqual([]);
    expect(server.requests).toHaveLength(2);
  });
});
