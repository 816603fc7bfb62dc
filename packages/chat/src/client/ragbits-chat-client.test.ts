import { type AddressInfo, createServer } from "node:net";
import { type ChatResponse, type WireEvent } from "../protocol/chat-response";
import { RagbitsAbortError, RagbitsClientError, RagbitsHTTPError, RagbitsNetworkError, RagbitsProtocolError } from "./client-errors";
import { ProtocolTestServer, type TestExchange } from "./protocol-test-server";
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

/** A route that sends `first`, then holds the stream open until the client goes away. */
function holdOpenAfter(first: WireEvent[]) {
  return async (exchange: TestExchange) => {
    exchange.startEventStream();
    for (const event of first) await exchange.send(event);
    const keepAlive = setInterval(() => exchange.res.write(": keep-alive\n\n"), 20);
    await exchange.clientGone;
    clearInterval(keepAlive);
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("RagbitsChatClient streaming", () => {
  it("yields the framework's and the app's events as typed responses, and sends the request PROTOCOL.md describes", async () => {
    server.scriptChat(() => [text("Hello"), text(", world"), { type: "reference", content: { title: "Doc", content: "body", url: null } }, { type: "weather", content: { celsius: 21 } }]);
    const history = [{ role: "user" as const, content: "earlier" }, { role: "assistant" as const, content: "answer" }];

    const responses = await collect(client.runStreaming("What is the weather like?", { history, context: { user_settings: { tone: "dry" } } }));

    expect(responses.map((response) => response.type)).toEqual(["message_id", "conversation_id", "conversation_summary", "text", "text", "reference", "custom"]);
    expect(responses[2]).toEqual({ type: "conversation_summary", content: { summary: "What is the weather like?" } });
    expect(responses[6]).toEqual({ type: "custom", customType: "weather", content: { celsius: 21 } });
    const [request] = server.requests;
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers.accept).toBe("text/event-stream");
    expect(request?.body).toEqual({
      message: "What is the weather like?",
      history,
      context: { timezone: Intl.DateTimeFormat().resolvedOptions().timeZone, user_settings: { tone: "dry" } },
    });
  });

  it("reads events cut at every byte, multi-byte characters included, between keep-alive comments and id: lines", async () => {
    const texts = ["Zażółć gęślą jaźń — ", "日本語 ", "🦜🚀👩‍💻"];
    server.route("POST", "/api/chat", async (exchange) => {
      exchange.startEventStream();
      await exchange.writeBytewise(": keep-alive\n\n");
      for (const [index, value] of texts.entries()) {
        await exchange.writeBytewise(`id: ${index}\ndata: ${JSON.stringify(text(value))}\n\n: keep-alive\n\n`);
      }
      exchange.end();
    });

    const result = await client.run("hi");

    expect(result.text).toBe(texts.join(""));
    expect(result.events).toHaveLength(3);
  });

  it("reassembles chunked images, out of order and interleaved with text, yielding each image once complete", async () => {
    const payload = "iVBORw0KGgo".repeat(30);
    const pieces = [0, 1, 2].map((index) => ({
      type: "chunked_content",
      content: { id: "img-1", content_type: "image", chunk_index: index, total_chunks: 3, mime_type: "data:image/png;base64", data: payload.slice(index * 110, (index + 1) * 110) },
    }));
    server.scriptChat(() => [pieces[2]!, text("look: "), pieces[0]!, { type: "image", content: { id: "remote", url: "https://example.com/cat.png" } }, pieces[1]!, text("done")]);

    const responses = await collect(client.runStreaming("draw"));

    const appResponses = responses.slice(3);
    expect(appResponses).toEqual([
      text("look: "),
      { type: "image", content: { id: "remote", url: "https://example.com/cat.png" } },
      { type: "image", content: { id: "img-1", url: `data:image/png;base64,${payload}` } },
      text("done"),
    ]);
    expect(responses.some((response) => response.type === "chunked_content")).toBe(false);
  });

  it("fails with a protocol error when the stream ends with an image missing pieces", async () => {
    server.scriptChat(() => [{ type: "chunked_content", content: { id: "img", content_type: "image", chunk_index: 0, total_chunks: 2, mime_type: "data:image/png;base64", data: "AAAA" } }]);
    await expect(client.run("draw")).rejects.toThrow(/before image "img" was complete/);
  });

  it("hands an in-band error event over as a response, and collects it in run()'s errors without throwing", async () => {
    server.scriptChat(() => [text("partial"), { type: "error", content: { message: "The assistant failed to answer." } }]);

    const streamed = await collect(client.runStreaming("hi"));
    expect(streamed.at(-1)).toEqual({ type: "error", content: { message: "The assistant failed to answer." } });

    const result = await client.run("hi");
    expect(result.errors).toEqual(["The assistant failed to answer."]);
    expect(result.text).toBe("partial");
  });

  it("gathers everything a turn streamed in run()'s result", async () => {
    const state = { step: 2 };
    server.scriptChat(() => [
      text("draft"),
      { type: "reference", content: { title: "Old", content: "gone", url: null } },
      { type: "clear_message", content: {} },
      text("final "),
      text("answer"),
      { type: "reference", content: { title: "Doc", content: "body", url: "https://example.com" } },
      { type: "image", content: { id: "i", url: "https://example.com/i.png" } },
      { type: "followup_messages", content: { messages: ["old"] } },
      { type: "followup_messages", content: { messages: ["Why?", "How?"] } },
      { type: "usage", content: { usage: { "gpt-4o-mini": { n_requests: 1, estimated_cost: 0.001, prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } } } },
      { type: "state_update", content: { state, signature: "sig" } },
      { type: "live_update", content: { update_id: "u", type: "START", content: { label: "Searching", description: null } } },
    ]);

    const result = await client.run("Tell me something long");

    expect(result).toEqual({
      text: "final answer",
      messageId: expect.any(String),
      conversationId: expect.any(String),
      summary: "Tell me something long",
      references: [{ title: "Doc", content: "body", url: "https://example.com" }],
      followupMessages: ["Why?", "How?"],
      images: [{ id: "i", url: "https://example.com/i.png" }],
      usage: { "gpt-4o-mini": { n_requests: 1, estimated_cost: 0.001, prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } },
      state: { state, signature: "sig" },
      errors: [],
      events: expect.any(Array),
    });
    expect(result.events).toHaveLength(15);
    expect(result.messageId).toBe((result.events[0] as Extract<ChatResponse, { type: "message_id" }>).content.message_id);
  });
});

describe("RagbitsChatClient cancellation", () => {
  it("closes the connection when the caller's signal aborts mid-stream, and throws RagbitsAbortError", async () => {
    server.route("POST", "/api/chat", holdOpenAfter([text("first")]));
    const controller = new AbortController();
    const seen: ChatResponse[] = [];

    const error = await rejection(
      (async () => {
        for await (const response of client.runStreaming("hi", { signal: controller.signal })) {
          seen.push(response);
          controller.abort();
        }
      })(),
    );

    expect(error).toBeInstanceOf(RagbitsAbortError);
    expect((error as RagbitsAbortError).message).toBe(`POST ${server.url}/api/chat was aborted`);
    expect(seen).toEqual([text("first")]);
    await within((await server.exchange(0)).clientGone, 2000, "the server to see the connection close");
  });

  it("aborts while waiting for the response headers, and keeps the signal's reason", async () => {
    server.route("POST", "/api/chat", async (exchange) => {
      await exchange.clientGone;
    });
    const controller = new AbortController();
    const pending = rejection(client.run("hi", { signal: controller.signal }));
    const exchange = await server.exchange(0);
    controller.abort(new DOMException("took too long", "TimeoutError"));

    const error = (await pending) as RagbitsAbortError;
    expect(error).toBeInstanceOf(RagbitsAbortError);
    expect(error.message).toContain("(TimeoutError: took too long)");
    expect((error.reason as DOMException).name).toBe("TimeoutError");
    await within(exchange.clientGone, 2000, "the server to see the connection close");
  });

  it("sends nothing when the signal is already aborted", async () => {
    await expect(client.run("hi", { signal: AbortSignal.abort() })).rejects.toThrow(RagbitsAbortError);
    await expect(client.getConfig({ signal: AbortSignal.abort() })).rejects.toThrow(RagbitsAbortError);
    expect(server.requests).toHaveLength(0);
  });

  it("closes the connection, without an error, when the consumer breaks out of the loop", async () => {
    server.route("POST", "/api/chat", holdOpenAfter([text("one"), text("two")]));
    const seen: ChatResponse[] = [];

    for await (const response of client.runStreaming("hi")) {
      seen.push(response);
      break;
    }

    expect(seen).toEqual([text("one")]);
    await within((await server.exchange(0)).clientGone, 2000, "the server to see the connection close");
  });

  it("does not keep listening to a long-lived signal after the request ended", async () => {
    const controller = new AbortController();
    const added = jest.spyOn(controller.signal, "addEventListener");
    const removed = jest.spyOn(controller.signal, "removeEventListener");
    await client.run("one", { signal: controller.signal });
    await client.getConfig({ signal: controller.signal });
    expect(added).toHaveBeenCalledTimes(2);
    expect(removed).toHaveBeenCalledTimes(2);
  });
});

describe("RagbitsChatClient errors", () => {
  it("turns a 422 into RagbitsHTTPError with the validation issues as detail", async () => {
    const error = (await rejection(client.run(undefined as unknown as string))) as RagbitsHTTPError;

    expect(error).toBeInstanceOf(RagbitsHTTPError);
    expect(error).toBeInstanceOf(RagbitsClientError);
    expect(error.status).toBe(422);
    expect(error.detail).toEqual([{ type: "missing", loc: ["body", "message"], msg: "Field required", input: expect.any(Object) }]);
    expect(error.message).toBe(`POST ${server.url}/api/chat failed with 422 Unprocessable Entity: body.message: Field required`);
  });

  it("turns a 401 and a 500 into RagbitsHTTPError, with a string detail or the raw body", async () => {
    server.route("POST", "/api/chat", (exchange) => exchange.json(401, { detail: "Not authenticated" }));
    const unauthorized = (await rejection(client.run("hi"))) as RagbitsHTTPError;
    expect([unauthorized.status, unauthorized.detail]).toEqual([401, "Not authenticated"]);
    expect(unauthorized.message).toContain("401 Unauthorized: Not authenticated");

    server.route("POST", "/api/chat", ({ res }) => {
      res.writeHead(500, { "content-type": "text/html" });
      res.end("<h1>upstream exploded</h1>");
    });
    const failed = (await rejection(client.run("hi"))) as RagbitsHTTPError;
    expect([failed.status, failed.detail, failed.body]).toEqual([500, undefined, "<h1>upstream exploded</h1>"]);
    expect(failed.message).toContain("500 Internal Server Error: <h1>upstream exploded</h1>");
  });

  it("never lets configured credentials into an error, even when the server echoes them", async () => {
    const token = "s3cr3t-token-value-123";
    server.route("POST", "/api/chat", (exchange) => exchange.json(401, { detail: `Invalid credentials: ${exchange.request.headers.authorization}`, headers: exchange.request.headers }));
    server.route("GET", "/api/config", ({ res, request }) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`not json, cookie was ${request.headers.cookie}`);
    });
    const secretive = new RagbitsChatClient({ baseUrl: server.url, headers: { Authorization: `Bearer ${token}`, Cookie: "ragbits_session=cookie-secret-456; theme=dark" } });

    const errors = [await rejection(secretive.run("hi")), await rejection(secretive.getConfig())] as RagbitsClientError[];

    expect(errors[0]).toBeInstanceOf(RagbitsHTTPError);
    expect(errors[1]).toBeInstanceOf(RagbitsProtocolError);
    for (const error of errors) {
      const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack });
      expect(everything).not.toContain(token);
      expect(everything).not.toContain("cookie-secret-456");
      expect(everything).toContain("[redacted]");
    }
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
  });

  it("reports a server that cannot be reached as RagbitsNetworkError", async () => {
    const closedPort = await unusedPort();
    const unreachable = new RagbitsChatClient({ baseUrl: `http://127.0.0.1:${closedPort}` });

    const error = (await rejection(unreachable.run("hi"))) as RagbitsNetworkError;

    expect(error).toBeInstanceOf(RagbitsNetworkError);
    expect(error.message).toMatch(new RegExp(`^POST http://127.0.0.1:${closedPort}/api/chat failed: fetch failed \\(.*ECONNREFUSED`));
    expect(error.cause).toMatchObject({ message: "fetch failed" });
  });

  it("reports a connection cut mid-stream as RagbitsNetworkError", async () => {
    server.route("POST", "/api/chat", async (exchange) => {
      exchange.startEventStream();
      await exchange.send(text("first"));
      await exchange.write('data: {"type":"text","con');
      exchange.res.socket?.destroy();
    });
    const seen: ChatResponse[] = [];

    const error = await rejection(
      (async () => {
        for await (const response of client.runStreaming("hi")) seen.push(response);
      })(),
    );

    expect(error).toBeInstanceOf(RagbitsNetworkError);
    expect(seen).toEqual([text("first")]);
  });

  it("rejects an answer that is not an event stream with RagbitsProtocolError quoting it", async () => {
    server.route("POST", "/api/chat", (exchange) => exchange.json(200, { answer: "I am not SSE" }));

    const error = (await rejection(client.run("hi"))) as RagbitsProtocolError;

    expect(error).toBeInstanceOf(RagbitsProtocolError);
    expect(error.message).toContain('answered 200 with content type "application/json", not text/event-stream');
    expect(error.text).toBe('{"answer":"I am not SSE"}');
  });

  it("rejects a malformed data line with RagbitsProtocolError, truncated, and closes the connection", async () => {
    const garbage = `{"type":"text","content":${"x".repeat(5000)}`;
    server.route("POST", "/api/chat", async (exchange) => {
      exchange.startEventStream();
      await exchange.send(text("fine"));
      await exchange.write(`data: ${garbage}\n\n`);
      await holdOpenAfter([])(exchange);
    });
    const seen: ChatResponse[] = [];

    const error = (await rejection(
      (async () => {
        for await (const response of client.runStreaming("hi")) seen.push(response);
      })(),
    )) as RagbitsProtocolError;

    expect(error).toBeInstanceOf(RagbitsProtocolError);
    expect(error.message).toMatch(/^Malformed event: the data line is not JSON: "\{\\"type\\":\\"text\\",\\"content\\":x+… \(5025 characters\)"$/);
    expect(error.text?.length).toBeLessThan(600);
    expect(seen).toEqual([text("fine")]);
    await within((await server.exchange(0)).clientGone, 2000, "the server to see the connection close");
  });
});

