import { SCENARIO_IDS, type ScenarioId } from "./bench-config";

export interface CliOptions {
  quick: boolean;
  scenarios: ScenarioId[];
  profile: boolean;
  /** Print the results but write nothing. */
  dryRun: boolean;
}

const USAGE = `pnpm bench [--quick] [--only client,server,memory,startup,ui] [--profile] [--dry-run]
  --quick     2–3 minute smoke run (also BENCH_QUICK=1); results go to results/quick/, README is untouched
  --only      run these scenarios only
  --profile   write --cpu-prof profiles of the Ragbits client and server processes to bench/profiles/
  --dry-run   measure and print, write nothing`;

export function parseCliOptions(argv: string[]): CliOptions {
  const options: CliOptions = { quick: process.env.BENCH_QUICK === "1", scenarios: [...SCENARIO_IDS], profile: false, dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    // `pnpm bench -- --quick` passes the separator through on some pnpm versions.
    if (arg === "--") continue;
    if (arg === "--quick") options.quick = true;
    else if (arg === "--profile") options.profile = true;
    else if (arg === "--dry-run") options.dryRun = true;
    else if (arg === "--only" || arg.startsWith("--only=")) {
      const value = arg.includes("=") ? arg.slice("--only=".length) : (argv[++i] ?? "");
      options.scenarios = value.split(",").map((name) => {
        if (!(SCENARIO_IDS as readonly string[]).includes(name)) throw new Error(`unknown scenario "${name}"\n${USAGE}`);
        return name as ScenarioId;
      });
    } else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else {
      throw new Error(`unknown option "${arg}"\n${USAGE}`);
    }
  }
  return options;
}
