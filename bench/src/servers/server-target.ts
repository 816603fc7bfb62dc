/**
 * A server under test in scenarios 2 and 3, from the load generator's point of view: where to
 * POST, with which body, and how its process is started.
 */
export type ServerTargetId = "floor" | "ragbits" | "ragbits-fetch" | "vercel" | "bare-sdk" | "bare-fetch";

export interface ServerTarget {
  id: ServerTargetId;
  label: string;
  /** References are not competitors: they show how much of a cost is Node's and the SDK's, not ours. */
  reference?: boolean;
  /** The bench entry that runs this server (none for the floor: the load goes to the upstream itself). */
  entry?: string;
  path: string;
  body: string;
}

export const PROMPT = "Explain streaming in one paragraph.";

export const SERVER_TARGETS: readonly ServerTarget[] = [
  {
    id: "floor",
    label: "upstream read directly (floor)",
    path: "/v1/chat/completions",
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: PROMPT }], stream: true, stream_options: { include_usage: true } }),
  },
  {
    id: "ragbits",
    label: "@ragbits/chat RagbitsAPI.run() (Express adapter) + LiteLLM",
    entry: "ragbits-server-process",
    path: "/api/chat",
    // Known ids skip the framework's message_id / conversation_id / summary events: only the
    // streamed answer is compared.
    body: JSON.stringify({ message: PROMPT, history: [], context: { conversation_id: "bench-conversation", message_id: "bench-message" } }),
  },
  {
    id: "ragbits-fetch",
    label: "@ragbits/chat RagbitsAPI.fetch on @hono/node-server + LiteLLM",
    entry: "ragbits-fetch-server-process",
    path: "/api/chat",
    body: JSON.stringify({ message: PROMPT, history: [], context: { conversation_id: "bench-conversation", message_id: "bench-message" } }),
  },
  {
    id: "vercel",
    label: "Express + Vercel AI SDK streamText → pipeUIMessageStreamToResponse",
    entry: "vercel-server-process",
    path: "/api/chat",
    // What the AI SDK's useChat sends: UI messages with parts.
    body: JSON.stringify({ messages: [{ id: "bench-message", role: "user", parts: [{ type: "text", text: PROMPT }] }] }),
  },
  {
    id: "bare-sdk",
    label: "reference: node:http + openai SDK stream, no framework",
    reference: true,
    entry: "bare-sdk-server-process",
    path: "/api/chat",
    body: JSON.stringify({ message: PROMPT }),
  },
  {
    id: "bare-fetch",
    label: "reference: node:http + built-in fetch, bytes forwarded",
    reference: true,
    entry: "bare-fetch-proxy-process",
    path: "/api/chat",
    body: JSON.stringify({ message: PROMPT }),
  },
];

export function serverTargets(ids: readonly ServerTargetId[]): ServerTarget[] {
  return ids.map((id) => {
    const target = SERVER_TARGETS.find((candidate) => candidate.id === id);
    if (!target) throw new Error(`unknown server target "${id}"`);
    return target;
  });
}

/** Environment variable through which a server process learns the upstream's base URL (…/v1). */
export const UPSTREAM_ENV = "BENCH_UPSTREAM_BASE_URL";

export function upstreamBaseUrlFromEnv(): string {
  const url = process.env[UPSTREAM_ENV];
  if (!url) throw new Error(`${UPSTREAM_ENV} is not set`);
  return url;
}

/** Set to "1" to turn on `conversationHistory` in the Ragbits bench chat (the UI then keeps conversations). */
export const CONVERSATION_HISTORY_ENV = "BENCH_CONVERSATION_HISTORY";
