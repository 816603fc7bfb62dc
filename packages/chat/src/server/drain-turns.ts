import { setTimeout as sleep } from "node:timers/promises";

const POLL_MS = 20;

/**
 * Resolves once no turn is streaming any more, or after `timeoutMs`, whichever comes first. Turns
 * leave the set when their stream ended and their interaction was saved.
 */
export async function waitForTurns(activeTurns: ReadonlySet<unknown>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (activeTurns.size > 0 && Date.now() < deadline) await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
}
