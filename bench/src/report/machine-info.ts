import { execFileSync } from "node:child_process";
import { cpus, loadavg, release, totalmem } from "node:os";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  /** 1-minute load average when the run started and ended: how busy the shared machine was. */
  loadAverageAtStart: number;
  loadAverageAtEnd?: number;
  /** The repository state measured (read-only git queries). */
  gitCommit: string;
  gitDirtyFiles: number;
}

export function machineInfo(repoDir: string): MachineInfo {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model.trim() ?? "unknown",
    cores: cpuList.length,
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    os: `${process.platform} ${release()}`,
    node: process.version,
    loadAverageAtStart: loadavg()[0] ?? 0,
    gitCommit: git(repoDir, ["rev-parse", "--short", "HEAD"]) || "unknown",
    gitDirtyFiles: git(repoDir, ["status", "--porcelain"]).split("\n").filter(Boolean).length,
  };
}

export function currentLoadAverage(): number {
  return loadavg()[0] ?? 0;
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}
