import { type Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

export interface StreamedAnswer {
  status: number;
  /** Every `text` event joined. */
  text: string;
  errors: string[];
  /** ms from sending the request to the first text event, and to the end of the answer. */
  firstTextMs: number;
  totalMs: number;
}

/**
 * One POST /api/chat over a keep-alive agent, its SSE answer decoded incrementally (UTF-8 split
 * across network chunks is handled by the decoder, as a browser's would). Rejects on transport errors.
 */
export function streamChat(port: number, agent: Agent, body: unknown): Promise<StreamedAnswer> {
  const payload = Buffer.from(JSON.stringify(body));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/api/chat", agent, headers: { "content-type": "application/json", "content-length": payload.length } }, (res) => {
      const answer: StreamedAnswer = { status: res.statusCode ?? 0, text: "", errors: [], firstTextMs: Number.NaN, totalMs: Number.NaN };
      const decoder = new TextDecoder("utf-8", { fatal: true });
      let pending = "";
      res.on("data", (chunk: Buffer) => {
        pending += decoder.decode(chunk, { stream: true });
        let boundary: number;
        while ((boundary = pending.indexOf("\n\n")) >= 0) {
          const frame = pending.slice(0, boundary);
          pending = pending.slice(boundary + 2);
          if (!frame.startsWith("data: ")) continue;
          const event = JSON.parse(frame.slice(6)) as { type: string; content: { text?: string; message?: string } };
          if (event.type === "text") {
            if (Number.isNaN(answer.firstTextMs)) answer.firstTextMs = performance.now() - started;
            answer.text += event.content.text;
          } else if (event.type === "error") {
            answer.errors.push(String(event.content.message));
          }
        }
      });
      res.on("end", () => {
        answer.totalMs = performance.now() - started;
        if (pending + decoder.decode() !== "") answer.errors.push("the stream ended inside an event");
        resolve(answer);
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}
