import { AsyncLocalStorage } from "node:async_hooks";

const scope = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `fn` with an ambient abort signal: every LLM call made inside it (at any depth, across
 * awaits) is cancelled when the signal aborts, even if the code never passes a `signal` itself.
 * @ragbits/chat runs each `chat()` this way, so a client that disconnects stops the model call.
 * A call's own `signal` still works inside the scope: whichever aborts first cancels the call.
 */
export function runWithAbortSignal<T>(signal: AbortSignal, fn: () => T): T {
  return scope.run(signal, fn);
}

/** The ambient signal of the enclosing `runWithAbortSignal`, if any. */
export function currentAbortSignal(): AbortSignal | undefined {
  return scope.getStore();
}
