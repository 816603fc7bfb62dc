/**
 * The client against the real server: every scenario runs a RagbitsAPI with a tiny scripted
 * ChatInterface. A recording reverse proxy sits in front where a test checks the bytes on the wire.
 * What RagbitsAPI never sends (torn connections, non-SSE answers, malformed frames, echoed
 * credentials, HTML error pages) comes from `brokenPeer`, a raw node:http server that writes exactly
 * the bytes a test gives it and implements nothing of the protocol.
 */
import { type IncomingHttpHeaders, type ServerResponse, createServer } from "node:http";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { startRecordingProxy } from "../../test/helpers/recording-proxy";
import { type ChatScript, gate, pause, serveScript, type ScriptedChatOptions, untilAborted } from "../../test/helpers/scripted-chat";
import { ListAuthentication } from "../auth/list-authentication";
import { type ChatResponse } from "../protocol/chat-response";
import { type RagbitsAPIOptions } from "../server/ragbits-api";
import { RagbitsAbortError, RagbitsClientError, RagbitsHTTPError, RagbitsNetworkError, RagbitsProtocolError, type ValidationIssue } from "./client-errors";
import { RagbitsChatClient } from "./ragbits-chat-client";
import { collect, within } from "./test-streams";

const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const text = (value: string): ChatResponse => ({ type: "text", content: { text: value } });

/** Ids the framework would otherwise announce first: with them in the context, only the app's events arrive. */
const KNOWN_TURN = { message_id: "msg-known", conversation_id: "conv-known" };

/** A real RagbitsAPI answering with `script`, and a client pointed at it. */
async function serve(script: ChatScript, options: RagbitsAPIOptions & ScriptedChatOptions = {}) {
  const server = await serveScript(script, options);
  closers.push(server.close);
  return { ...server, client: new RagbitsChatClient({ baseUrl: server.url }) };
}

/** A recording reverse proxy in front of `target` (see recording-proxy.ts), optionally mounting it under `prefix`. */
async function proxy(target: string, prefix?: string) {
  const started = await startRecordingProxy(target, prefix);
  closers.push(started.close);
  return started;
}

/** Holds a stream open after its first events, until the client goes away. */
function holdOpenAfter(first: ChatResponse[]): ChatScript {
  return async function* (turn) {
    yield* first;
    await untilAborted(turn.context.signal);
  };
}

interface BrokenPeer {
  url: string;
  /** The headers of each request, in arrival order. */
  headers: IncomingHttpHeaders[];
  /** Resolves once the client closed the n-th connection before its response was complete. */
  clientGone(index: number): Promise<void>;
}

/**
 * A BROKEN or HOSTILE peer, not a Ragbits server: a raw node:http server whose every answer is the
 * bytes `respond` writes. It stands for a proxy, a crashed upstream or a malicious host in front of
 * the client, to test what RagbitsAPI itself never sends.
 */
