/**
 * The OpenAI-compatible endpoint (POST /v1/chat/completions, GET /v1/models) as OpenAI clients use
 * it: the official `openai` SDK, and @ragbits/core's own LiteLLM (`openai/<name>` + baseUrl), against
 * a real RagbitsAPI on loopback. Runs on both adapters (Express and fetch), like every test/api suite.
 */
import { request as httpRequest } from "node:http";
import { LLMError, LLMRateLimitError, LiteLLM } from "@ragbits/core";
import OpenAI, { APIError, AuthenticationError, BadRequestError, InternalServerError, NotFoundError, RateLimitError } from "openai";
import { createFollowupMessages, createLiveUpdate, createReference, createUsageResponse, type MessageUsage } from "../../src";
import { MemoryHistory } from "../helpers/memory-history";
import { type ChatScript, type ScriptedServer, gate, serveScript, untilAborted } from "../helpers/scripted-chat";
import { waitFor } from "../helpers/start-api";

const MODEL = "ragbits-test";
const KEY = "sk-ragbits-test-key-0123456789";
const OTHER_KEY = "sk-second-key-abcdefghij";

/** Usage of one turn over two models: 10 + 5 prompt, 4 + 3 completion tokens. */
const USAGE: Record<string, MessageUsage> = {
  "model-a": { n_requests: 1, estimated_cost: 0, prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 },
  "model-b": { n_requests: 2, estimated_cost: 0, prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
};
const SUMMED_USAGE = { prompt_tokens: 15, completion_tokens: 7, total_tokens: 22 };

const servers: ScriptedServer[] = [];

async function serve(script: ChatScript, apiKeys: readonly string[] | ((key: string) => boolean | Promise<boolean>) = [KEY, OTHER_KEY]): Promise<ScriptedServer> {
  const server = await serveScript(script, { openaiCompatible: { apiKeys, modelName: MODEL } });
  servers.push(server);
  return server;
}

function client(server: ScriptedServer, apiKey = KEY): OpenAI {
  // No retries: a test sees each answer exactly as the server gave it.
  return new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const USER_ONLY: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "hello there" }];

