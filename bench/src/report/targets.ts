import { type ScenarioReports, completed } from "./bench-results";
import { num } from "./format";

/** One target from the issue, checked against this run. `met` is null when the run did not measure it. */
export interface TargetCheck {
  scenario: string;
  target: string;
  measured: string;
  met: boolean | null;
}

export function checkTargets(reports: ScenarioReports): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const client = completed(reports.client);
  for (const mode of ["single", "concurrent"] as const) {
    const label = mode === "single" ? "1 stream" : "50 concurrent";
    const ratios = client?.ratios[mode];
    checks.push({
      scenario: "1 client",
      target: `CPU/chunk ≤ 1.05× raw openai SDK (${label})`,
      measured: ratios ? `${ratios.vsOpenAI.value.toFixed(2)}×` : "not run",
      met: ratios ? ratios.vsOpenAI.value <= 1.05 : null,
    });
    checks.push({
      scenario: "1 client",
      target: `CPU/chunk ≤ 0.5× Vercel AI SDK (${label})`,
      measured: ratios ? `${ratios.vsVercel.value.toFixed(2)}×` : "not run",
      met: ratios ? ratios.vsVercel.value <= 0.5 : null,
    });
  }

  const server = completed(reports.server);
  const at200 = server?.rows.find((row) => row.target === "ragbits" && row.kind === "latency" && row.concurrency === 200);
  checks.push({
    scenario: "2 server",
    target: "added time to first event p50 ≤ 1 ms at C=200",
    measured: at200?.addedTtfeP50Ms ? `${num(at200.addedTtfeP50Ms.median)} ms` : "not run",
    met: at200?.addedTtfeP50Ms ? at200.addedTtfeP50Ms.median <= 1 : null,
  });
  checks.push({
    scenario: "2 server",
    target: "added time to first event p99 ≤ 5 ms at C=200",
    measured: at200?.addedTtfeP99Ms ? `${num(at200.addedTtfeP99Ms.median)} ms` : "not run",
    met: at200?.addedTtfeP99Ms ? at200.addedTtfeP99Ms.median <= 5 : null,
  });
  const saturation = server?.levels.find((level) => level.kind === "saturation");
  const eventsRatio = saturation ? server?.eventsRatioVsVercel[`${saturation.kind} C=${saturation.concurrency}`] : undefined;
  const ownCpu = saturation ? server?.cpuPerEventRatioVsBareSdk[`${saturation.kind} C=${saturation.concurrency}`] : undefined;
  checks.push({
    scenario: "2 server",
    target: "server CPU per event at saturation ≤ 1.25× the framework-less bare-sdk server",
    measured: ownCpu && Number.isFinite(ownCpu.value) ? `${ownCpu.value.toFixed(2)}×` : "not run",
    met: ownCpu && Number.isFinite(ownCpu.value) ? ownCpu.value <= 1.25 : null,
  });
  checks.push({
    scenario: "2 server",
    target: "events/s at saturation ≥ 2× the Vercel AI SDK server",
    measured: eventsRatio ? `${eventsRatio.value.toFixed(2)}×` : "not run",
    met: eventsRatio ? eventsRatio.value >= 2 : null,
  });

  const memory = completed(reports.memory);
  const ragbitsMemory = memory?.rows.find((row) => row.target === "ragbits");
  checks.push({
    scenario: "3 memory",
    target: "RSS growth per open stream ≤ 30 KB",
    measured: ragbitsMemory ? `${num(ragbitsMemory.rssPerStreamKB.median)} KB` : "not run",
    met: ragbitsMemory ? ragbitsMemory.rssPerStreamKB.median <= 30 : null,
  });
  const ownMemory = memory?.rssRatioVsBareSdk;
  checks.push({
    scenario: "3 memory",
    target: "RSS per open stream ≤ 1.25× the framework-less bare-sdk server",
    measured: ownMemory && Number.isFinite(ownMemory.value) ? `${ownMemory.value.toFixed(2)}×` : "not run",
    met: ownMemory && Number.isFinite(ownMemory.value) ? ownMemory.value <= 1.25 : null,
  });

  const startup = completed(reports.startup);
  const coreImport = startup?.imports.find((row) => row.id === "@ragbits/core");
  checks.push({
    scenario: "4 start-up",
    target: 'import("@ragbits/core") ≤ 30 ms',
    measured: coreImport ? `${num(coreImport.importMs.median)} ms` : "not run",
    met: coreImport ? coreImport.importMs.median <= 30 : null,
  });
  const cli = startup?.servers.find((row) => row.id === "ragbits-cli");
  checks.push({
    scenario: "4 start-up",
    target: "`ragbits api run` until /api/config answers ≤ 1 s",
    measured: cli ? `${num(cli.readyMs.median, 0)} ms` : "not run",
    met: cli ? cli.readyMs.median <= 1000 : null,
  });

  const ui = completed(reports.ui);
  checks.push({
    scenario: "5 UI",
    target: "no main-thread long task over 50 ms while a 2,000-token answer streams into 200 messages",
    measured: ui ? `${ui.longTasks} long tasks (longest ${num(ui.longestTaskMs, 0)} ms)` : "not run",
    met: ui ? ui.longTasks === 0 : null,
  });
  return checks;
}
