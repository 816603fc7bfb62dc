import { type Socket } from "node:net";
import pino from "pino";
import { type ChatInterface, RagbitsAPI, type RagbitsAPIOptions, StateSigner } from "../../../src";
import { type ServedApi, serveApi } from "../../helpers/serve-api";

export const RELIABILITY_SIGNER = new StateSigner("reliability-suite-secret");

export interface ChatServer {
  url: string;
  port: number;
  api: RagbitsAPI;
  running: ServedApi;
  /** Every log line, as written (to search for secrets) and parsed. */
  rawLogs: string[];
  logs: Array<Record<string, any>>;
  /** Connections currently open to the chat server. */
  readonly openConnections: number;
  /** Turns the server still tracks as streaming (RagbitsAPI internals: must drop to 0 when streams end). */
  readonly activeTurns: number;
  close(): Promise<void>;
}

/** A real RagbitsAPI on 127.0.0.1 and a free port (on the adapter under test), logging (at debug level) into memory. */
export async function startChatServer(chat: ChatInterface | (new () => ChatInterface), options: RagbitsAPIOptions = {}): Promise<ChatServer> {
  const rawLogs: string[] = [];
  const logs: Array<Record<string, any>> = [];
  const logger = pino({ level: "debug" }, {
    write: (line: string) => {
      rawLogs.push(line);
      logs.push(JSON.parse(line));
    },
  });
  const api = new RagbitsAPI(chat, { logger, stateSigner: RELIABILITY_SIGNER, ...options });
  const running = await serveApi(api);
  const sockets = new Set<Socket>();
  running.server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return {
    url: running.url,
    port: Number(new URL(running.url).port),
    api,
    running,
    rawLogs,
    logs,
    get openConnections() {
      return sockets.size;
    },
    get activeTurns() {
      return (api as unknown as { context: { activeTurns: Set<unknown> } }).context.activeTurns.size;
    },
    close: () => running.close(),
  };
}