describe("POST /v1/chat/completions, streamed", () => {
  it("streams the chat's text as delta.content chunks ending with finish_reason stop and [DONE]", async () => {
    const server = await serve(function* (_turn, chat) {
      yield chat.createTextResponse("Hello");
      yield chat.createTextResponse(", ");
      yield chat.createTextResponse("world");
    });
    const stream = await client(server).chat.completions.create({ model: MODEL, messages: USER_ONLY, stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Hello, world");
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant");
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.slice(0, -1).every((chunk) => chunk.choices[0]!.finish_reason === null)).toBe(true);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ object: "chat.completion.chunk", model: MODEL, id: chunks[0]!.id });
    }
    expect(chunks[0]!.id).toMatch(/^chatcmpl-[0-9a-f-]{36}$/);
    // Usage was not asked for: no chunk carries it.
    expect(chunks.some((chunk) => "usage" in chunk)).toBe(false);
  });

  it("frames the stream as OpenAI does: data lines of chunk JSON, the last one `data: [DONE]`", async () => {
    const server = await serve(function* (_turn, chat) {
      yield chat.createTextResponse("hi");
    });
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: MODEL, messages: USER_ONLY, stream: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const raw = await response.text();
    const data = raw.split("\n\n").filter((frame) => frame.startsWith("data: "));
    expect(data.at(-1)).toBe("data: [DONE]");
    expect(raw.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(data.slice(0, -1).map((frame) => JSON.parse(frame.slice(6)).choices[0].delta)).toEqual([{ role: "assistant", content: "" }, { content: "hi" }, {}]);
  });

  it("gives the chat the last user message as `message` and the earlier ones, system and developer included, as history", async () => {
    const server = await serve(function* (turn, chat) {
      yield chat.createTextResponse(`${turn.history.length}`);
    });
    await client(server).chat.completions.create({
      model: MODEL,
      messages: [
        { role: "system", content: "You are terse." },
        { role: "developer", content: "Answer in English." },
        { role: "user", content: "first question" },
        { role: "assistant", content: "first answer" },
        {
          role: "user",
          content: [
            { type: "text", text: "second" },
            { type: "text", text: "question" },
          ],
        },
      ],
      stream: true,
    });
    const [turn] = server.chat.turns;
    expect(turn!.message).toBe("second\nquestion");
    expect(turn!.history).toEqual([
      { role: "system", content: "You are terse." },
      { role: "system", content: "Answer in English." },
      { role: "user", content: "first question" },
      { role: "assistant", content: "first answer" },
    ]);
    // A stateless OpenAI request: no summary model call, fresh ids for the framework.
    expect(turn!.context.conversationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends the usage in a last chunk (empty choices) when stream_options.include_usage is set", async () => {
    const server = await serve(function* (_turn, chat) {
      yield chat.createTextResponse("counted");
      yield createUsageResponse(USAGE);
    });
    const stream = await client(server).chat.completions.create({ model: MODEL, messages: USER_ONLY, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(SUMMED_USAGE);
    // As OpenAI: `usage: null` on every other chunk.
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
  });

  it("forwards every other event unchanged, in order, in the ragbits_events extension field", async () => {
    const server = await serve(function* (_turn, chat) {
      yield createLiveUpdate("search", "START", "Searching");
      yield createReference("Doc", "Body", "https://example.com/doc");
      yield chat.createTextResponse("answer");
      yield createFollowupMessages(["More?", "Why?"]);
      yield { type: "custom", customType: "chart", content: { points: [1, 2] } };
    });
    const stream = await client(server).chat.completions.create({ model: MODEL, messages: USER_ONLY, stream: true });
    const extension: unknown[] = [];
    let text = "";
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      extension.push(...(((chunk as unknown as { ragbits_events?: unknown[] }).ragbits_events) ?? []));
    }
    expect(text).toBe("answer");
    expect(extension).toEqual([
      { type: "live_update", content: { update_id: "search", type: "START", content: { label: "Searching", description: null } } },
      { type: "reference", content: { title: "Doc", content: "Body", url: "https://example.com/doc" } },
      { type: "followup_messages", content: { messages: ["More?", "Why?"] } },
      { type: "chart", content: { points: [1, 2] } },
    ]);
  });

  it("aborts the turn (and saves it as aborted) when the client stops reading", async () => {
    const history = new MemoryHistory();
    const server = await serve(async function* (turn, chat) {
      yield chat.createTextResponse("first ");
      await untilAborted(turn.context.signal);
      yield chat.createTextResponse("never sent");
    });
    server.chat.historyPersistence = history;
    const controller = new AbortController();
    const stream = await client(server).chat.completions.create({ model: MODEL, messages: USER_ONLY, stream: true }, { signal: controller.signal });
    let text = "";
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (text.includes("first")) controller.abort();
    }
    const [turn] = server.chat.turns;
    await turn!.ended;
    expect(turn!.context.signal.aborted).toBe(true);
    await waitFor(() => history.records.length === 1, 2_000, "the interaction to be saved");
    expect(history.records[0]).toMatchObject({ status: "aborted", response: "first " });
  });

  it("raises APIError in the client for an error after the stream began, with what was said before it", async () => {
    const server = await serve(function* (_turn, chat) {
      yield chat.createTextResponse("partial ");
      throw new Error("database on fire");
    });
    const stream = await client(server).chat.completions.create({ model: MODEL, messages: USER_ONLY, stream: true });
    let text = "";
    let caught: unknown;
    try {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    } catch (error) {
      caught = error;
    }
    expect(text).toBe("partial ");
    expect(caught).toBeInstanceOf(APIError);
    const error = caught as APIError;
    expect(error.error).toEqual({ message: "Something went wrong while generating the answer. Please try again.", type: "server_error", param: null, code: null });
    // The internal cause stays in the server log, never in the answer.
    expect(JSON.stringify(error.error)).not.toContain("database on fire");
    expect(server.logs.some((line) => line.err?.message === "database on fire")).toBe(true);
  });

  it("answers a chat that fails before saying anything with HTTP 500 in OpenAI's error shape (InternalServerError)", async () => {
    const server = await serve(() => {
      throw new Error("broken before the first word");
    });
    const caught = await client(server)
      .chat.completions.create({ model: MODEL, messages: USER_ONLY, stream: true })
      .then(() => undefined, (error: unknown) => error);
    expect(caught).toBeInstanceOf(InternalServerError);
    expect((caught as APIError).status).toBe(500);
    expect((caught as APIError).error).toEqual({ message: "Something went wrong while generating the answer. Please try again.", type: "server_error", param: null, code: null });
  });
});

