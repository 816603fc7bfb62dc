import { type ServerTargetId } from "./servers/server-target";

/**
 * How much work each scenario does. The full run is sized to finish in roughly 20 minutes on a
 * 2-core machine; `--quick` keeps every scenario (and the interleaving) but shrinks it to a
 * ~3 minute smoke run (fewer repetitions, shorter windows, C = 200 only, 500 held streams, a
 * 60-message conversation in the UI) whose figures are indicative only.
 */
export interface BenchConfig {
  mode: "full" | "quick";
  /** Scenarios to run (all by default). */
  scenarios: ScenarioId[];
  /** Write `--cpu-prof` profiles of our processes to bench/profiles/. */
  profile: boolean;
  /** Servers measured in scenarios 2 and 3 (`--servers`); all by default. */
  servers: ServerTargetId[];
  clientCost: {
    repetitions: number;
    chunks: number;
    chunkChars: number;
    single: { warmupStreams: number; measuredStreams: number };
    concurrent: { concurrency: number; warmupStreams: number; measuredStreams: number };
  };
  server: {
    repetitions: number;
    concurrencies: number[];
    chunks: number;
    chunkChars: number;
    delayMs: number;
    /** Latency levels and whether the saturation level runs (`--levels`). */
    saturation: boolean;
    /** Zero-delay requests before each measurement, so the server's hot paths are compiled. */
    primeMs: number;
    warmupMs: number;
    measureMs: number;
  };
  memory: { repetitions: number; streams: number };
  startup: { importRuns: number; cliRuns: number };
  ui: { messages: number; tokens: number; chunkChars: number; delayMs: number };
}

export const ALL_SERVER_TARGETS = ["floor", "ragbits", "ragbits-fetch", "vercel", "bare-sdk", "bare-fetch"] as const satisfies readonly ServerTargetId[];

export const SCENARIO_IDS = ["client", "server", "memory", "startup", "ui", "structured", "database", "telemetry"] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface BenchSelection {
  scenarios: ScenarioId[];
  profile: boolean;
  /** Only these servers in scenarios 2 and 3. */
  servers?: ServerTargetId[];
  /** Only these load levels in scenario 2: concurrencies of the latency levels and/or "saturation". */
  levels?: Array<number | "saturation">;
}

export function benchConfig(mode: "full" | "quick", { scenarios, profile, servers, levels }: BenchSelection): BenchConfig {
  const quick = mode === "quick";
  const concurrencies = quick ? [200] : [1, 50, 200, 1000];
  return {
    mode,
    scenarios,
    profile,
    servers: servers ?? [...ALL_SERVER_TARGETS],
    clientCost: {
      repetitions: quick ? 2 : 5,
      chunks: 256,
      chunkChars: 4,
      single: { warmupStreams: quick ? 15 : 40, measuredStreams: quick ? 15 : 60 },
      concurrent: { concurrency: 50, warmupStreams: quick ? 50 : 100, measuredStreams: quick ? 50 : 300 },
    },
    server: {
      repetitions: quick ? 2 : 3,
      // The smoke run keeps the level the targets are set at.
      concurrencies: levels ? levels.filter((level): level is number => typeof level === "number") : concurrencies,
      saturation: levels ? levels.includes("saturation") : true,
      // 50 tokens/s per stream, as hosted models typically stream; one answer lasts ~1.3 s.
      chunks: 64,
      chunkChars: 4,
      delayMs: 20,
      primeMs: quick ? 300 : 1_000,
      warmupMs: quick ? 1_000 : 2_500,
      measureMs: quick ? 1_500 : 6_000,
    },
    memory: { repetitions: quick ? 1 : 3, streams: quick ? 500 : 1_000 },
    startup: { importRuns: quick ? 3 : 15, cliRuns: quick ? 2 : 9 },
    ui: { messages: quick ? 60 : 200, tokens: 2_000, chunkChars: 4, delayMs: quick ? 2 : 5 },
  };
}
