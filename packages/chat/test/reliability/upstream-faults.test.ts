/**
 * Upstream faults end to end: a ChatInterface streams from LiteLLM (the tutorial's chat), LiteLLM
 * talks to a loopback mock of each provider's real wire format through the official SDK, and a
 * client reads the chat server's SSE answer. For every fault of issue #6 and every provider: what the
 * chat client receives (the complete answer, or exactly which `error` event after which text), what
 * is persisted, whether the upstream request was retried, and that nothing is left behind — no
 * unhandled rejection, no open socket on either server, no timer or socket handle (unref'd ones
 * included), no turn still tracked by the server, and the sentinel API key nowhere.
 */
import { SENTINEL_KEYS, findSentinel } from "./support/sentinel-keys";
import { createServer } from "node:net";
import { type ChatFormat, type LiteLLM, type LLMSettings } from "@ragbits/core";
import { type MockReply, type MockUpstreamServer } from "@ragbits/core/testing";
import { type ChatContext, ChatInterface, type ChatResponse, type InteractionRecord, type InteractionStatus } from "../../src";
import { MemoryHistory } from "../helpers/memory-history";
import { waitFor } from "../helpers/start-api";
import { type ChatServer, startChatServer } from "./support/chat-server";
import { chatStream } from "./support/http-client";
import { CrashRecorder, HandleTracker, activeResourceCounts, settleActiveResources } from "./support/process-watch";
import { PROVIDERS, type UpstreamProvider, type UpstreamWatch, responsesInFlight, watchUpstream } from "./support/upstream-providers";
import { USER_MESSAGES } from "./support/user-messages";

/** Text that splits everywhere it can: Polish diacritics, a ZWJ family, CJK, a combining accent, a surrogate pair cut in two. */
const MULTIBYTE_CHUNKS = ["Zażółć ", "gęślą 😀", "👩‍", "👩‍👧 日本", "語 e", "\u0301 A\ud83d", "\ude00B ✓"];

/** ~5 MB of mixed-width text in a single frame. */
const HUGE_TEXT = "Zażółć gęślą jaźń 😀 日本語のテキスト e\u0301 ✓ ".repeat(Math.ceil((5 * 1024 * 1024) / Buffer.byteLength("Zażółć gęślą jaźń 😀 日本語のテキスト e\u0301 ✓ ")));

/** Many tiny pieces (one or two code points), sent with pauses and cut into 32-byte network writes. */
const DRIP_CHUNKS = (() => {
  const points = Array.from("Drip, drip: ząb 🦷 水滴 e\u0301 — slow but complete. ".repeat(2));
  const chunks: string[] = [];
  for (let index = 0; index < points.length; index += 2) chunks.push(points.slice(index, index + 2).join(""));
  return chunks;
})();

interface Expected {
  /** Every text event joined, as the client shows it. */
  text: string;
  /** The one `error` event's message, if the turn failed. */
  error?: string;
  /** The error class logged (and persisted) server-side. */
  errorClass?: string;
  /** Requests the mock upstream received: > 1 means the call was retried. */
  upstreamRequests: number;
  status: InteractionStatus;
}

interface FaultCase {
  name: string;
  replies: MockReply[] | ((provider: UpstreamProvider) => MockReply[]);
  llm?: LLMSettings;
  /** Point the LLM at a port nobody listens on. */
  refused?: boolean;
  /** Silence console.warn (ollama-js warns about the line it skips). */
  quietWarnings?: boolean;
  expected(provider: UpstreamProvider): Expected;
}

const OWN_KEY = { openai: SENTINEL_KEYS.OPENAI_API_KEY, azure: SENTINEL_KEYS.AZURE_API_KEY, anthropic: SENTINEL_KEYS.ANTHROPIC_API_KEY, ollama: SENTINEL_KEYS.OPENAI_API_KEY };

const exhausted = (reply: MockReply, attempts = 3): MockReply[] => Array.from({ length: attempts }, () => ({ ...reply }));