describe("a model provider's rate limit inside chat()", () => {
  const rateLimited = (retryAfterMs?: number) =>
    new LLMRateLimitError({ provider: "openai", model: "gpt-4o-mini", statusCode: 429, providerMessage: "Rate limit reached for requests", retryAfterMs });

  it.each([true, false])("answers 429 in OpenAI's shape with Retry-After (stream: %s), so OpenAI clients back off", async (stream) => {
    const server = await serve(() => {
      throw rateLimited(1500);
    });
    const caught = await client(server)
      .chat.completions.create({ model: MODEL, messages: USER_ONLY, stream })
      .then(() => undefined, (error: unknown) => error);
    expect(caught).toBeInstanceOf(RateLimitError);
    expect((caught as APIError).status).toBe(429);
    expect((caught as APIError).headers?.get("retry-after")).toBe("2");
    expect((caught as APIError).error).toEqual({ message: "The model provider is rate limiting requests. Please try again in a moment.", type: "requests", param: null, code: "rate_limit_exceeded" });
  });

  it("sends no Retry-After when the provider did not say how long to wait", async () => {
    const server = await serve(() => {
      throw rateLimited();
    });
    const response = await fetch(`${server.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` }, body: JSON.stringify({ model: MODEL, messages: USER_ONLY }) });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBeNull();
  });
});

describe("POST /v1/chat/completions, not streamed", () => {
  it("answers one chat.completion with the whole text, the usage and the other events in ragbits_events", async () => {
    const server = await serve(function* (_turn, chat) {
      yield chat.createTextResponse("Hello");
      yield createReference("Doc", "Body");
      yield chat.createTextResponse(" world");
      yield createUsageResponse(USAGE);
    });
    const completion = await client(server).chat.completions.create({ model: MODEL, messages: USER_ONLY });
    expect(completion).toMatchObject({ object: "chat.completion", model: MODEL, usage: SUMMED_USAGE });
    expect(completion.id).toMatch(/^chatcmpl-[0-9a-f-]{36}$/);
    expect(completion.choices).toEqual([{ index: 0, message: { role: "assistant", content: "Hello world", refusal: null }, logprobs: null, finish_reason: "stop" }]);
    expect((completion as unknown as { ragbits_events: unknown[] }).ragbits_events).toEqual([
      { type: "reference", content: { title: "Doc", content: "Body", url: null } },
      { type: "usage", content: { usage: USAGE } },
    ]);
  });

  it("leaves out what the chat took back with clear_message", async () => {
    const server = await serve(function* (_turn, chat) {
      yield chat.createTextResponse("draft that is withdrawn");
      yield chat.createClearMessageResponse();
      yield chat.createTextResponse("final");
    });
    const completion = await client(server).chat.completions.create({ model: MODEL, messages: USER_ONLY });
    expect(completion.choices[0]!.message.content).toBe("final");
  });

  it("answers a failed turn with HTTP 500 in OpenAI's error shape", async () => {
    const server = await serve(function* (_turn, chat) {
      yield chat.createTextResponse("some text first");
      throw new Error("late failure");
    });
    const caught = await client(server)
      .chat.completions.create({ model: MODEL, messages: USER_ONLY })
      .then(() => undefined, (error: unknown) => error);
    expect(caught).toBeInstanceOf(InternalServerError);
    expect((caught as APIError).error).toMatchObject({ type: "server_error", message: "Something went wrong while generating the answer. Please try again." });
  });

  it("aborts the turn when the client gives up waiting", async () => {
    const started = gate();
    const server = await serve(async function* (turn, chat) {
      started.open();
      await untilAborted(turn.context.signal);
      yield chat.createTextResponse("too late");
    });
    const controller = new AbortController();
    const answer = client(server)
      .chat.completions.create({ model: MODEL, messages: USER_ONLY }, { signal: controller.signal })
      .catch((error: unknown) => error);
    await started.opened;
    controller.abort();
    expect(await answer).toBeInstanceOf(Error);
    const [turn] = server.chat.turns;
    await turn!.ended;
    expect(turn!.context.signal.aborted).toBe(true);
  });
});

