import { type HistoryPersistence } from "../history/history-persistence";
import { isHistoryStore } from "../history/history-store";
import { type ServerStores } from "./server-stores";
import { StoreError } from "./store-error";

/** How long a readiness check may take: a probe must get an answer, not hang with the database. */
export const READINESS_TIMEOUT_MS = 3_000;

export interface ReadinessInput {
  shuttingDown: boolean;
  /** The app's setup (and the stores' opening): started by the first check if nothing started it yet. */
  setup: () => Promise<void>;
  stores: ServerStores;
  /** The chat's history, when it is a store of its own (not the stores' history). */
  history: HistoryPersistence | null;
  timeoutMs?: number;
}

/**
 * Why a replica should get no traffic now, in words safe to show anyone (no host names, no error
 * details: those are in the logs); undefined when it is ready.
 */
export async function notReadyReason(input: ReadinessInput): Promise<string | undefined> {
  if (input.shuttingDown) return "shutting down";
  const timeoutMs = input.timeoutMs ?? READINESS_TIMEOUT_MS;
  try {
    await withTimeout(input.setup(), timeoutMs, "starting");
  } catch (error) {
    return StoreError.isUnavailable(error) ? "the database is unavailable" : error instanceof TimedOut ? "starting" : "setup failed";
  }
  try {
    await withTimeout(input.stores.ping(), timeoutMs, "the database does not answer");
    if (input.history !== input.stores.history && isHistoryStore(input.history)) await withTimeout(input.history.ping(), timeoutMs, "the history store does not answer");
  } catch (error) {
    if (error instanceof TimedOut) return error.message;
    return StoreError.isUnavailable(error) ? "the database is unavailable" : "a store failed";
  }
  return undefined;
}

class TimedOut extends Error {}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number, reason: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut(reason)), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