async function brokenPeer(respond: (res: ServerResponse, headers: IncomingHttpHeaders) => unknown): Promise<BrokenPeer> {
  const headers: IncomingHttpHeaders[] = [];
  const gone: Array<Promise<void>> = [];
  const server = createServer((req, res) => {
    headers.push(req.headers);
    gone.push(new Promise((resolve) => res.once("close", () => !res.writableFinished && resolve())));
    req.resume();
    req.once("end", () => void Promise.resolve(respond(res, req.headers)).catch(() => res.destroy()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    headers,
    clientGone: async (index) => {
      while (!gone[index]) await pause(5);
      return gone[index];
    },
  };
}

function startEventStream(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
}

function write(res: ServerResponse, chunk: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => res.write(chunk, (error) => (error ? reject(error) : resolve())));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
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
    const server = await serve((_turn, chat) => [text("Hello"), text(", world"), chat.createReference("Doc", "body"), chat.createCustomResponse("weather", { celsius: 21 })]);
    const wire = await proxy(server.url);
    const client = new RagbitsChatClient({ baseUrl: wire.url });
    const history = [
      { role: "user" as const, content: "earlier" },
      { role: "assistant" as const, content: "answer" },
    ];

    const responses = await collect(client.runStreaming("What is the weather like?", { history, context: { user_settings: { tone: "dry" } } }));

    expect(responses.map((response) => response.type)).toEqual(["message_id", "conversation_id", "conversation_summary", "text", "text", "reference", "custom"]);
    expect(responses[2]).toEqual({ type: "conversation_summary", content: { summary: "What is the weather like?" } });
    expect(responses[5]).toEqual({ type: "reference", content: { title: "Doc", content: "body", url: null } });
    expect(responses[6]).toEqual({ type: "custom", customType: "weather", content: { celsius: 21 } });
    const [request] = wire.requests;
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers.accept).toBe("text/event-stream");
    expect(request?.body).toEqual({
      message: "What is the weather like?",
      history,
      context: { timezone: Intl.DateTimeFormat().resolvedOptions().timeZone, user_settings: { tone: "dry" } },
    });
    // The server understood it: the app got the message, the history and the settings.
    const [turn] = server.chat.turns;
    expect([turn?.message, turn?.history, turn?.context.userSettings]).toEqual(["What is the weather like?", history, { tone: "dry" }]);
  });

  it("reads events cut at every byte, multi-byte characters included, between keep-alive comments and id: lines", async () => {
    // RagbitsAPI sends neither id: lines nor one byte per packet; other servers and proxies may.
    const texts = ["Zażółć gęślą jaźń — ", "日本語 ", "🦜🚀👩‍💻"];
    const peer = await brokenPeer(async (res) => {
      startEventStream(res);
      let stream = ": keep-alive\n\n";
      for (const [index, value] of texts.entries()) stream += `id: ${index}\ndata: ${JSON.stringify(text(value))}\n\n: keep-alive\n\n`;
      for (const byte of new TextEncoder().encode(stream)) {
        await write(res, Uint8Array.of(byte));
        await pause(1);
      }
      res.end();
    });

    const result = await new RagbitsChatClient({ baseUrl: peer.url }).run("hi");

    expect(result.text).toBe(texts.join(""));
    expect(result.events).toHaveLength(3);
  });

  it("reads multi-byte text between the keep-alive comments the server sends during silences", async () => {
    const texts = ["Zażółć gęślą jaźń — ", "日本語 ", "🦜🚀👩‍💻"];
    const server = await serve(async function* () {
      for (const value of texts) {
        await pause(40);
        yield text(value);
      }
    }, { keepAliveMs: 5 });
    const wire = await proxy(server.url);

    const result = await new RagbitsChatClient({ baseUrl: wire.url }).run("hi", { context: KNOWN_TURN });

    expect(result.text).toBe(texts.join(""));
    expect(result.events).toEqual(texts.map(text));
    expect(wire.requests[0]?.responseText).toContain(": keep-alive\n\n");
  });

  it("reassembles chunked images, out of order and interleaved with text, yielding each image once complete", async () => {
    const payload = "iVBORw0KGgo".repeat(30);
    const pieces: ChatResponse[] = [0, 1, 2].map((index) => ({
      type: "chunked_content",
      content: { id: "img-1", content_type: "image", chunk_index: index, total_chunks: 3, mime_type: "data:image/png;base64", data: payload.slice(index * 110, (index + 1) * 110) },
    }));
    const server = await serve((_turn, chat) => [pieces[2]!, text("look: "), pieces[0]!, chat.createImageResponse("https://example.com/cat.png", "remote"), pieces[1]!, text("done")]);

    const responses = await collect(server.client.runStreaming("draw"));

    const appResponses = responses.slice(3);
    expect(appResponses).toEqual([
      text("look: "),
      { type: "image", content: { id: "remote", url: "https://example.com/cat.png" } },
      { type: "image", content: { id: "img-1", url: `data:image/png;base64,${payload}` } },
      text("done"),
    ]);
    expect(responses.some((response) => response.type === "chunked_content")).toBe(false);
  });

  it("reassembles a data: image the server cut into pieces itself, and another one behind it", async () => {
    // Over 2 × 102,400 characters: the server sends three pieces.
    const big = `data:image/jpeg;base64,${"/9j/4AAQSkZJRg".repeat(16_000)}`;
    const small = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
    const server = await serve((_turn, chat) => [chat.createImageResponse(big, "big"), text("and "), chat.createImageResponse(small, "small")]);
    const wire = await proxy(server.url);

    const result = await new RagbitsChatClient({ baseUrl: wire.url }).run("draw", { context: KNOWN_TURN });

    expect(result.images).toEqual([
      { id: "big", url: big },
      { id: "small", url: small },
    ]);
    expect(result.events.map((event) => event.type)).toEqual(["image", "text", "image"]);
    expect(wire.requests[0]?.responseText.match(/"type":"chunked_content"/g)).toHaveLength(4);
  });

  it("fails with a protocol error when the stream ends with an image missing pieces", async () => {
    const server = await serve(() => [{ type: "chunked_content", content: { id: "img", content_type: "image", chunk_index: 0, total_chunks: 2, mime_type: "data:image/png;base64", data: "AAAA" } }]);
    await expect(server.client.run("draw")).rejects.toThrow(/before image "img" was complete/);
  });

  it("hands an in-band error event over as a response, and collects it in run()'s errors without throwing", async () => {
    const server = await serve((_turn, chat) => [text("partial"), chat.createErrorResponse("The assistant failed to answer.")]);

    const streamed = await collect(server.client.runStreaming("hi"));
    expect(streamed.at(-1)).toEqual({ type: "error", content: { message: "The assistant failed to answer." } });

    const result = await server.client.run("hi");
    expect(result.errors).toEqual(["The assistant failed to answer."]);
    expect(result.text).toBe("partial");
  });

  it("ends the turn with the server's safe error event, not a throw, when chat() throws mid-stream", async () => {
    const server = await serve(async function* () {
      yield text("partial");
      throw new Error("database is down at 10.0.0.7");
    });

    const result = await server.client.run("hi", { context: KNOWN_TURN });

    expect(result.events.map((event) => event.type)).toEqual(["text", "error"]);
    expect(result.text).toBe("partial");
    expect(result.errors).toEqual([(result.events[1] as Extract<ChatResponse, { type: "error" }>).content.message]);
    expect(result.errors[0]).toMatch(/\w/);
    expect(result.errors[0]).not.toContain("database is down");
  });

  it("gathers everything a turn streamed in run()'s result", async () => {
    const state = { step: 2 };
    const usage = { "gpt-4o-mini": { n_requests: 1, estimated_cost: 0.001, prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } };
    const server = await serve((_turn, chat) => [
      text("draft"),
      chat.createReference("Old", "gone"),
      chat.createClearMessageResponse(),
      text("final "),
      text("answer"),
      chat.createReference("Doc", "body", "https://example.com"),
      chat.createImageResponse("https://example.com/i.png", "i"),
      chat.createFollowupMessages(["old"]),
      chat.createFollowupMessages(["Why?", "How?"]),
      chat.createUsageResponse(usage),
      chat.createStateUpdate(state),
      chat.createLiveUpdate("u", "START", "Searching"),
    ]);

    const result = await server.client.run("Tell me something long");

    expect(result).toEqual({
      text: "final answer",
      messageId: expect.any(String),
      conversationId: expect.any(String),
      summary: "Tell me something long",
      references: [{ title: "Doc", content: "body", url: "https://example.com" }],
      followupMessages: ["Why?", "How?"],
      images: [{ id: "i", url: "https://example.com/i.png" }],
      usage,
      // Signed by the server: base64 of an HMAC-SHA256.
      state: { state, signature: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) },
      errors: [],
      events: expect.any(Array),
    });
    expect(result.events).toHaveLength(15);
    expect(result.messageId).toBe((result.events[0] as Extract<ChatResponse, { type: "message_id" }>).content.message_id);
    expect(result.messageId).toBe(server.chat.turns[0]?.context.messageId);
    expect(result.conversationId).toBe(server.chat.turns[0]?.context.conversationId);
  });
});

