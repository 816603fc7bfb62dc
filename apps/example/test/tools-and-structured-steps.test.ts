/**
 * Tutorial steps 4 (a tool, shown as live updates) and 5 (follow-up questions as structured
 * output), served by RagbitsAPI and called over real HTTP, offline on MockLLM.
 */
import type * as RagbitsChat from "@ragbits/chat";
import type * as ToolsStep from "../src/steps/04-tools";
import type * as StructuredStep from "../src/steps/05-structured";
import { type WireEvent, chatTurn, setProviderEnv, textOf } from "./helpers";

type Server = { url: string; close(): Promise<void> };

let chat: typeof RagbitsChat;
let toolsStep: typeof ToolsStep;
let structuredStep: typeof StructuredStep;
let restoreEnv: () => void;
const servers: Server[] = [];

beforeAll(async () => {
  restoreEnv = setProviderEnv();
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  await jest.isolateModulesAsync(async () => {
    chat = await import("@ragbits/chat");
    toolsStep = await import("../src/steps/04-tools");
    structuredStep = await import("../src/steps/05-structured");
  });
  log.mockRestore();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

afterAll(() => restoreEnv?.());

async function serve(app: object): Promise<Server> {
  const server = await new chat.RagbitsAPI(app as never).run({ host: "127.0.0.1", port: 0 });
  servers.push(server);
  return server;
}

const answerEvents = (events: WireEvent[]) => events.filter((event) => !["message_id", "conversation_id", "conversation_summary"].includes(event.type));

it("step 4, WeatherChat: shows each tool call as a live update, then streams the answer from the tools' results", async () => {
  const { url } = await serve(new toolsStep.WeatherChat());
  const { events } = await chatTurn(url, { message: "Is it warmer in Rome or in Oslo?" });
  const answer = answerEvents(events);
  // Both calls start before either finishes: the tools run in parallel.
  expect(answer.filter((event) => event.type === "live_update").map((event) => [event.content.type, event.content.content.label, event.content.content.description])).toEqual([
    ["START", "Checking the weather in Rome", null],
    ["START", "Checking the weather in Oslo", null],
    ["FINISH", "Weather in Rome", "16 °C, cloudy"],
    ["FINISH", "Weather in Oslo", "16 °C, cloudy"],
  ]);
  const updates = answer.filter((event) => event.type === "live_update");
  expect(new Set(updates.map((event) => event.content.update_id)).size).toBe(2);
  expect(textOf(answer)).toBe("Let me check.\n\nHere is the weather (offline demo data): Rome: 16 °C and cloudy; Oslo: 16 °C and cloudy.");
  // The live updates come between the first step's text and the answer, and usage is last: both model calls.
  const types = answer.map((event) => event.type);
  expect(types.indexOf("live_update")).toBeGreaterThan(types.indexOf("text"));
  expect(types.lastIndexOf("text")).toBeGreaterThan(types.lastIndexOf("live_update"));
  expect(answer.at(-1)!.type).toBe("usage");
  expect(answer.at(-1)!.content.usage["offline-demo"].n_requests).toBe(2);
});

it("step 4: the tool describes its parameters to the model as JSON Schema", () => {
  expect(toolsStep.weather.name).toBe("get_weather");
  expect(toolsStep.weather.jsonSchema).toEqual({ type: "object", properties: { city: { type: "string", description: "The city, e.g. Paris" } }, required: ["city"] });
});

it("step 5, FollowupChat: streams the answer, then sends typed follow-up questions", async () => {
  const app = new structuredStep.FollowupChat();
  const { url } = await serve(app);
  const { events } = await chatTurn(url, { message: "What is TypeScript?" });
  const answer = answerEvents(events);
  expect(textOf(answer)).toBe('You asked: "What is TypeScript?". This offline demo answers from MockLLM; set OPENAI_API_KEY for real answers.');
  expect(answer.at(-1)).toEqual({ type: "followup_messages", content: { messages: ["Can you give an example of what is typescript?", "What are the common pitfalls?", "Where can I learn more?"] } });
  // The follow-ups were asked for with the prompt's schema, as structured output.
  const calls = (app.llm as unknown as { calls: Array<{ output?: { name: string; jsonSchema: unknown } }> }).calls;
  expect(calls.map((call) => call.output?.name)).toEqual([undefined, "followup_questions"]);
  expect(calls[1]!.output!.jsonSchema).toEqual({
    type: "object",
    properties: { questions: { type: "array", items: { type: "string" }, description: "Short questions the user may ask next, at most three" } },
    required: ["questions"],
  });
});
