/**
 * Every step of the tutorial, served by RagbitsAPI and called over real HTTP, on a machine with no
 * provider key: the example says so once and answers from the offline MockLLM.
 */
import { type ExampleModules, type WireEvent, chatTurn, getJson, loadExample, setProviderEnv, textOf } from "./helpers";

type Server = { url: string; close(): Promise<void> };

let example: ExampleModules;
let restoreEnv: () => void;
let logged: string[];
const servers: Server[] = [];

beforeAll(async () => {
  restoreEnv = setProviderEnv();
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  example = await loadExample();
  logged = log.mock.calls.map((args) => args.join(" "));
  log.mockRestore();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

afterAll(() => restoreEnv?.());

async function serve(chat: object): Promise<Server> {
  const server = await new example.chat.RagbitsAPI(chat as never).run({ host: "127.0.0.1", port: 0 });
  servers.push(server);
  return server;
}

/**
 * The offline model's answers, written out from the script in src/tutorial-llm.ts (not computed by
 * it): the question with markdown marks removed, a note naming the turn, and a code block.
 */
const ANSWER_TO_WHAT_CAN_YOU_DO = [
  "You said: **What can you do?**",
  "",
  "This is the offline demo (no API key was found), so the answer comes from `MockLLM`. It still streams word by word and remembers the conversation: this is message 1 of it.",
  "",
  "```ts",
  'const llm = new LiteLLM({ modelName: "gpt-4o-mini" }); // set OPENAI_API_KEY to use it',
  "```",
].join("\n");

const ANSWER_TO_SHOW_ME_SOME_TYPESCRIPT = [
  "You said: **Show me some TypeScript**",
  "",
  "This is the offline demo (no API key was found), so the answer comes from `MockLLM`. It still streams word by word and remembers the conversation: this is message 1 of it.",
  "",
  "```ts",
  'const llm = new LiteLLM({ modelName: "gpt-4o-mini" }); // set OPENAI_API_KEY to use it',
  "```",
].join("\n");

const ANSWER_TO_MY_NAME_IS_ADA = [
  "You said: **My name is Ada**",
  "",
  "This is the offline demo (no API key was found), so the answer comes from `MockLLM`. It still streams word by word and remembers the conversation: this is message 1 of it.",
  "",
  "```ts",
  'const llm = new LiteLLM({ modelName: "gpt-4o-mini" }); // set OPENAI_API_KEY to use it',
  "```",
].join("\n");

const ANSWER_TO_WHAT_IS_MY_NAME = [
  "You said: **What is my name?**",
  "",
  "This is the offline demo (no API key was found), so the answer comes from `MockLLM`. It still streams word by word and remembers the conversation: this is message 2 of it.",
  "",
  "```ts",
  'const llm = new LiteLLM({ modelName: "gpt-4o-mini" }); // set OPENAI_API_KEY to use it',
  "```",
].join("\n");

/**
 * The usage event for the offline model ("offline-demo"), which counts words: each answer above is
 * 54 words (6 + 32 + 1 + 14 + 1 per line); a prompt counts the words of all its messages.
 */
function usageEvent(promptTokens: number, completionTokens: number): WireEvent {
  return {
    type: "usage",
    content: { usage: { "offline-demo": { n_requests: 1, estimated_cost: 0, prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } } },
  };
}

function expectNewConversationEvents(events: WireEvent[], summary: string): void {
  expect(events.slice(0, 3).map((event) => event.type)).toEqual(["message_id", "conversation_id", "conversation_summary"]);
  expect(events[2]!.content).toEqual({ summary });
}

it("says once, clearly, that no API key was found and it runs the offline MockLLM demo", () => {
  expect(example.tutorialLLM.offline).toBe(true);
  expect(example.tutorialLLM.modelName).toBe("gpt-4o-mini");
  const notices = logged.filter((line) => /no api key/i.test(line));
  expect(notices).toHaveLength(1);
  expect(notices[0]).toMatch(/OPENAI_API_KEY/);
  expect(notices[0]).toMatch(/MockLLM/);
});

it("step 1, EchoChat: echoes over the API", async () => {
  const { url } = await serve(new example.echo.EchoChat());
  const { events } = await chatTurn(url, { message: "hello there" });
  expectNewConversationEvents(events, "New chat");
  expect(events.slice(3)).toEqual([{ type: "text", content: { text: "You said: hello there" } }]);
});

it("step 2, LLMChat: answers with the whole model answer at once", async () => {
  const chat = new example.llmStep.LLMChat();
  const { url } = await serve(chat);
  const { events } = await chatTurn(url, { message: "What can you do?" });
  expectNewConversationEvents(events, "What can you do?");
  expect(events.slice(3)).toEqual([{ type: "text", content: { text: ANSWER_TO_WHAT_CAN_YOU_DO } }]);
});

it("step 3, StreamingChat: streams the answer chunk by chunk", async () => {
  const chat = new example.streaming.StreamingChat();
  const { url } = await serve(chat);
  const { events, readsWithText } = await chatTurn(url, { message: "Show me some TypeScript" });
  expectNewConversationEvents(events, "Show me some TypeScript");
  const texts = events.slice(3);
  expect(texts.every((event) => event.type === "text")).toBe(true);
  expect(texts.length).toBeGreaterThan(10);
  expect(textOf(texts)).toBe(ANSWER_TO_SHOW_ME_SOME_TYPESCRIPT);
  // The chunks arrived over time, not in one buffered write at the end.
  expect(readsWithText).toBeGreaterThan(1);
});

describe("the final app, SimpleStreamingChat", () => {
  it("advertises the offline demo in /api/config", async () => {
    const { url } = await serve(new example.main.SimpleStreamingChat());
    const config = await getJson(`${url}/api/config`);
    expect(config.customization.header).toEqual({ title: "Ragbits chat", subtitle: expect.stringMatching(/^offline demo/), logo: null });
    expect(config.customization.welcome_message).toMatch(/Offline demo/);
    expect(config.customization.starter_questions).toHaveLength(3);
    expect(config.conversation_history).toBe(true);
    expect(config.show_usage).toBe(true);
    expect(config.feedback.like.enabled).toBe(true);
    expect(config.feedback.dislike.enabled).toBe(true);
  });

  it("streams, passes the history on to the model, and ends each answer with its usage", async () => {
    const chat = new example.main.SimpleStreamingChat();
    const llm = chat.llm as unknown as { calls: Array<{ messages: unknown[] }> };
    expect(Array.isArray(llm.calls)).toBe(true); // the offline MockLLM records its prompts
    const { url } = await serve(chat);

    // Turn 1: a new conversation.
    const first = await chatTurn(url, { message: "My name is Ada" });
    expectNewConversationEvents(first.events, "My name is Ada");
    const conversationId = first.events[1]!.content.conversation_id as string;
    const firstText = textOf(first.events);
    expect(firstText).toBe(ANSWER_TO_MY_NAME_IS_ADA);
    expect(firstText).toContain("this is message 1 of it");
    expect(first.readsWithText).toBeGreaterThan(1);
    // The answer's chunks, then its usage, last.
    expect(first.events.slice(3, -1).every((event) => event.type === "text")).toBe(true);
    // Prompt: "My name is Ada" (4 words); answer: 54 words.
    expect(first.events.at(-1)).toEqual(usageEvent(4, 54));

    // Turn 2: the client sends the conversation so far, as the UI does.
    const history: Array<{ role: "user" | "assistant"; content: string }> = [
      { role: "user", content: "My name is Ada" },
      { role: "assistant", content: firstText },
    ];
    const secondPrompt = [...history, { role: "user", content: "What is my name?" }];
    const second = await chatTurn(url, { message: "What is my name?", history, context: { conversation_id: conversationId } });
    // A known conversation: only the new message id precedes the answer.
    expect(second.events[0]!.type).toBe("message_id");
    expect(second.events.map((event) => event.type)).not.toContain("conversation_id");
    const secondText = textOf(second.events);
    expect(secondText).toBe(ANSWER_TO_WHAT_IS_MY_NAME);
    expect(secondText).toContain("this is message 2 of it");

    // What the model was asked: the whole conversation, the first turn included.
    expect(llm.calls).toHaveLength(2);
    expect(llm.calls[1]!.messages).toEqual(secondPrompt);
    // Prompt: 4 + 54 + 4 words (the first turn, then "What is my name?"); answer: 54 words.
    expect(second.events.at(-1)).toEqual(usageEvent(62, 54));
  });
});
