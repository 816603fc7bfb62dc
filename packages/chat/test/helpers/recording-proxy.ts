import { type IncomingHttpHeaders, type Server, createServer, request as httpRequest } from "node:http";
import { type AddressInfo } from "node:net";

/** A request exactly as it crossed the wire from the client. */
export interface WireRequest {
  method: string;
  /** The path the client asked for (before the proxy strips its prefix). */
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body, parsed (undefined when empty). */
  body: any;
  /** The response body bytes the server sent through, as text, growing while it streams. */
  responseText: string;
}

export interface RecordingProxy {
  url: string;
  requests: WireRequest[];
  close(): Promise<void>;
}

/**
 * A transparent reverse proxy in front of a real server, as nginx would sit: it records what the
 * client sent and what came back, forwards `prefix`/… to the server with the prefix removed (a
 * server mounted under a path), answers 404 elsewhere, and passes a client's disconnect on.
 * It speaks no protocol of its own.
 */
export async function startRecordingProxy(target: string, prefix = ""): Promise<RecordingProxy> {
  const requests: WireRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const path = req.url ?? "/";
    const recorded: WireRequest = { method: req.method ?? "GET", path: path.split("?")[0]!, headers: req.headers, body: text ? JSON.parse(text) : undefined, responseText: "" };
    requests.push(recorded);
    if (!path.startsWith(`${prefix}/`)) {
      res.writeHead(404).end();
      return;
    }
    const upstream = httpRequest(`${target}${path.slice(prefix.length)}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      res.flushHeaders();
      const decoder = new TextDecoder();
      answer.on("data", (chunk: Buffer) => {
        recorded.responseText += decoder.decode(chunk, { stream: true });
        res.write(chunk);
      });
      answer.on("end", () => res.end());
    });
    upstream.on("error", () => res.destroy());
    // The client went away: so does the proxy's request, and the server sees it as a real client leaving.
    res.on("close", () => upstream.destroy());
    upstream.end(chunks.length ? Buffer.concat(chunks) : undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
