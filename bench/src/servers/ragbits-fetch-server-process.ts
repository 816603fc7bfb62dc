/**
 * Scenario 2/3 server (b'): the same chat served through the web-standard handler,
 * `RagbitsAPI.fetch`, on `@hono/node-server` — how a Hono service (or any fetch-style Node server)
 * mounts it. The request's AbortSignal is the client: @hono/node-server aborts it when the
 * connection closes, which stops the turn.
 */
import { type AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { RagbitsAPI } from "@ragbits/chat";
import { pino } from "pino";
import { serveParent } from "../process/serve-parent";
import { BenchChat } from "./bench-chat";

const api = new RagbitsAPI(BenchChat, { logger: pino({ level: "silent" }) });
await api.setup();
// serve() listens with Node's default backlog (511), as RagbitsAPI.run() and the references do.
serve({ fetch: api.fetch, hostname: "127.0.0.1", port: 0 }, (info: AddressInfo) => {
  serveParent({}, { url: `http://127.0.0.1:${info.port}` });
});