describe("bad requests: 400/404 in OpenAI's error shape, before any turn runs", () => {
  let server: ScriptedServer;
  beforeEach(async () => {
    server = await serve(function* (_turn, chat) {
      yield chat.createTextResponse("unused");
    });
  });

  async function rejection(body: Record<string, unknown>): Promise<APIError> {
    const caught = await client(server)
      .chat.completions.create(body as never)
      .then(() => undefined, (error: unknown) => error);
    expect(caught).toBeInstanceOf(APIError);
    expect(server.chat.turns).toHaveLength(0);
    return caught as APIError;
  }

  it("names a missing parameter", async () => {
    const error = await rejection({ model: MODEL });
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.error).toEqual({ message: "Missing required parameter: 'messages'.", type: "invalid_request_error", param: "messages", code: "missing_required_parameter" });
  });

  it("names a message of the wrong shape by its index", async () => {
    const error = await rejection({ model: MODEL, messages: [{ role: "user", content: 42 }] });
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.error).toMatchObject({ type: "invalid_request_error", param: "messages[0].content" });
  });

  it("refuses a conversation that does not end with a user message", async () => {
    const error = await rejection({ model: MODEL, messages: [...USER_ONLY, { role: "assistant", content: "prefill" }] });
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.error).toMatchObject({ type: "invalid_request_error", param: "messages[1].role" });
  });

  it("refuses more than one choice", async () => {
    const error = await rejection({ model: MODEL, messages: USER_ONLY, n: 2 });
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.error).toMatchObject({ param: "n" });
  });

  it("answers another model name with OpenAI's 404 model_not_found", async () => {
    const error = await rejection({ model: "gpt-4o", messages: USER_ONLY });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.error).toEqual({ message: "The model `gpt-4o` does not exist or you do not have access to it.", type: "invalid_request_error", param: "model", code: "model_not_found" });
  });

  it("answers an unknown /v1 path with OpenAI's 404 (NotFoundError in the SDK), not the Ragbits API's", async () => {
    const caught = await client(server)
      .post("/embeddings", { body: { model: MODEL, input: "hi" } })
      .then(() => undefined, (error: unknown) => error);
    expect(caught).toBeInstanceOf(NotFoundError);
    expect((caught as APIError).error).toEqual({ message: "Invalid URL (POST /v1/embeddings)", type: "invalid_request_error", param: null, code: null });
    const other = await fetch(`${server.url}/api/nothing-here`);
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ detail: "Not found: GET /api/nothing-here" });
  });

  it("answers malformed JSON with 400 in OpenAI's shape", async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` }, body: '{"model": ' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ type: "invalid_request_error", param: null, code: null });
    expect(body.error.message).toMatch(/^Malformed JSON body/);
  });
});

describe("API keys", () => {
  const script: ChatScript = function* (_turn, chat) {
    yield chat.createTextResponse("ok");
  };

  it("accepts every configured key", async () => {
    const server = await serve(script);
    for (const key of [KEY, OTHER_KEY]) {
      const completion = await client(server, key).chat.completions.create({ model: MODEL, messages: USER_ONLY });
      expect(completion.choices[0]!.message.content).toBe("ok");
    }
  });

  it("answers a wrong key with 401, which the SDK raises as AuthenticationError, and never echoes it", async () => {
    const server = await serve(script);
    const wrong = `${KEY}-but-not-quite`;
    const caught = await client(server, wrong)
      .chat.completions.create({ model: MODEL, messages: USER_ONLY })
      .then(() => undefined, (error: unknown) => error);
    expect(caught).toBeInstanceOf(AuthenticationError);
    expect((caught as APIError).status).toBe(401);
    expect((caught as APIError).error).toEqual({ message: "Incorrect API key provided.", type: "invalid_request_error", param: null, code: "invalid_api_key" });
    expect(server.chat.turns).toHaveLength(0);
    expect(JSON.stringify(server.logs)).not.toContain(wrong);
  });

  it("answers a request without a key with 401 and WWW-Authenticate: Bearer", async () => {
    const server = await serve(script);
    for (const authorization of [undefined, "Basic dXNlcjpwYXNz", "Bearer"]) {
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ model: MODEL, messages: USER_ONLY }),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/^You didn't provide an API key/);
    }
    expect(server.chat.turns).toHaveLength(0);
  });

  it("asks a key-check function, when given one, and keeps keys out of the logs", async () => {
    const asked: string[] = [];
    const server = await serve(script, async (key) => {
      asked.push(key);
      return key === "from-my-store";
    });
    const completion = await client(server, "from-my-store").chat.completions.create({ model: MODEL, messages: USER_ONLY });
    expect(completion.choices[0]!.message.content).toBe("ok");
    await expect(client(server, "not-in-my-store").models.list()).rejects.toBeInstanceOf(AuthenticationError);
    expect(asked).toEqual(["from-my-store", "not-in-my-store"]);
    expect(JSON.stringify(server.logs)).not.toMatch(/from-my-store|not-in-my-store/);
  });

  it("protects GET /v1/models too", async () => {
    const server = await serve(script);
    await expect(client(server, "wrong-key").models.list()).rejects.toBeInstanceOf(AuthenticationError);
  });
});

describe("GET /v1/models", () => {
  it("lists the one model the chat is", async () => {
    const server = await serve(function* () {});
    const models = [];
    for await (const model of client(server).models.list()) models.push(model);
    expect(models).toEqual([{ id: MODEL, object: "model", created: expect.any(Number), owned_by: "ragbits" }]);
  });
});

describe("without API keys (loopback only)", () => {
  async function serveOpen(): Promise<ScriptedServer> {
    const server = await serveScript(
      function* (_turn, chat) {
        yield chat.createTextResponse("open");
      },
      { openaiCompatible: true },
    );
    servers.push(server);
    return server;
  }

  it("answers any client on localhost, under the default model name", async () => {
    const server = await serveOpen();
    const completion = await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "anything", maxRetries: 0 }).chat.completions.create({ model: "ragbits", messages: USER_ONLY });
    expect(completion.choices[0]!.message.content).toBe("open");
  });

  it("refuses a request addressed to another host name (a DNS-rebinding page) with 403", async () => {
    const server = await serveOpen();
    const { status, body } = await rawGet(`${server.url}/v1/models`, { host: "attacker.example:8000" });
    expect(status).toBe(403);
    expect(JSON.parse(body).error).toMatchObject({ type: "permission_error" });
    expect((await rawGet(`${server.url}/v1/models`, { host: "localhost:8000" })).status).toBe(200);
  });
});

it("serves no /v1 route unless the option is on", async () => {
  const server = await serveScript(function* () {});
  servers.push(server);
  const response = await fetch(`${server.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "ragbits", messages: USER_ONLY }) });
  expect(response.status).toBe(404);
});