describe("RagbitsChatClient cancellation", () => {
  it("closes the connection when the caller's signal aborts mid-stream, and throws RagbitsAbortError", async () => {
    const server = await serve(holdOpenAfter([text("first")]));
    const controller = new AbortController();
    const seen: ChatResponse[] = [];

    const error = await rejection(
      (async () => {
        for await (const response of server.client.runStreaming("hi", { signal: controller.signal, context: KNOWN_TURN })) {
          seen.push(response);
          controller.abort();
        }
      })(),
    );

    expect(error).toBeInstanceOf(RagbitsAbortError);
    expect((error as RagbitsAbortError).message).toBe(`POST ${server.url}/api/chat was aborted`);
    expect(seen).toEqual([text("first")]);
    // The server saw the client go away: it aborted the turn and stopped the app's generator.
    await within(server.chat.turns[0]!.ended, 2000, "the app's generator to stop");
    expect(server.chat.turns[0]!.context.signal.aborted).toBe(true);
  });

  it("aborts while waiting for the response headers, and keeps the signal's reason", async () => {
    // RagbitsAPI sends a chat's headers at once; a stalled proxy may never send them.
    const peer = await brokenPeer(() => undefined);
    const controller = new AbortController();
    const pending = rejection(new RagbitsChatClient({ baseUrl: peer.url }).run("hi", { signal: controller.signal }));
    const gone = peer.clientGone(0);
    while (peer.headers.length === 0) await pause(5);
    controller.abort(new DOMException("took too long", "TimeoutError"));

    const error = (await pending) as RagbitsAbortError;
    expect(error).toBeInstanceOf(RagbitsAbortError);
    expect(error.message).toContain("(TimeoutError: took too long)");
    expect((error.reason as DOMException).name).toBe("TimeoutError");
    await within(gone, 2000, "the peer to see the connection close");
  });

  it("aborts a JSON request the server is slow to answer (feedback still being saved)", async () => {
    const saving = gate();
    const server = await serve(() => [], { feedbackConfig: { like: { enabled: true } }, onFeedback: () => saving.opened });
    closers.unshift(async () => saving.open());
    const controller = new AbortController();
    const pending = rejection(server.client.sendFeedback("msg-1", "like", undefined, { signal: controller.signal }));
    while (server.chat.feedback.length === 0) await pause(5);
    controller.abort(new DOMException("took too long", "TimeoutError"));

    const error = (await pending) as RagbitsAbortError;
    expect(error).toBeInstanceOf(RagbitsAbortError);
    expect(error.message).toBe(`POST ${server.url}/api/feedback was aborted (TimeoutError: took too long)`);
    expect((error.reason as DOMException).name).toBe("TimeoutError");
  });

  it("sends nothing when the signal is already aborted", async () => {
    const server = await serve(() => [text("never")]);
    const wire = await proxy(server.url);
    const client = new RagbitsChatClient({ baseUrl: wire.url });

    await expect(client.run("hi", { signal: AbortSignal.abort() })).rejects.toThrow(RagbitsAbortError);
    await expect(client.getConfig({ signal: AbortSignal.abort() })).rejects.toThrow(RagbitsAbortError);
    await expect(client.sendFeedback("m", "like", undefined, { signal: AbortSignal.abort() })).rejects.toThrow(RagbitsAbortError);
    expect(wire.requests).toHaveLength(0);
    expect(server.chat.turns).toHaveLength(0);
  });

  it("closes the connection, without an error, when the consumer breaks out of the loop", async () => {
    const server = await serve(holdOpenAfter([text("one"), text("two")]));
    const seen: ChatResponse[] = [];

    for await (const response of server.client.runStreaming("hi", { context: KNOWN_TURN })) {
      seen.push(response);
      break;
    }

    expect(seen).toEqual([text("one")]);
    await within(server.chat.turns[0]!.ended, 2000, "the app's generator to stop");
    expect(server.chat.turns[0]!.context.signal.aborted).toBe(true);
  });

  it("does not keep listening to a long-lived signal after the request ended", async () => {
    const server = await serve(() => [text("hi")]);
    const controller = new AbortController();
    const added = jest.spyOn(controller.signal, "addEventListener");
    const removed = jest.spyOn(controller.signal, "removeEventListener");
    await server.client.run("one", { signal: controller.signal });
    await server.client.getConfig({ signal: controller.signal });
    expect(added).toHaveBeenCalledTimes(2);
    expect(removed).toHaveBeenCalledTimes(2);
  });
});

