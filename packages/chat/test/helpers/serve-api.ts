import { type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { type RagbitsAPI } from "../../src";

/**
 * Which transport the protocol suites run on. Jest runs test/api and test/reliability twice (see
 * jest.config.js): on the Express server (`api.run()`), and on the web-standard handler
 * (`api.fetch`) served by @hono/node-server — the way Hono, and any fetch-based Node framework, runs it.
 */
export type Adapter = "express" | "fetch";

export function currentAdapter(): Adapter {
  return process.env.RAGBITS_TEST_ADAPTER === "fetch" ? "fetch" : "express";
}

export interface ServedApi {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function serveApi(api: RagbitsAPI): Promise<ServedApi> {
  if (currentAdapter() === "express") {
    const running = await api.run({ host: "127.0.0.1", port: 0 });
    return { url: running.url, server: running.server, close: () => running.close() };
  }
  await api.setup();
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: api.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(started as Server));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, close: () => closeFetchServer(api, server) };
}

/** What `run()`'s close does, for a server we don't own: end turns, then connections, then stop. */
async function closeFetchServer(api: RagbitsAPI, server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await api.close();
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), 2_000).unref();
  await closed;
  clearTimeout(timer);
}