describe("RagbitsChatClient config and feedback", () => {
  it("gets /api/config", async () => {
    const config = await client.getConfig();
    expect(config.feedback.like).toEqual({ enabled: false, form: null });
    expect(config.authentication.enabled).toBe(false);
    expect(server.requests[0]?.headers.accept).toBe("application/json");
  });

  it("posts feedback, with and without a payload", async () => {
    await expect(client.sendFeedback("msg-1", "like")).resolves.toEqual({ status: "success" });
    await expect(client.sendFeedback("msg-2", "dislike", { reason: "wrong" })).resolves.toEqual({ status: "success" });
    expect(server.requests.map((request) => request.body)).toEqual([
      { message_id: "msg-1", feedback: "like" },
      { message_id: "msg-2", feedback: "dislike", payload: { reason: "wrong" } },
    ]);
  });

  it("uses the same typed errors for JSON endpoints", async () => {
    server.route("POST", "/api/feedback", (exchange) => exchange.json(422, { detail: [{ type: "enum", loc: ["body", "feedback"], msg: "Input should be 'like' or 'dislike'", input: "meh" }] }));
    const error = (await rejection(client.sendFeedback("m", "meh" as "like"))) as RagbitsHTTPError;
    expect(error.status).toBe(422);
    expect(error.message).toContain("body.feedback: Input should be 'like' or 'dislike'");
  });
});