describe("RagbitsChatClient errors", () => {
  it("turns a 422 into RagbitsHTTPError with the validation issues as detail", async () => {
    const server = await serve(() => [text("never")]);

    const error = (await rejection(server.client.run(undefined as unknown as string))) as RagbitsHTTPError;

    expect(error).toBeInstanceOf(RagbitsHTTPError);
    expect(error).toBeInstanceOf(RagbitsClientError);
    expect(error.status).toBe(422);
    expect(error.detail).toEqual([expect.objectContaining({ type: "missing", loc: ["body", "message"], msg: "Field required" })]);
    expect((error.detail as ValidationIssue[])[0]).toHaveProperty("input");
    expect(error.message).toBe(`POST ${server.url}/api/chat failed with 422 Unprocessable Entity: body.message: Field required`);
    expect(server.chat.turns).toHaveLength(0);
  });

  it("turns a 401 and a 500 into RagbitsHTTPError, with a string detail or the raw body", async () => {
    const server = await serve(() => [text("never")], { auth: new ListAuthentication([{ username: "ann", password: "secret" }]) });
    const unauthorized = (await rejection(server.client.run("hi"))) as RagbitsHTTPError;
    expect([unauthorized.status, unauthorized.detail]).toEqual([401, "Not authenticated"]);
    expect(unauthorized.message).toContain("401 Unauthorized: Not authenticated");
    expect(server.chat.turns).toHaveLength(0);

    // RagbitsAPI answers errors in JSON; a proxy in front of it may fail with an HTML page.
    const proxyPage = await brokenPeer((res) => {
      res.writeHead(500, { "content-type": "text/html" });
      res.end("<h1>upstream exploded</h1>");
    });
    const failed = (await rejection(new RagbitsChatClient({ baseUrl: proxyPage.url }).run("hi"))) as RagbitsHTTPError;
    expect([failed.status, failed.detail, failed.body]).toEqual([500, undefined, "<h1>upstream exploded</h1>"]);
    expect(failed.message).toContain("500 Internal Server Error: <h1>upstream exploded</h1>");
  });

  it("never lets configured credentials into an error, even when the server echoes them", async () => {
    const token = "s3cr3t-token-value-123";
    // A hostile host that echoes the request's credentials back, in a JSON error and in a non-JSON 200.
    const echoing = await brokenPeer((res, headers) => {
      if (headers.accept === "text/event-stream") return json(res, 401, { detail: `Invalid credentials: ${headers.authorization}`, headers });
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`not json, cookie was ${headers.cookie}`);
    });
    const secretive = new RagbitsChatClient({ baseUrl: echoing.url, headers: { Authorization: `Bearer ${token}`, Cookie: "ragbits_session=cookie-secret-456; theme=dark" } });

    const errors = [await rejection(secretive.run("hi")), await rejection(secretive.getConfig())] as RagbitsClientError[];

    expect(errors[0]).toBeInstanceOf(RagbitsHTTPError);
    expect(errors[1]).toBeInstanceOf(RagbitsProtocolError);
    for (const error of errors) {
      const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack });
      expect(everything).not.toContain(token);
      expect(everything).not.toContain("cookie-secret-456");
      expect(everything).toContain("[redacted]");
    }
    expect(echoing.headers[0]?.authorization).toBe(`Bearer ${token}`);
  });

  it("refuses a baseUrl with credentials in it without repeating them (fetch would put them in every error)", () => {
    const secret = "s3cr3t-pa55";
    let error: unknown;
    try {
      new RagbitsChatClient({ baseUrl: `http://alice:${secret}@127.0.0.1:9/` });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain("baseUrl must not contain credentials");
    expect((error as Error).message).toContain("127.0.0.1:9");
    expect((error as Error).message).not.toContain(secret);
    expect((error as Error).message).not.toContain("alice");
  });

  it("reports a server that cannot be reached as RagbitsNetworkError, on every endpoint", async () => {
    const closedPort = await unusedPort();
    const unreachable = new RagbitsChatClient({ baseUrl: `http://127.0.0.1:${closedPort}` });

    const error = (await rejection(unreachable.run("hi"))) as RagbitsNetworkError;

    expect(error).toBeInstanceOf(RagbitsNetworkError);
    expect(error.message).toMatch(new RegExp(`^POST http://127.0.0.1:${closedPort}/api/chat failed: fetch failed \\(.*ECONNREFUSED`));
    expect(error.cause).toMatchObject({ message: "fetch failed" });
    await expect(unreachable.getConfig()).rejects.toThrow(new RegExp(`^GET http://127.0.0.1:${closedPort}/api/config failed: fetch failed \\(.*ECONNREFUSED`));
    await expect(unreachable.sendFeedback("m", "like")).rejects.toBeInstanceOf(RagbitsNetworkError);
  });

  it("reports a connection cut mid-stream as RagbitsNetworkError", async () => {
    // A torn connection: half an event, then the socket is gone.
    const peer = await brokenPeer(async (res) => {
      startEventStream(res);
      await write(res, `data: ${JSON.stringify(text("first"))}\n\n`);
      await write(res, 'data: {"type":"text","con');
      res.socket?.destroy();
    });
    const seen: ChatResponse[] = [];

    const error = await rejection(
      (async () => {
        for await (const response of new RagbitsChatClient({ baseUrl: peer.url }).runStreaming("hi")) seen.push(response);
      })(),
    );

    expect(error).toBeInstanceOf(RagbitsNetworkError);
    expect(seen).toEqual([text("first")]);
  });

  it("rejects an answer that is not an event stream with RagbitsProtocolError quoting it", async () => {
    const peer = await brokenPeer((res) => json(res, 200, { answer: "I am not SSE" }));

    const error = (await rejection(new RagbitsChatClient({ baseUrl: peer.url }).run("hi"))) as RagbitsProtocolError;

    expect(error).toBeInstanceOf(RagbitsProtocolError);
    expect(error.message).toContain('answered 200 with content type "application/json", not text/event-stream');
    expect(error.text).toBe('{"answer":"I am not SSE"}');
  });

  it("rejects a malformed data line with RagbitsProtocolError, truncated, and closes the connection", async () => {
    const garbage = `{"type":"text","content":${"x".repeat(5000)}`;
    const peer = await brokenPeer(async (res) => {
      startEventStream(res);
      await write(res, `data: ${JSON.stringify(text("fine"))}\n\n`);
      await write(res, `data: ${garbage}\n\n`);
      // Then silence: the client must hang up by itself.
    });
    const seen: ChatResponse[] = [];

    const error = (await rejection(
      (async () => {
        for await (const response of new RagbitsChatClient({ baseUrl: peer.url }).runStreaming("hi")) seen.push(response);
      })(),
    )) as RagbitsProtocolError;

    expect(error).toBeInstanceOf(RagbitsProtocolError);
    expect(error.message).toMatch(/^Malformed event: the data line is not JSON: "\{\\"type\\":\\"text\\",\\"content\\":x+… \(5025 characters\)"$/);
    expect(error.text?.length).toBeLessThan(600);
    expect(seen).toEqual([text("fine")]);
    await within(peer.clientGone(0), 2000, "the peer to see the connection close");
  });
});

