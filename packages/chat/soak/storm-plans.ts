/** When each client of an abort storm leaves: on the headers, after k text events, or after a delay. */
export type StormPlan = { kind: "on-headers" } | { kind: "after-text-events"; count: number } | { kind: "after-ms"; ms: number };

/** A small seeded PRNG (mulberry32), so a storm can be replayed from its seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` departure plans: 10 % on the headers, 60 % after 0–11 text events, 30 % after 0–499 ms. */
export function stormPlans(count: number, seed: number): StormPlan[] {
  const next = random(seed);
  return Array.from({ length: count }, (): StormPlan => {
    const roll = next();
    if (roll < 0.1) return { kind: "on-headers" };
    if (roll < 0.7) return { kind: "after-text-events", count: Math.floor(next() * 12) };
    return { kind: "after-ms", ms: Math.floor(next() * 500) };
  });
}
