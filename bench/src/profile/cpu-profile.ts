/** The parts of V8's .cpuprofile format (written by `node --cpu-prof`) that the summary reads. */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface FrameTime {
  frame: string;
  /** Microseconds with this frame on top of the stack. */
  selfUs: number;
  /** Microseconds with this frame anywhere on the stack (recursion counted once). */
  totalUs: number;
}

export interface ProfileSummary {
  durationUs: number;
  sampledUs: number;
  frames: FrameTime[];
  /** Self time per package (node_modules package, workspace package, or node: internals). */
  packages: Array<{ name: string; selfUs: number }>;
}

/** Where a script lives, shortened: `openai/core/streaming.mjs`, `@ragbits/core dist/index.js`, `node:internal/…`. */
export function shortLocation(url: string): string {
  if (!url) return "(native)";
  const path = url.replace(/^file:\/\//, "");
  const modules = path.lastIndexOf("/node_modules/");
  if (modules !== -1) return path.slice(modules + "/node_modules/".length);
  const workspace = /\/(packages|apps|bench)\/([^/]+)\/(.*)$/.exec(path);
  if (workspace) return `${workspace[1]}/${workspace[2]}/${workspace[3]}`;
  return path;
}

export function packageOf(url: string): string {
  if (!url) return "(native / GC / idle)";
  if (url.startsWith("node:")) return "node: internals";
  const location = shortLocation(url);
  if (location.startsWith("packages/") || location.startsWith("apps/") || location.startsWith("bench/")) return location.split("/").slice(0, 2).join("/");
  const parts = location.split("/");
  return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? location);
}

function frameKey({ functionName, url, lineNumber }: CpuProfileNode["callFrame"]): string {
  return `${functionName || "(anonymous)"}  ${shortLocation(url)}:${lineNumber + 1}`;
}

/** Self and inclusive time per function, and self time per package. Idle time is left out. */
export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const frames = new Map<string, FrameTime>();
  const packages = new Map<string, number>();
  let sampledUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] as number);
    // A sample's time is the delta to the next one.
    const deltaUs = profile.timeDeltas[i + 1] ?? 0;
    if (!node || node.callFrame.functionName === "(idle)") continue;
    sampledUs += deltaUs;
    const self = frameKey(node.callFrame);
    entry(frames, self).selfUs += deltaUs;
    packages.set(packageOf(node.callFrame.url), (packages.get(packageOf(node.callFrame.url)) ?? 0) + deltaUs);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const ancestor = byId.get(id);
      if (!ancestor || ancestor.callFrame.functionName === "(root)") continue;
      const key = frameKey(ancestor.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      entry(frames, key).totalUs += deltaUs;
    }
  }
  return {
    durationUs: profile.endTime - profile.startTime,
    sampledUs,
    frames: [...frames.values()],
    packages: [...packages.entries()].map(([name, selfUs]) => ({ name, selfUs })).sort((a, b) => b.selfUs - a.selfUs),
  };
}

function entry(frames: Map<string, FrameTime>, frame: string): FrameTime {
  let found = frames.get(frame);
  if (!found) {
    found = { frame, selfUs: 0, totalUs: 0 };
    frames.set(frame, found);
  }
  return found;
}