describe("RagbitsChatClient against the server's limits and states", () => {
  it("gets a typed 413 when the request is larger than the server accepts", async () => {
    const server = await serve(() => [text("never")], { bodyLimit: "1kb" });

    const error = (await rejection(server.client.run("x".repeat(2_000)))) as RagbitsHTTPError;

    expect(error).toBeInstanceOf(RagbitsHTTPError);
    expect(error.status).toBe(413);
    expect(error.message).toMatch(new RegExp(`^POST ${server.url}/api/chat failed with 413 Payload Too Large: `));
    expect(server.chat.turns).toHaveLength(0);
  });

  it("fails with typed errors, not a parse crash, when the base URL points at the wrong path", async () => {
    const server = await serve(() => [text("never")]);
    const misdirected = new RagbitsChatClient({ baseUrl: `${server.url}/nowhere` });

    // GET of an unknown page is the UI's index.html (client-side routes): 200, but not JSON.
    const configError = (await rejection(misdirected.getConfig())) as RagbitsProtocolError;
    expect(configError).toBeInstanceOf(RagbitsProtocolError);
    expect(configError.message).toMatch(new RegExp(`^GET ${server.url}/nowhere/api/config answered 200 with a body that is not JSON: "`));
    const chatError = (await rejection(misdirected.run("hi"))) as RagbitsHTTPError;
    expect(chatError).toBeInstanceOf(RagbitsHTTPError);
    expect(chatError.status).toBe(404);
    expect(server.chat.turns).toHaveLength(0);
  });

  it("runs independent turns side by side on one client", async () => {
    const server = await serve(async function* (turn) {
      for (const word of turn.message.split(" ")) {
        await pause(5);
        yield text(`${word.toUpperCase()} `);
      }
    });

    const results = await Promise.all(["one two three", "four five", "six"].map((message) => server.client.run(message)));

    expect(results.map((result) => result.text)).toEqual(["ONE TWO THREE ", "FOUR FIVE ", "SIX "]);
    expect(new Set(results.map((result) => result.conversationId)).size).toBe(3);
  });

  it("ends the stream with the server's in-band error, not a throw, when the server shuts down mid-answer", async () => {
    const server = await serve(holdOpenAfter([text("first words")]));
    closers.splice(closers.indexOf(server.close), 1);
    const seen: ChatResponse[] = [];
    let closed: Promise<void> | undefined;

    const reading = (async () => {
      for await (const response of server.client.runStreaming("hi", { context: KNOWN_TURN })) {
        seen.push(response);
        closed ??= server.close();
      }
    })();

    await within(reading, 5_000, "the stream to end");
    await closed;
    expect(seen.map((response) => response.type)).toEqual(["text", "error"]);
    expect(seen[0]).toEqual(text("first words"));
    expect((seen[1] as Extract<ChatResponse, { type: "error" }>).content.message).toMatch(/\w/);
    expect(server.chat.turns[0]!.context.signal.aborted).toBe(true);
  });
});

