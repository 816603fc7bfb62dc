/**
 * The abort storm with the chat server and the upstream in their own processes, as in production,
 * so the close latency is the server's and not a shared event loop's: clients disconnect at random
 * points of a stream (on the response headers, after k text events, after a random delay), a bounded
 * number at a time; the upstream records when each request's response closed; the latency is that
 * minus the moment the client left (one wall clock for all processes).
 */
import { type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { type FromChild, type ToChild, epochNow } from "./soak-messages";
import { type StormPlan, stormPlans } from "./storm-plans";

interface Departure {
  /** When the client disconnected (epoch ms). */
  leftAt: number;
  /** It had the response headers: it left mid-stream. */
  hadHeaders: boolean;
  textEvents: number;
}

/** One client: POST /api/chat, leave as planned, never read to the end. */
function stormClient(port: number, id: string, plan: StormPlan): Promise<Departure> {
  const payload = Buffer.from(JSON.stringify({ message: id }));
  return new Promise((resolve, reject) => {
    const departure: Departure = { leftAt: 0, hadHeaders: false, textEvents: 0 };
    let left = false;
    let timer: NodeJS.Timeout | undefined;
    const leave = () => {
      if (left) return;
      left = true;
      clearTimeout(timer);
      departure.leftAt = epochNow();
      req.destroy();
      resolve(departure);
    };
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/api/chat", agent: false, headers: { "content-type": "application/json", "content-length": payload.length } }, (res) => {
      departure.hadHeaders = true;
      if (plan.kind === "on-headers") return leave();
      let pending = "";
      res.setEncoding("utf8");
      res.on("data", (text: string) => {
        pending += text;
        let boundary: number;
        while (!left && (boundary = pending.indexOf("\n\n")) >= 0) {
          const frame = pending.slice(0, boundary);
          pending = pending.slice(boundary + 2);
          if (!frame.startsWith("data: ")) continue;
          if (plan.kind === "after-text-events" && plan.count === 0) return leave();
          if (JSON.parse(frame.slice(6)).type === "text" && ++departure.textEvents >= (plan.kind === "after-text-events" ? plan.count : Number.POSITIVE_INFINITY)) return leave();
        }
      });
      res.on("end", () => (left ? undefined : reject(new Error(`${id}: the answer ended before the client left`))));
      res.on("error", () => undefined);
    });
    req.on("error", (error) => (left ? undefined : reject(error)));
    if (plan.kind === "after-ms") timer = setTimeout(leave, plan.ms);
    req.end(payload);
  });
}

export interface StormFigures {
  clients: number;
  upstreamRequests: number;
  seconds: number;
  /** ms from a client leaving to its upstream request closing: every client, and those that left mid-stream. */
  all: number[];
  midStream: number[];
  /** Upstream requests still open, or completed, after the storm (both must be 0). */
  stillOpen: number;
  completed: number;
  openConnections: number;
}

function ask(child: ChildProcess, message: ToChild): Promise<Extract<FromChild, { type: "storm-closes" }>> {
  return new Promise((resolve) => {
    const onMessage = (reply: FromChild) => {
      if (reply.type !== "storm-closes") return;
      child.off("message", onMessage);
      resolve(reply);
    };
    child.on("message", onMessage);
    child.send(message);
  });
}

export async function abortStorm(port: number, upstream: ChildProcess, options: { clients: number; concurrency: number; seed: number }): Promise<StormFigures> {
  const plans = stormPlans(options.clients, options.seed);
  const departures = new Array<Departure>(plans.length);
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < plans.length) {
        const index = next++;
        departures[index] = await stormClient(port, `storm ${index}`, plans[index]!);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  // Let the last cancellations land, then read the upstream's records.
  let report = await ask(upstream, { type: "storm-closes" });
  for (let wait = 0; wait < 50 && report.closes.some((close) => close.closedAt === null); wait++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    report = await ask(upstream, { type: "storm-closes" });
  }
  const figures: StormFigures = { clients: plans.length, upstreamRequests: report.closes.length, seconds, all: [], midStream: [], stillOpen: 0, completed: 0, openConnections: report.openConnections };
  for (const close of report.closes) {
    if (close.closedAt === null) figures.stillOpen++;
    if (close.finished) figures.completed++;
    const departure = departures[Number(close.id.slice("storm ".length))];
    if (!departure || close.closedAt === null) continue;
    const latency = Math.max(0, close.closedAt - departure.leftAt);
    figures.all.push(latency);
    if (departure.hadHeaders) figures.midStream.push(latency);
  }
  return figures;
}
