/**
 * Child process: the soak's model upstream, an OpenAI-compatible mock on loopback (from
 * @ragbits/core/testing). A prompt "soak N" gets the SOAK_ANSWERS entry N; a prompt "storm N" gets a
 * long, slow answer, and the time its response closes is recorded for the abort storm.
 */
import { type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { OpenAIMockServer, type RecordedRequest } from "@ragbits/core/testing";
import { type FromChild, type ToChild, epochNow } from "./soak-messages";
import { STORM_CHUNKS, STORM_CHUNK_DELAY_MS, answerFor } from "./soak-answers";

interface StormRequest {
  id: string;
  openedAt: number;
  closedAt: number | null;
  finished: boolean;
}

const byHeaders = new WeakMap<object, StormRequest>();
const storm: StormRequest[] = [];

const server = await OpenAIMockServer.start({
  apiKey: process.env.OPENAI_API_KEY,
  recordRequests: false,
  defaultReply: (request: RecordedRequest) => {
    const prompt = String(request.body?.messages?.at(-1)?.content ?? "");
    if (prompt.startsWith("storm ")) {
      const lifetime = byHeaders.get(request.headers);
      if (lifetime) {
        lifetime.id = prompt;
        storm.push(lifetime);
      }
      return { text: STORM_CHUNKS, chunkDelayMs: STORM_CHUNK_DELAY_MS };
    }
    const answer = answerFor(prompt);
    return { text: answer.chunks, byteChunkSize: answer.byteChunkSize };
  },
});

(server as unknown as { server: Server }).server.on("request", (req: IncomingMessage, res: ServerResponse) => {
  const lifetime: StormRequest = { id: "", openedAt: epochNow(), closedAt: null, finished: false };
  byHeaders.set(req.headers, lifetime);
  res.once("finish", () => (lifetime.finished = true));
  res.once("close", () => (lifetime.closedAt = epochNow()));
});

const send = (message: FromChild) => process.send?.(message);
process.on("message", (message: ToChild) => {
  if (message.type === "storm-closes") send({ type: "storm-closes", closes: storm, openConnections: server.openConnections });
  if (message.type === "stop") void server.close().then(() => process.exit(0));
});
// Never outlive the runner.
process.on("disconnect", () => process.exit(0));
send({ type: "ready", url: server.url });
