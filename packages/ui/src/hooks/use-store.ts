import { useLayoutEffect, useReducer } from "preact/hooks";

/** Re-renders the component whenever `subscribe`'s store changes; returns its current snapshot. */
export function useStore<T>(subscribe: (listener: () => void) => () => void, getSnapshot: () => T): T {
  const [, forceRender] = useReducer((n: number) => n + 1, 0);
  useLayoutEffect(() => {
    const snapshotAtSubscribe = getSnapshot();
    const unsubscribe = subscribe(() => forceRender(undefined));
    // A change between render and subscription would otherwise be missed.
    if (getSnapshot() !== snapshotAtSubscribe) forceRender(undefined);
    return unsubscribe;
  }, [subscribe, getSnapshot]);
  return getSnapshot();
}