const CASES: FaultCase[] = [
  {
    name: "no fault: multi-byte text split across chunks and across network writes",
    replies: [{ text: MULTIBYTE_CHUNKS, byteChunkSize: 5 }],
    expected: () => ({ text: MULTIBYTE_CHUNKS.join(""), upstreamRequests: 1, status: "completed" }),
  },
  {
    name: "429 with Retry-After, then success: retried after the delay",
    replies: [{ status: 429, errorMessage: "Rate limit reached", headers: { "retry-after": "0.05" } }, { text: ["after ", "the wait"] }],
    expected: () => ({ text: "after the wait", upstreamRequests: 2, status: "completed" }),
  },
  {
    name: "429 until the retries run out",
    replies: exhausted({ status: 429, errorMessage: "Rate limit reached", headers: { "retry-after": "0.01" } }),
    expected: () => ({ text: "", error: USER_MESSAGES.rateLimited, errorClass: "LLMRateLimitError", upstreamRequests: 3, status: "error" }),
  },
  ...[500, 502, 503].map<FaultCase>((status) => ({
    name: `${status} until the retries run out`,
    replies: exhausted({ status, errorMessage: `upstream says ${status}` }),
    expected: () => ({ text: "", error: USER_MESSAGES.failed, errorClass: "LLMStatusError", upstreamRequests: 3, status: "error" }),
  })),
  {
    name: "503, then a reset before the headers, then success: both retried",
    replies: [{ status: 503, errorMessage: "Service unavailable" }, { fault: "reset-before-headers" }, { text: ["third ", "time lucky"] }],
    expected: () => ({ text: "third time lucky", upstreamRequests: 3, status: "completed" }),
  },
  {
    name: "401 whose body echoes the API key: not retried, key not revealed",
    // Each provider echoes the key it was sent (Ollama takes none: an OpenAI-style key echoed by a proxy in front of it).
    replies: (provider) => [{ status: 401, errorMessage: `Incorrect API key provided: ${OWN_KEY[provider.name]}.` }],
    expected: () => ({ text: "", error: USER_MESSAGES.credentials, errorClass: "LLMAuthenticationError", upstreamRequests: 1, status: "error" }),
  },
  {
    name: "connection refused: retried, then reported",
    replies: [],
    refused: true,
    expected: () => ({ text: "", error: USER_MESSAGES.unreachable, errorClass: "LLMConnectionError", upstreamRequests: 0, status: "error" }),
  },
  {
    name: "reset before the headers until the retries run out",
    replies: exhausted({ fault: "reset-before-headers" }),
    expected: () => ({ text: "", error: USER_MESSAGES.unreachable, errorClass: "LLMConnectionError", upstreamRequests: 3, status: "error" }),
  },
  {
    name: "reset after the first chunk: not retried, the partial answer kept",
    replies: [{ text: ["first", " second", " third"], fault: "reset-after-first-chunk" }],
    expected: () => ({ text: "first", error: USER_MESSAGES.unreachable, errorClass: "LLMConnectionError", upstreamRequests: 1, status: "error" }),
  },
  {
    name: "stall before the first byte (timeoutMs), retried once, then reported",
    replies: exhausted({ fault: "stall-before-first-byte" }, 2),
    llm: { timeoutMs: 200, maxRetries: 1 },
    expected: () => ({ text: "", error: USER_MESSAGES.timeout, errorClass: "LLMTimeoutError", upstreamRequests: 2, status: "error" }),
  },
  {
    name: "stall mid-stream (idleTimeoutMs): not retried, the partial answer kept",
    replies: [{ text: ["first", " second"], fault: "stall-after-first-chunk" }],
    llm: { idleTimeoutMs: 200 },
    expected: () => ({ text: "first", error: USER_MESSAGES.timeout, errorClass: "LLMTimeoutError", upstreamRequests: 1, status: "error" }),
  },
  {
    name: "malformed frame",
    replies: [{ text: ["one", " two", " three"], fault: "malformed-frame" }],
    quietWarnings: true,
    expected: (provider) =>
      provider.malformedFrame === "error"
        ? { text: "one", error: USER_MESSAGES.failed, errorClass: "LLMResponseError", upstreamRequests: 1, status: "error" }
        : { text: "one three", upstreamRequests: 1, status: "completed" },
  },
  {
    name: "stream that ends without its terminator: reported, not passed off as complete",
    replies: [{ text: ["partial", " answer"], fault: "no-terminator" }],
    expected: () => ({ text: "partial answer", error: USER_MESSAGES.failed, errorClass: "LLMResponseError", upstreamRequests: 1, status: "error" }),
  },
  {
    name: "one huge chunk (5 MB of text in a single frame)",
    replies: [{ text: [HUGE_TEXT] }],
    expected: () => ({ text: HUGE_TEXT, upstreamRequests: 1, status: "completed" }),
  },
  {
    name: "slow drip: many tiny chunks with pauses, split across network writes",
    replies: [{ text: DRIP_CHUNKS, chunkDelayMs: 3, byteChunkSize: 32 }],
    // Longer in total than the idle limit: only the gaps between chunks count.
    llm: { idleTimeoutMs: 250 },
    expected: () => ({ text: DRIP_CHUNKS.join(""), upstreamRequests: 1, status: "completed" }),
  },
];

