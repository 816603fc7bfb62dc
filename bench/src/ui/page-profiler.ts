import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CDPSession, type Page } from "playwright-core";
import { ensureProfilesDir } from "../scenarios/scenario-support";

/**
 * A CPU profile of the page's main thread through the DevTools protocol (Chromium only), written
 * in the same .cpuprofile format `node --cpu-prof` uses, so summarize-cpu-profile reads both.
 */
export class PageProfiler {
  private constructor(private readonly session: CDPSession) {}

  static async start(page: Page): Promise<PageProfiler> {
    const session = await page.context().newCDPSession(page);
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: 200 });
    await session.send("Profiler.start");
    return new PageProfiler(session);
  }

  /** Stops profiling and returns the path of the written profile. */
  async stop(name: string): Promise<string> {
    const { profile } = await this.session.send("Profiler.stop");
    await this.session.detach();
    const path = join(ensureProfilesDir(), `${name}-${Date.now()}.cpuprofile`);
    writeFileSync(path, JSON.stringify(profile));
    return path;
  }
}
