/**
 * Reference server (not a contender): what streaming costs with no framework at all — plain
 * node:http, the official openai SDK's stream, each text chunk written as the same Ragbits `text`
 * SSE event RagbitsAPI sends. The gap between it and RagbitsAPI is what our layers cost; the gap
 * between it and the floor is Node + the SDK.
 */
import { createServer } from "node:http";
import { type AddressInfo } from "node:net";
import OpenAI from "openai";
import { serveParent } from "../process/serve-parent";
import { upstreamBaseUrlFromEnv } from "./server-target";

const client = new OpenAI({ baseURL: upstreamBaseUrlFromEnv(), apiKey: "sk-bench-not-a-real-key", maxRetries: 0 });

const server = createServer(async (req, res) => {
  let body = "";
  for await (const piece of req) body += piece;
  const { message } = JSON.parse(body) as { message: string };
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  try {
    const stream = await client.chat.completions.create(
      { model: "gpt-4o-mini", messages: [{ role: "user", content: message }], stream: true, stream_options: { include_usage: true } },
      { signal: controller.signal },
    );
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta?.content;
      if (text) res.write(`data: ${JSON.stringify({ type: "text", content: { text } })}\n\n`);
    }
  } catch {
    // The client went away; nothing to report in a reference server.
  }
  res.end();
});

server.listen({ host: "127.0.0.1", port: 0, backlog: 511 }, () => {
  serveParent({}, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
