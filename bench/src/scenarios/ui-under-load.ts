import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { type BenchConfig } from "../bench-config";
import { ServerUnderTest } from "../servers/server-under-test";
import { CONVERSATION_HISTORY_ENV, serverTargets } from "../servers/server-target";
import { type PageTimings, installPageProbes, readPageTimings } from "../ui/page-probes";
import { type Upstream } from "../upstream/upstream";
import { PageProfiler } from "../ui/page-profiler";
import { BENCH_DIR, type Log } from "./scenario-support";

export interface UiReport {
  messagesBefore: number;
  tokens: number;
  chunkDelayMs: number;
  /** Wall time of the measured answer in the browser, from Enter to the answer marked done. */
  streamMs: number;
  /** Long tasks (> 50 ms) on the main thread while the answer streamed. */
  longTasks: number;
  longestTaskMs: number;
  longTaskTotalMs: number;
  /** Each long task: when it started, relative to sending the question, and how long it took. */
  longTaskList: Array<{ atMs: number; durationMs: number }>;
  maxFrameGapMs: number;
  frames: number;
  /** Long tasks while the 200-message conversation was being built (for context). */
  longTasksWhileSeeding: number;
}

const CHROMIUM = "/usr/bin/chromium";
// As TOOLCHAIN.md prescribes for this machine (Playwright adds --headless itself).
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const UI_BUILD = resolve(BENCH_DIR, "../packages/chat/ui-build/index.html");
const SEED_ANSWER = { chunks: 64, chunkChars: 4, delayMs: 0 };

/**
 * Scenario 5: the built web UI in headless Chromium, served by RagbitsAPI. A 200-message
 * conversation is built through the UI itself (100 questions, short markdown answers), then a
 * 2,000-token markdown answer streams in while the Long Tasks API records the main thread.
 */
export async function runUiUnderLoad(config: BenchConfig, upstream: Upstream, log: Log): Promise<UiReport> {
  const settings = config.ui;
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  if (!existsSync(UI_BUILD)) throw new Error(`no UI build at ${UI_BUILD}: run pnpm --filter @ragbits/chat build`);
  const [target] = serverTargets(["ragbits"]);
  if (!target) throw new Error("no ragbits target");
  const server = await ServerUnderTest.start(target, upstream, { env: { [CONVERSATION_HISTORY_ENV]: "1" } });
  let browser: Browser | undefined;
  try {
    await upstream.configure({ ...SEED_ANSWER, hold: false, text: "markdown" });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(installPageProbes);
    await page.goto(`${server.origin}/`);
    await page.waitForSelector("#composer-input", { timeout: 30_000 });

    const turns = Math.floor(settings.messages / 2);
    const seedFrom = await now(page);
    for (let turn = 1; turn <= turns; turn++) {
      await sendAndWait(page, `Question ${turn}: how does streaming work?`, turn, 30_000);
      if (turn % 25 === 0) log(`  ui conversation: ${turn * 2} messages`);
    }
    const seeding = await page.evaluate(readPageTimings, [seedFrom, await now(page)] as [number, number]);
    const messagesBefore = await page.locator("article.message").count();

    await upstream.configure({ chunks: settings.tokens, chunkChars: settings.chunkChars, delayMs: settings.delayMs, hold: false, text: "markdown" });
    const profiler = config.profile ? await PageProfiler.start(page) : undefined;
    const from = await now(page);
    const started = performance.now();
    await sendAndWait(page, "Now write a long answer with code and tables.", turns + 1, 180_000);
    const streamMs = performance.now() - started;
    if (profiler) log(`  ui page CPU profile: ${await profiler.stop("ui-answer")}`);
    const timings: PageTimings = await page.evaluate(readPageTimings, [from, await now(page)] as [number, number]);
    const durations = timings.longTasks.map((task) => task.duration);
    const report: UiReport = {
      messagesBefore,
      tokens: settings.tokens,
      chunkDelayMs: settings.delayMs,
      streamMs,
      longTasks: durations.length,
      longestTaskMs: durations.length ? Math.max(...durations) : 0,
      longTaskTotalMs: durations.reduce((total, value) => total + value, 0),
      longTaskList: timings.longTasks.map((task) => ({ atMs: Math.round(task.startTime - from), durationMs: Math.round(task.duration) })),
      maxFrameGapMs: timings.maxFrameGapMs,
      frames: timings.frames,
      longTasksWhileSeeding: seeding.longTasks.length,
    };
    const taskList = report.longTaskList.map((task) => `${task.durationMs} ms at +${task.atMs} ms`).join(", ");
    log(`  ui ${settings.tokens}-token answer after ${messagesBefore} messages: ${report.longTasks} long tasks${taskList ? ` (${taskList})` : ""}, max frame gap ${report.maxFrameGapMs.toFixed(0)} ms, ${(streamMs / 1000).toFixed(1)} s`);
    return report;
  } finally {
    await browser?.close();
    await server.stop();
    await upstream.configure({ ...SEED_ANSWER, hold: false, text: "marker" });
  }
}

function now(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Types a question, sends it with Enter, and waits until the `answers`-th answer is complete. */
async function sendAndWait(page: Page, text: string, answers: number, timeoutMs: number): Promise<void> {
  const input = page.locator("#composer-input");
  await input.fill(text);
  await input.press("Enter");
  await page.waitForFunction((count) => document.querySelectorAll("article.message.assistant.status-done").length >= count, answers, { timeout: timeoutMs, polling: 50 });
}