/** A port that refuses connections: bound once to get a free number, then closed. */
async function refusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe.each(PROVIDERS)("$name wire format → LiteLLM → chat server → client", (provider) => {
  const history = new MemoryHistory();
  const counters = { started: 0, finally: 0 };
  let currentLLM: LiteLLM;
  let upstream: MockUpstreamServer;
  let upstreamWatch: UpstreamWatch;
  let chat: ChatServer;
  let closedPort: number;
  const crashes = new CrashRecorder();
  const handles = new HandleTracker({ stacks: true });
  let baseline: Map<string, number>;

  // The tutorial's chat, as a user writes it: no signal passed, no error handling.
  class TutorialChat extends ChatInterface {
    override historyPersistence = history;
    async *chat(message: string, chatHistory: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
      counters.started++;
      try {
        for await (const chunk of currentLLM.generateStreaming([...chatHistory, { role: "user", content: message }])) {
          yield this.createTextResponse(chunk);
        }
      } finally {
        counters.finally++;
      }
    }
  }

  beforeAll(async () => {
    crashes.install();
    upstream = await provider.start();
    upstreamWatch = watchUpstream(upstream);
    chat = await startChatServer(TutorialChat);
    closedPort = await refusedPort();
    // Warm up once (SDK import, first connection), so lazily created process-wide handles are in the baseline.
    currentLLM = provider.createLLM(upstream.origin);
    upstream.enqueue({ text: ["warm"] });
    await chatStream(chat.port, { message: "warm up" });
    await upstream.waitForNoConnections(3_000);
    await waitFor(() => chat.openConnections === 0, 3_000, "the warm-up connection to close");
    handles.enable();
    baseline = activeResourceCounts();
  });

  afterAll(async () => {
    handles.disable();
    crashes.uninstall();
    await chat?.close();
    await upstream?.close();
  });

  it.each(CASES)("$name", async (fault) => {
    const mark = handles.mark();
    const savedBefore = history.records.length;
    const countersBefore = { ...counters };
    const logsBefore = chat.rawLogs.length;
    upstream.requests.length = 0;
    upstream.clientAborts = 0;
    upstream.completedResponses = 0;
    upstream.enqueue(...(typeof fault.replies === "function" ? fault.replies(provider) : fault.replies));
    const origin = fault.refused ? `http://127.0.0.1:${closedPort}` : upstream.origin;
    currentLLM = provider.createLLM(origin, fault.llm);
    const expected = fault.expected(provider);
    const warn = fault.quietWarnings ? jest.spyOn(console, "warn").mockImplementation(() => undefined) : undefined;
    const conversationId = `${provider.name}: ${fault.name}`;

    let result: Awaited<ReturnType<typeof chatStream>>;
    try {
      result = await chatStream(chat.port, { message: "Tell me something", context: { conversation_id: conversationId } });
    } finally {
      warn?.mockRestore();
    }

    // What the client receives: a 200 stream that ends cleanly, the text, and at most one error event, last.
    expect(result.status).toBe(200);
    expect(result.endedCleanly).toBe(true);
    expect(result.text).toBe(expected.text);
    expect(result.errors).toEqual(expected.error ? [expected.error] : []);
    if (expected.error) expect(result.events.at(-1)).toEqual({ type: "error", content: { message: expected.error } });
    // Retried or not.
    expect(upstream.requests).toHaveLength(expected.upstreamRequests);

    // What is kept: the interaction, with the partial answer and how it ended; the app's finally ran.
    await waitFor(() => history.records.length === savedBefore + 1, 3_000, "the interaction to be saved");
    const record = history.records.at(-1) as InteractionRecord;
    expect(record).toMatchObject({ conversationId, status: expected.status, response: expected.text });
    if (expected.errorClass) expect(record.error).toMatch(new RegExp(`^${expected.errorClass}: `));
    expect(counters.started - countersBefore.started).toBe(1);
    expect(counters.finally - countersBefore.finally).toBe(1);

    // The server log says what failed, with the error class; it never holds the key.
    const failure = chat.logs.slice(logsBefore).find((line) => line.msg === "chat() failed");
    if (expected.errorClass) expect(failure?.err?.type).toBe(expected.errorClass);
    else expect(failure).toBeUndefined();
    const everything = [result.raw, ...chat.rawLogs.slice(logsBefore), JSON.stringify(record)].join("\n");
    expect(findSentinel(everything)).toBeUndefined();

    // Nothing left behind.
    await upstream.waitForNoConnections(3_000);
    expect(responsesInFlight(upstream)).toBe(0);
    expect(upstreamWatch.reapedWithRequest).toBe(0);
    await waitFor(() => chat.openConnections === 0, 3_000, "the chat connection to close");
    expect(chat.activeTurns).toBe(0);
    expect(await handles.settle(mark)).toEqual([]);
    expect(await settleActiveResources(baseline)).toEqual([]);
    expect(crashes.problems).toEqual([]);
  });
});