describe("RagbitsChatClient config and feedback", () => {
  it("gets /api/config", async () => {
    const server = await serve(() => []);
    const wire = await proxy(server.url);
    const config = await new RagbitsChatClient({ baseUrl: wire.url }).getConfig();
    expect(config.feedback.like).toEqual({ enabled: false, form: null });
    expect(config.authentication.enabled).toBe(false);
    expect(wire.requests[0]?.headers.accept).toBe("application/json");
  });

  it("reads what the server offers: feedback forms and authentication", async () => {
    const server = await serve(() => [], { feedbackConfig: { dislike: { enabled: true, form: { type: "object", properties: { reason: { type: "string" } } } } }, auth: new ListAuthentication([{ username: "ann", password: "secret" }]) });
    const config = await server.client.getConfig();
    expect(config.feedback).toEqual({ like: { enabled: false, form: null }, dislike: { enabled: true, form: { type: "object", properties: { reason: { type: "string" } } } } });
    expect(config.authentication).toEqual({ enabled: true, auth_types: ["credentials"], oauth2_providers: [] });
  });

  it("posts feedback, with and without a payload", async () => {
    const server = await serve(() => [], { feedbackConfig: { like: { enabled: true }, dislike: { enabled: true } } });
    const wire = await proxy(server.url);
    const client = new RagbitsChatClient({ baseUrl: wire.url });

    await expect(client.sendFeedback("msg-1", "like")).resolves.toEqual({ status: "success" });
    await expect(client.sendFeedback("msg-2", "dislike", { reason: "wrong" })).resolves.toEqual({ status: "success" });
    expect(wire.requests.map((request) => request.body)).toEqual([
      { message_id: "msg-1", feedback: "like" },
      { message_id: "msg-2", feedback: "dislike", payload: { reason: "wrong" } },
    ]);
    expect(server.chat.feedback).toEqual([
      { messageId: "msg-1", feedback: "like", payload: {} },
      { messageId: "msg-2", feedback: "dislike", payload: { reason: "wrong" } },
    ]);
  });

  it("uses the same typed errors for JSON endpoints", async () => {
    const server = await serve(() => []);
    const error = (await rejection(server.client.sendFeedback("m", "meh" as "like"))) as RagbitsHTTPError;
    expect(error).toBeInstanceOf(RagbitsHTTPError);
    expect(error.status).toBe(422);
    expect(error.message).toContain("body.feedback: Input should be 'like' or 'dislike'");
    expect(server.chat.feedback).toHaveLength(0);
  });
});

