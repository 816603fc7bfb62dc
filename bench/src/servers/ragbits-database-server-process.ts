/**
 * The database scenario's server: the tutorial's streaming chat on `RagbitsAPI.run()` (Express
 * adapter), keeping its history as BENCH_HISTORY says: "none" (the zero-config default: memory
 * stores, nothing recorded), "memory" (a MemoryHistoryStore records every turn in the process) or
 * "postgres" (`databaseUrl` = BENCH_DATABASE_URL: every turn saved to PostgreSQL before its stream
 * ends). Logging is silenced so log I/O is not part of what is measured.
 */
import { type ChatContext, ChatInterface, type ChatResponse, MemoryHistoryStore, RagbitsAPI, StateSigner } from "@ragbits/chat";
import { type ChatFormat, LiteLLM } from "@ragbits/core";
import { pino } from "pino";
import { DATABASE_URL_ENV, HISTORY_ENV } from "../database/history-env";
import { serveParent } from "../process/serve-parent";
import { upstreamBaseUrlFromEnv } from "./server-target";

const baseUrl = upstreamBaseUrlFromEnv();

class BenchChat extends ChatInterface {
  llm = new LiteLLM({ modelName: "gpt-4o-mini", apiKey: "sk-bench-not-a-real-key", baseUrl });

  async *chat(message: string, history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    for await (const chunk of this.llm.generateStreaming([...history, { role: "user", content: message }])) {
      yield this.createTextResponse(chunk);
    }
  }
}

const history = process.env[HISTORY_ENV] ?? "none";
const chat = new BenchChat();
if (history === "memory") chat.historyPersistence = new MemoryHistoryStore();
const api = new RagbitsAPI(chat, {
  logger: pino({ level: "silent" }),
  // A database needs a state-signing key every replica shares; one process here, any key will do.
  stateSigner: new StateSigner("bench-state-signing-key"),
  ...(history === "postgres" ? { databaseUrl: process.env[DATABASE_URL_ENV] } : {}),
});
const running = await api.run({ host: "127.0.0.1", port: 0 });
serveParent({}, { url: running.url });
