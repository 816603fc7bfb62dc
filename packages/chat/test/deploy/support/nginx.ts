/**
 * A real nginx for tests, running the project's own example config (docs/deploy/nginx.conf) with only
 * its ports changed: `nginx -p <temporary prefix> -c <config> -g "daemon off;"`. A test that needs
 * nginx and cannot find it fails (it is never skipped): `node scripts/bootstrap.mjs --for-tests`
 * installs Debian's nginx package.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const NGINX_CONF = resolve(__dirname, "../../../../../docs/deploy/nginx.conf");
const NGINX_PATHS = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"];

export interface NginxServer {
  readonly url: string;
  readonly prefix: string;
  /** The access log's lines so far (format `ragbits` of the config: `upstream=<addr>[, <addr>]`). */
  accessLog(): string[];
  stop(): Promise<void>;
}

export interface StartNginxOptions {
  /** The port nginx listens on (127.0.0.1). */
  port: number;
  /** The replicas' ports, in the config's order. */
  upstreamPorts: number[];
}

export function nginxBinary(): string {
  const found = NGINX_PATHS.find((path) => existsSync(path));
  if (!found) throw new Error(`nginx is not installed (looked for ${NGINX_PATHS.join(", ")}). Run \`node scripts/bootstrap.mjs --for-tests\` (it runs apt-get install -y nginx) or install Debian's nginx package.`);
  return found;
}

/**
 * The example config with the test's ports: `listen 127.0.0.1:<port>` and one `server 127.0.0.1:<port>`
 * line per replica (the example has two). Anything else the config says is used as written; a config
 * whose lines no longer have this shape fails here rather than test something else.
 */
export function templateConfig(source: string, { port, upstreamPorts }: StartNginxOptions): string {
  const listen = /^(\s*listen\s+127\.0\.0\.1:)\d+;/m;
  if (!listen.test(source)) throw new Error(`${NGINX_CONF}: no "listen 127.0.0.1:<port>;" line to point at the test's port`);
  const servers = [...source.matchAll(/^(\s*server\s+127\.0\.0\.1:)(\d+)(\s[^;]*)?;/gm)];
  if (servers.length !== upstreamPorts.length) throw new Error(`${NGINX_CONF}: ${servers.length} upstream server lines, the test runs ${upstreamPorts.length} replicas`);
  let index = 0;
  return source.replace(listen, `$1${port};`).replace(/^(\s*server\s+127\.0\.0\.1:)(\d+)((?:\s[^;]*)?;)/gm, (_match, head: string, _old: string, tail: string) => `${head}${upstreamPorts[index++]}${tail}`);
}

export async function startNginx(options: StartNginxOptions): Promise<NginxServer> {
  const binary = nginxBinary();
  const prefix = mkdtempSync(join(tmpdir(), "ragbits-test-nginx-"));
  // nginx's workers run as an unprivileged user when the tests run as root: they must reach the prefix.
  chmodSync(prefix, 0o755);
  mkdirSync(join(prefix, "logs"));
  mkdirSync(join(prefix, "temp"));
  const config = join(prefix, "nginx.conf");
  writeFileSync(config, templateConfig(readFileSync(NGINX_CONF, "utf8"), options));
  const check = spawnSync(binary, ["-t", "-p", `${prefix}/`, "-c", config, "-g", "daemon off;"], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`nginx -t refused the example config:\n${check.stderr}`);
  const child: ChildProcess = spawn(binary, ["-p", `${prefix}/`, "-c", config, "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
  const url = `http://127.0.0.1:${options.port}`;
  await waitForListening(url, () => child.exitCode !== null, () => stderr);
  return {
    url,
    prefix,
    accessLog: () => {
      const path = join(prefix, "logs", "access.log");
      return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean) : [];
    },
    async stop() {
      if (child.exitCode === null) {
        // SIGQUIT: graceful; SIGTERM: fast. Fast is enough for a test and does not wait for streams.
        child.kill("SIGTERM");
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5_000)))]);
        clearTimeout(timer);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

async function waitForListening(url: string, exited: () => boolean, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited()) throw new Error(`nginx exited at start:\n${stderr()}`);
    try {
      // Any answer means nginx listens (the replicas may not be up yet: a 502 is fine here).
      await fetch(`${url}/nginx-started`, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`nginx did not listen on ${url} within 15 s:\n${stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The upstream addresses nginx tried for the latest access-log line matching `request` (e.g. `GET /api/config`). */
export function upstreamsOf(line: string): string[] {
  const match = / upstream=(.*?) upstream_status=/.exec(line);
  // "a, b": tried a, then b; "a : b": an internal redirect (not used by the example config).
  return match ? match[1]!.split(/,\s*|\s+:\s+/).filter((addr) => addr !== "-") : [];
}