describe("RagbitsChatClient options", () => {
  it("sends through a custom fetch, with headers from a function and the configured credentials mode", async () => {
    const calls: RequestInit[] = [];
    let token = 0;
    const custom = new RagbitsChatClient({
      baseUrl: `${server.url}/`,
      credentials: "include",
      headers: async () => ({ authorization: `Bearer token-${++token}`, accept: "application/json, text/event-stream" }),
      fetch: (url, init) => {
        calls.push(init);
        return fetch(url, init);
      },
    });

    await custom.getConfig();
    await custom.run("hi");

    expect(calls.map((init) => init.credentials)).toEqual(["include", "include"]);
    expect(server.requests.map((request) => [request.path, request.headers.authorization])).toEqual([
      ["/api/config", "Bearer token-1"],
      ["/api/chat", "Bearer token-2"],
    ]);
    expect(server.requests[1]?.headers.accept).toBe("application/json, text/event-stream");
  });

  it("prefixes paths with the base URL's path (a server mounted under a prefix)", async () => {
    server.route("GET", "/chatbot/api/config", (exchange) => exchange.json(200, { mounted: true }));
    const prefixed = new RagbitsChatClient({ baseUrl: `${server.url}/chatbot` });
    await expect(prefixed.getConfig()).resolves.toEqual({ mounted: true });
  });
});

async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
