/**
 * Shared by the example's tests: a controlled environment, the example's modules loaded fresh
 * (tutorial-llm.ts reads the environment when it is imported), and an HTTP client for the SSE stream.
 */
import type * as RagbitsChat from "@ragbits/chat";
import type * as RagbitsCore from "@ragbits/core";
import type * as Main from "../src/main";
import type * as Echo from "../src/steps/01-echo";
import type * as LLMStep from "../src/steps/02-llm";
import type * as Streaming from "../src/steps/03-streaming";
import type * as TutorialLLM from "../src/tutorial-llm";

/** Every variable that picks or reaches a model provider; none may leak in from the machine. */
export const PROVIDER_ENV = [
  "RAGBITS_MODEL",
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OPENAI_API_VERSION",
  "OPENAI_ORG_ID",
  "OPENAI_PROJECT_ID",
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_BASE_URL",
  "AZURE_API_KEY",
  "AZURE_API_BASE",
  "AZURE_API_VERSION",
  "AZURE_OPENAI_API_KEY",
  "AZURE_OPENAI_ENDPOINT",
  "OLLAMA_HOST",
];

/** The environment the example should see: no provider variables except `env`. Returns the undo. */
export function setProviderEnv(env: Record<string, string> = {}): () => void {
  const saved = { ...process.env };
  for (const key of PROVIDER_ENV) delete process.env[key];
  Object.assign(process.env, { RAGBITS_SECRET_KEY: "example-test-secret", RAGBITS_LOG_LEVEL: "warn" }, env);
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  };
}

export interface ExampleModules {
  main: typeof Main;
  echo: typeof Echo;
  llmStep: typeof LLMStep;
  streaming: typeof Streaming;
  tutorialLLM: typeof TutorialLLM;
  chat: typeof RagbitsChat;
  core: typeof RagbitsCore;
}

/** Imports the example (and @ragbits/chat) in a fresh module registry, so it reads today's environment. */
export async function loadExample(): Promise<ExampleModules> {
  let modules: ExampleModules | undefined;
  await jest.isolateModulesAsync(async () => {
    modules = {
      main: await import("../src/main"),
      echo: await import("../src/steps/01-echo"),
      llmStep: await import("../src/steps/02-llm"),
      streaming: await import("../src/steps/03-streaming"),
      tutorialLLM: await import("../src/tutorial-llm"),
      chat: await import("@ragbits/chat"),
      core: await import("@ragbits/core"),
    };
  });
  return modules!;
}

export interface WireEvent {
  type: string;
  content: any;
}

export interface StreamedTurn {
  events: WireEvent[];
  /** How many separate network reads delivered text events: more than one means it really streamed. */
  readsWithText: number;
}

/** POST /api/chat over real HTTP, reading the SSE body as it arrives. */
export async function chatTurn(baseUrl: string, body: { message: string; history?: Array<{ role: string; content: string }>; context?: object }, timeoutMs = 20_000): Promise<StreamedTurn> {
  const response = await fetch(`${baseUrl}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.status !== 200) throw new Error(`POST /api/chat answered ${response.status}: ${await response.text()}`);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const events: WireEvent[] = [];
  let readsWithText = 0;
  let buffer = "";
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const complete = buffer.lastIndexOf("\n\n");
    if (complete < 0) continue;
    const parsed = parseEvents(buffer.slice(0, complete));
    buffer = buffer.slice(complete + 2);
    if (parsed.some((event) => event.type === "text")) readsWithText++;
    events.push(...parsed);
  }
  events.push(...parseEvents(buffer));
  return { events, readsWithText };
}

function parseEvents(text: string): WireEvent[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice("data: ".length)) as WireEvent);
}

export function textOf(events: WireEvent[]): string {
  return events
    .filter((event) => event.type === "text")
    .map((event) => event.content.text as string)
    .join("");
}

export async function getJson(url: string, timeoutMs = 10_000): Promise<any> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}
