import { type RouteInput } from "../api-context";
import { type BodyResponse, jsonResponse } from "../http/api-response";

/** Load balancers and probes must always see the current answer, never a cached one. */
const NO_STORE = { "cache-control": "no-store" };

/**
 * GET /api/health: liveness. 200 while the process serves requests, whatever the database does:
 * restarting a replica does not bring a database back, so an outage must not fail this probe.
 */
export async function healthRoute(): Promise<BodyResponse> {
  return jsonResponse({ status: "ok" }, 200, NO_STORE);
}

/**
 * GET /api/ready: readiness. 200 when the app is set up and every store answers; 503 with the reason
 * while starting, while a store (the database) does not answer, and from the moment shutdown began,
 * so a load balancer sends this replica no new work.
 */
export async function readyRoute({ context }: RouteInput): Promise<BodyResponse> {
  const reason = await context.notReadyReason();
  if (reason === undefined) return jsonResponse({ status: "ready" }, 200, NO_STORE);
  return jsonResponse({ status: "not-ready", reason }, 503, NO_STORE);
}
