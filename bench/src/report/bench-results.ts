import { type BenchConfig, type ScenarioId } from "../bench-config";
import { type ClientCostReport } from "../scenarios/client-cost";
import { type MemoryReport } from "../scenarios/open-streams-memory";
import { type ServerLoadReport } from "../scenarios/server-load";
import { type StartupReport } from "../scenarios/startup";
import { type UiReport } from "../scenarios/ui-under-load";
import { type MachineInfo } from "./machine-info";
import { type TargetCheck } from "./targets";

/** A scenario that could not complete: the run goes on and says why. */
export interface ScenarioFailure {
  error: string;
}

export interface ScenarioReports {
  client?: ClientCostReport | ScenarioFailure;
  server?: ServerLoadReport | ScenarioFailure;
  memory?: MemoryReport | ScenarioFailure;
  startup?: StartupReport | ScenarioFailure;
  ui?: UiReport | ScenarioFailure;
}

/** Everything one `pnpm bench` run measured: written as JSON to bench/results/. */
export interface BenchResults {
  schema: 1;
  mode: BenchConfig["mode"];
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  versions: Record<string, string>;
  config: BenchConfig;
  scenarios: ScenarioReports;
  /** Seconds each scenario took. */
  scenarioSeconds: Partial<Record<ScenarioId, number>>;
  targets: TargetCheck[];
}

export function isFailure(report: unknown): report is ScenarioFailure {
  return typeof report === "object" && report !== null && "error" in report;
}

/** The report of a scenario that ran and completed, else undefined. */
export function completed<T>(report: T | ScenarioFailure | undefined): T | undefined {
  return report === undefined || isFailure(report) ? undefined : report;
}
