/**
 * `node dist/summarize-cpu-profile.js FILE.cpuprofile [--top N] [--filter TEXT]`
 * Prints where a process spent its CPU: per package, the top functions by self time, and the top
 * functions by inclusive time (optionally only frames whose location contains TEXT, e.g.
 * "packages/" for our own code).
 */
import { readFileSync } from "node:fs";
import { type CpuProfile, summarizeProfile } from "./cpu-profile";

let file: string | undefined;
let top = 25;
let filter: string | undefined;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i] as string;
  if (arg === "--top") top = Number(args[++i]);
  else if (arg === "--filter") filter = args[++i];
  else file = arg;
}
if (!file) {
  console.error("usage: node dist/summarize-cpu-profile.js FILE.cpuprofile [--top N] [--filter TEXT]");
  process.exit(2);
}

const summary = summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
const ms = (us: number) => `${(us / 1000).toFixed(1).padStart(8)} ms`;
const pct = (us: number) => `${((us / summary.sampledUs) * 100).toFixed(1).padStart(5)}%`;

console.log(`${file}\nbusy (non-idle) time sampled: ${ms(summary.sampledUs)} of ${ms(summary.durationUs)} wall\n`);
console.log("Self time by package:");
for (const { name, selfUs } of summary.packages.slice(0, 15)) console.log(`  ${ms(selfUs)} ${pct(selfUs)}  ${name}`);
const frames = filter ? summary.frames.filter((frame) => frame.frame.includes(filter)) : summary.frames;
console.log(`\nTop ${top} functions by self time${filter ? ` (matching "${filter}")` : ""}:`);
for (const frame of [...frames].sort((a, b) => b.selfUs - a.selfUs).slice(0, top)) console.log(`  ${ms(frame.selfUs)} ${pct(frame.selfUs)}  ${frame.frame}`);
console.log(`\nTop ${top} functions by inclusive time${filter ? ` (matching "${filter}")` : ""}:`);
for (const frame of [...frames].sort((a, b) => b.totalUs - a.totalUs).slice(0, top)) console.log(`  ${ms(frame.totalUs)} ${pct(frame.totalUs)}  ${frame.frame}`);