describe("RagbitsChatClient options", () => {
  it("sends through a custom fetch, with headers from a function and the configured credentials mode", async () => {
    const server = await serve((turn) => [text(`hello ${turn.context.user?.username ?? "nobody"}`)], { auth: new ListAuthentication([{ username: "ann", password: "secret" }]) });
    const login = await fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "ann", password: "secret" }) });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const wire = await proxy(server.url);
    const calls: RequestInit[] = [];
    let token = 0;
    const custom = new RagbitsChatClient({
      baseUrl: `${wire.url}/`,
      credentials: "include",
      headers: async () => ({ cookie, authorization: `Bearer token-${++token}`, accept: "application/json, text/event-stream" }),
      fetch: (url, init) => {
        calls.push(init);
        return fetch(url, init);
      },
    });

    await custom.getConfig();
    const result = await custom.run("hi");

    expect(calls.map((init) => init.credentials)).toEqual(["include", "include"]);
    expect(wire.requests.map((request) => [request.path, request.headers.authorization])).toEqual([
      ["/api/config", "Bearer token-1"],
      ["/api/chat", "Bearer token-2"],
    ]);
    expect(wire.requests[1]?.headers.accept).toBe("application/json, text/event-stream");
    // The session cookie from the headers function reached the server: the app saw the signed-in user.
    expect(result.text).toBe("hello ann");
  });

  it("passes a failing headers function's error on as it is, and sends nothing", async () => {
    const server = await serve(() => [text("never")]);
    const wire = await proxy(server.url);
    const refreshFailed = new Error("token refresh failed");
    const client = new RagbitsChatClient({
      baseUrl: wire.url,
      headers: () => {
        throw refreshFailed;
      },
    });

    await expect(client.run("hi")).rejects.toBe(refreshFailed);
    await expect(client.getConfig()).rejects.toBe(refreshFailed);
    expect(wire.requests).toHaveLength(0);
  });

  it("prefixes paths with the base URL's path (a server mounted under a prefix)", async () => {
    const server = await serve(() => [text("mounted")]);
    const mounted = await proxy(server.url, "/chatbot");
    const prefixed = new RagbitsChatClient({ baseUrl: mounted.url });

    await expect(prefixed.getConfig()).resolves.toMatchObject({ supports_upload: false, authentication: { enabled: false } });
    await expect(prefixed.run("hi", { context: KNOWN_TURN })).resolves.toMatchObject({ text: "mounted" });
    expect(mounted.requests.map((request) => request.path)).toEqual(["/chatbot/api/config", "/chatbot/api/chat"]);
  });
});

async function unusedPort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
