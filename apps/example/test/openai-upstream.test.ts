/**
 * The final app with a provider key set: SimpleStreamingChat talks to gpt-4o-mini through the real
 * LiteLLM → OpenAI SDK path, here pointed (OPENAI_BASE_URL) at @ragbits/core's loopback OpenAI server.
 * Two turns over real HTTP: the upstream sees the whole history in OpenAI format, and the browser
 * side gets exactly the text the upstream streamed.
 */
import { OpenAIMockServer } from "@ragbits/core/testing";
import { type ExampleModules, chatTurn, getJson, loadExample, setProviderEnv, textOf } from "./helpers";

const API_KEY = "sk-test-example-0123456789";

let upstream: OpenAIMockServer;
let example: ExampleModules;
let restoreEnv: () => void;
let logged: string[];
let chat: InstanceType<ExampleModules["main"]["SimpleStreamingChat"]>;
let server: { url: string; close(): Promise<void> } | undefined;

beforeAll(async () => {
  // The mock answers 401 unless the SDK sends this key, so the key really travels from the environment.
  upstream = await OpenAIMockServer.start({ apiKey: API_KEY });
  restoreEnv = setProviderEnv({ OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: upstream.url });
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  example = await loadExample();
  logged = log.mock.calls.map((args) => args.join(" "));
  log.mockRestore();
  chat = new example.main.SimpleStreamingChat();
  server = await new example.chat.RagbitsAPI(chat).run({ host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await server?.close();
  await upstream?.close();
  restoreEnv?.();
});

it("uses gpt-4o-mini through LiteLLM, with no offline notice", async () => {
  expect(example.tutorialLLM.offline).toBe(false);
  expect(chat.llm).toBeInstanceOf(example.core.LiteLLM);
  expect(chat.llm.modelName).toBe("gpt-4o-mini");
  expect(logged.filter((line) => /no api key/i.test(line))).toEqual([]);

  const config = await getJson(`${server!.url}/api/config`);
  expect(config.customization.header.subtitle).toBe("talking to gpt-4o-mini");
});

it("streams two turns end to end; the upstream receives the full history in OpenAI format", async () => {
  const url = server!.url;
  const firstChunks = ["Hello", " Ada", ", nice", " to meet", " you."];
  const secondChunks = ["Your", " name", " is", " Ada."];
  upstream.enqueue(
    { text: firstChunks, usage: { promptTokens: 11, completionTokens: 5 }, chunkDelayMs: 20 },
    { text: secondChunks, usage: { promptTokens: 23, completionTokens: 4 }, chunkDelayMs: 20 },
  );

  const first = await chatTurn(url, { message: "My name is Ada" });
  expect(first.events.slice(0, 3).map((event) => event.type)).toEqual(["message_id", "conversation_id", "conversation_summary"]);
  // Each upstream chunk becomes one text event, in order, as it arrives.
  expect(first.events.filter((event) => event.type === "text").map((event) => event.content.text)).toEqual(firstChunks);
  expect(first.readsWithText).toBeGreaterThan(1);
  expect(first.events.at(-1)).toEqual({
    type: "usage",
    content: { usage: { "gpt-4o-mini": { n_requests: 1, estimated_cost: 0, prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 } } },
  });
  const firstText = textOf(first.events);
  expect(firstText).toBe(firstChunks.join(""));

  const history = [
    { role: "user", content: "My name is Ada" },
    { role: "assistant", content: firstText },
  ];
  const second = await chatTurn(url, { message: "What is my name?", history, context: { conversation_id: first.events[1]!.content.conversation_id } });
  expect(textOf(second.events)).toBe(secondChunks.join(""));
  expect(second.events.at(-1)!.content.usage["gpt-4o-mini"]).toMatchObject({ prompt_tokens: 23, completion_tokens: 4, total_tokens: 27 });

  expect(upstream.requests).toHaveLength(2);
  const [request1, request2] = upstream.requests;
  for (const request of [request1!, request2!]) {
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/v1/chat/completions");
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.body).toMatchObject({ model: "gpt-4o-mini", stream: true });
  }
  expect(request1!.body.messages).toEqual([{ role: "user", content: "My name is Ada" }]);
  expect(request2!.body.messages).toEqual([
    { role: "user", content: "My name is Ada" },
    { role: "assistant", content: "Hello Ada, nice to meet you." },
    { role: "user", content: "What is my name?" },
  ]);
  expect(upstream.completedResponses).toBe(2);
  expect(upstream.clientAborts).toBe(0);
});