describe("@ragbits/core's LiteLLM talking to this server (openai/<model> + baseUrl)", () => {
  function llm(server: ScriptedServer) {
    return new LiteLLM({ modelName: `openai/${MODEL}`, baseUrl: `${server.url}/v1`, apiKey: KEY });
  }

  it("streams the text and reads the usage", async () => {
    const server = await serve(function* (turn, chat) {
      yield chat.createTextResponse(`echo: `);
      yield chat.createTextResponse(turn.message);
      yield createUsageResponse(USAGE);
    });
    const stream = llm(server).generateStreaming([
      { role: "system", content: "be brief" },
      { role: "user", content: "ping" },
    ]);
    const chunks: string[] = [];
    for await (const chunk of stream) chunks.push(chunk as string);
    expect(chunks).toEqual(["echo: ", "ping"]);
    expect(await stream.usage).toMatchObject({ promptTokens: 15, completionTokens: 7, totalTokens: 22 });
    expect(server.chat.turns[0]!.history).toEqual([{ role: "system", content: "be brief" }]);
  });

  it("generates without streaming", async () => {
    const server = await serve(function* (_turn, chat) {
      yield chat.createTextResponse("whole answer");
    });
    expect(await llm(server).generate("hi")).toBe("whole answer");
  });

  it("surfaces the chat's error as an LLMError", async () => {
    const server = await serve(function* (_turn, chat) {
      yield chat.createTextResponse("half");
      throw new Error("boom");
    });
    const consume = async () => {
      for await (const _chunk of llm(server).generateStreaming("hi")) {
        // read on
      }
    };
    const caught = await consume().then(() => undefined, (error: unknown) => error);
    expect(LLMError.isInstance(caught)).toBe(true);
  });
});

/** A GET with headers fetch will not let us set (Host). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: "GET", headers }, (response) => {
      let body = "";
      response.setEncoding("utf8").on("data", (text: string) => (body += text));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
    request.end();
  });
}
