/**
 * Code that runs inside the page (Chromium), installed before the app's own scripts: it records
 * every main-thread long task (the Long Tasks API reports tasks over 50 ms) and the gaps between
 * animation frames, so the bench can ask what happened during one streamed answer.
 */
export interface PageTimings {
  longTasks: Array<{ startTime: number; duration: number }>;
  /** Longest time between two animation frames inside the window. */
  maxFrameGapMs: number;
  frames: number;
}

declare global {
  interface Window {
    __benchProbe?: { longTasks: Array<{ startTime: number; duration: number }>; frameTimes: number[] };
  }
}

/** Installed with page.addInitScript: runs in every document before anything else. */
export function installPageProbes(): void {
  const probe = { longTasks: [] as Array<{ startTime: number; duration: number }>, frameTimes: [] as number[] };
  window.__benchProbe = probe;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push({ startTime: entry.startTime, duration: entry.duration });
  }).observe({ type: "longtask", buffered: true });
  const onFrame = (time: number) => {
    probe.frameTimes.push(time);
    // Keep memory flat over long runs: the bench only reads the recent window.
    if (probe.frameTimes.length > 20_000) probe.frameTimes.splice(0, 10_000);
    requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
}

/** Runs in the page: the probes' findings between two `performance.now()` readings. */
export function readPageTimings([from, to]: [number, number]): PageTimings {
  const probe = window.__benchProbe;
  if (!probe) throw new Error("page probes are not installed");
  const longTasks = probe.longTasks.filter((task) => task.startTime + task.duration >= from && task.startTime <= to);
  const frames = probe.frameTimes.filter((time) => time >= from && time <= to);
  let maxFrameGapMs = 0;
  for (let i = 1; i < frames.length; i++) maxFrameGapMs = Math.max(maxFrameGapMs, (frames[i] as number) - (frames[i - 1] as number));
  return { longTasks, maxFrameGapMs, frames: frames.length };
}
