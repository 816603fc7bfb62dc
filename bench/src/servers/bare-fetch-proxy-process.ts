/**
 * Reference server (not a contender): the least a Node server can do per stream — Node's built-in
 * fetch to the upstream, each body chunk forwarded as is. What it costs per open stream is the
 * floor for any server built on a fetch-based SDK on this Node version.
 */
import { createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { serveParent } from "../process/serve-parent";
import { upstreamBaseUrlFromEnv } from "./server-target";

const url = `${upstreamBaseUrlFromEnv()}/chat/completions`;
const upstreamBody = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } });

const server = createServer(async (req, res) => {
  for await (const _ of req) {
    // Drain the request; its content does not change what is forwarded.
  }
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  try {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: upstreamBody, signal: controller.signal });
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
    // Node's web ReadableStream is async-iterable (the DOM typings in tsconfig do not say so).
    if (response.body) for await (const piece of response.body as unknown as AsyncIterable<Uint8Array>) res.write(piece);
  } catch {
    // The client went away.
  }
  res.end();
});

server.listen({ host: "127.0.0.1", port: 0, backlog: 511 }, () => {
  serveParent({}, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
