/**
 * The `ragbits` CLI as a user runs it: the built `dist/cli.js` spawned on a TypeScript file of a
 * user's project (which imports "@ragbits/chat" like any installed package), with flags, answering over
 * real HTTP. Servers listen on `--port 0`; their URL is read from what the CLI prints.
 */
import { existsSync, readFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { CLI, type CliProcess, announcedUrls, spawnCli, stopAll, stopTree, waitForExit, waitForOutput, waitForUrl } from "./cli-fixtures/cli-process";
import { type WireEvent, chat, get, poll, postJson, textOf } from "./cli-fixtures/http";
import { THEME_CSS, UI_ASSET_JS, UI_INDEX_HTML, USER, UserProject } from "./cli-fixtures/user-project";

jest.setTimeout(90_000);

let project: UserProject;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm --filter @ragbits/chat build\` first`);
  project = new UserProject();
});

afterAll(async () => {
  await stopAll();
  project?.remove();
});

function expectFrameworkEvents(events: WireEvent[]): void {
  expect(events.slice(0, 3).map((event) => event.type)).toEqual(["message_id", "conversation_id", "conversation_summary"]);
  expect(events[0]!.content.message_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(events[1]!.content.conversation_id).toMatch(/^[0-9a-f-]{36}$/);
}

describe("ragbits api run main.ts:EchoChat --port 0 --host 127.0.0.1 --debug --cors-origin ×2 --theme theme.css", () => {
  let server: CliProcess;
  let url: string;

  beforeAll(async () => {
    server = spawnCli(
      ["api", "run", "main.ts:EchoChat", "--port", "0", "--host", "127.0.0.1", "--debug", "--cors-origin", "http://a.example", "--cors-origin", "http://b.example", "--theme", "theme.css"],
      project.dir,
    );
    url = await waitForUrl(server);
  });

  afterAll(async () => {
    if (server) await stopTree(server);
  });

  it("prints the URL it listens on: the host asked for and the free port it got", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(url).port)).toBeGreaterThan(0);
    expect(server.stdout).toContain(`Ragbits chat is running at ${url}`);
    expect(server.exit).toBeUndefined();
  });

  it('says "running" once: the banner, not a log line as well', () => {
    expect(`${server.stdout}${server.stderr}`.match(/running/gi)).toHaveLength(1);
  });

  it("answers /api/config with debug_mode on and everything else at its defaults", async () => {
    const response = await get(`${url}/api/config`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      feedback: { like: { enabled: false, form: null }, dislike: { enabled: false, form: null } },
      customization: null,
      user_settings: { form: null },
      supports_upload: false,
      debug_mode: true,
      conversation_history: false,
      show_usage: false,
      authentication: { enabled: false, auth_types: [], oauth2_providers: [] },
    });
  });

  it.each(["http://a.example", "http://b.example"])("allows a browser preflight from %s (each --cors-origin counts)", async (origin) => {
    const response = await fetch(`${url}/api/chat`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(origin);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("content-type");
  });

  it("does not allow an origin that was not listed (preflight and simple request)", async () => {
    const preflight = await fetch(`${url}/api/chat`, {
      method: "OPTIONS",
      headers: { origin: "http://evil.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      signal: AbortSignal.timeout(10_000),
    });
    // Without Access-Control-Allow-Origin the browser refuses the request (the cors middleware still
    // adds its other allow-* headers; they grant nothing on their own).
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const simple = await get(`${url}/api/config`, { origin: "http://evil.example" });
    expect(simple.status).toBe(200);
    expect(simple.headers.get("access-control-allow-origin")).toBeNull();
    await simple.arrayBuffer();
  });

  it("serves the --theme file at /api/theme as CSS", async () => {
    const response = await get(`${url}/api/theme`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/css/);
    expect(await response.text()).toBe(THEME_CSS);
  });

  it("streams a chat answer from the user's TypeScript class, history included", async () => {
    const events = await chat(url, {
      message: "tell me more",
      history: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "hello" },
      ],
    });
    expectFrameworkEvents(events);
    expect(events[2]!.content).toEqual({ summary: "tell me more" });
    expect(events.slice(3)).toEqual([
      { type: "text", content: { text: "v1 " } },
      { type: "text", content: { text: "tell " } },
      { type: "text", content: { text: "me " } },
      { type: "text", content: { text: "more " } },
      { type: "text", content: { text: "(after 2 messages)" } },
    ]);
  });
});

describe("--auth", () => {
  afterEach(stopAll);

  it("auth.ts:users (a ListAuthentication) turns credentials login on; the module may be named without extension", async () => {
    const server = spawnCli(["api", "run", "main:EchoChat", "--port", "0", "--auth", "auth.ts:users"], project.dir);
    const url = await waitForUrl(server);

    const config = await (await get(`${url}/api/config`)).json();
    expect(config.authentication).toEqual({ enabled: true, auth_types: ["credentials"], oauth2_providers: [] });
    expect(config.debug_mode).toBe(false);

    const anonymous = await postJson(`${url}/api/chat`, { message: "hi" });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ detail: expect.any(String) });
    expect((await get(`${url}/api/user`)).status).toBe(401);

    const wrong = await postJson(`${url}/api/auth/login`, { username: USER.username, password: "wrong" });
    expect(wrong.status).toBe(401);
    await wrong.arrayBuffer();

    const login = await postJson(`${url}/api/auth/login`, USER);
    expect(login.status).toBe(200);
    expect(await login.json()).toMatchObject({ success: true, user: { username: USER.username } });
    const cookie = login.headers.get("set-cookie")?.split(";")[0];
    expect(cookie).toMatch(/^ragbits_session=.+/);

    const events = await chat(url, { message: "signed in" }, { cookie: cookie! });
    expect(textOf(events)).toBe("v1 signed in (after 0 messages)");
  });
});

describe("--ui-build-dir", () => {
  afterEach(stopAll);

  it("serves that directory's index.html at / (and for client-side routes) and its assets", async () => {
    const server = spawnCli(["api", "run", "./main.ts:EchoChat", "--port", "0", "--ui-build-dir", "ui"], project.dir);
    const url = await waitForUrl(server);

    const index = await get(`${url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toMatch(/^text\/html/);
    // The server adds a <base> so the page's relative asset URLs resolve from the mount point.
    const servedHtml = UI_INDEX_HTML.replace("<head>", '<head><base href="/">');
    expect(await index.text()).toBe(servedHtml);

    const route = await get(`${url}/conversations/123`);
    expect(await route.text()).toBe(servedHtml);

    const asset = await get(`${url}/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe(UI_ASSET_JS);

    // The API keeps its own routes next to the UI.
    const unknownApi = await get(`${url}/api/nope`);
    expect(unknownApi.status).toBe(404);
    expect(await unknownApi.json()).toEqual({ detail: expect.any(String) });
  });
});

describe("stopping", () => {
  afterEach(stopAll);

  it("Ctrl-C (SIGINT to the process group) closes the server and exits 0", async () => {
    const server = spawnCli(["api", "run", "main.ts:EchoChat", "--port", "0"], project.dir);
    const url = await waitForUrl(server);
    expect((await get(`${url}/api/config`)).status).toBe(200);
    process.kill(-server.pid, "SIGINT");
    const exit = await waitForExit(server, 15_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    // Stopping looks like stopping: one line, nothing on stderr.
    expect(exit.stdout.match(/^Stopped\.$/gm)).toHaveLength(1);
    expect(exit.stderr).toBe("");
    await expect(get(`${url}/api/config`, {}, 5_000)).rejects.toThrow();
  });
});

describe("--reload", () => {
  afterEach(stopAll);
  afterEach(() => project.write("main.ts", project.read("main.ts").replace('"v2 "', '"v1 "')));

  it("restarts when main.ts changes, so the next answer comes from the edited code; SIGTERM ends the whole tree", async () => {
    const server = spawnCli(["api", "run", "main.ts:EchoChat", "--port", "0", "--reload"], project.dir);
    const firstUrl = await waitForUrl(server);
    expect(textOf(await chat(firstUrl, { message: "ping" }))).toBe("v1 ping (after 0 messages)");

    // Data the app writes (a history file, logs) is not source: it must not restart the server.
    project.write("history.jsonl", '{"a":1}\n');
    project.write("server.log", "noise\n");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.stdout).not.toContain("change detected");

    project.write("main.ts", project.read("main.ts").replace('"v1 "', '"v2 "'));

    // Each restart listens on a new free port (--port 0): ask the latest announced URL until the new code answers.
    const answer = await poll(
      async () => {
        const latest = announcedUrls(server.stdout).at(-1)!;
        if (latest === firstUrl) return undefined;
        const text = textOf(await chat(latest, { message: "ping" }));
        return text.startsWith("v2 ") ? { url: latest, text } : undefined;
      },
      "an answer from the edited main.ts",
      45_000,
      200,
    );
    expect(answer.text).toBe("v2 ping (after 0 messages)");
    expect(server.stdout).toContain("change detected, restarting");
    expect(server.stdout).not.toContain("server exited");
    // The first server is gone: its port no longer answers.
    await expect(get(`${firstUrl}/api/config`, {}, 5_000)).rejects.toThrow();

    // A process manager stops the CLI (its pid only): the server child goes with it.
    process.kill(server.pid, "SIGTERM");
    const exit = await waitForExit(server, 15_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    await poll(
      async () => {
        try {
          await get(`${answer.url}/api/config`, {}, 2_000);
          return undefined;
        } catch {
          return true;
        }
      },
      "the restarted server to stop listening",
      10_000,
    );
  });
});

describe("errors: exit code 1 and a message naming the problem", () => {
  afterEach(stopAll);

  const cases: Array<[string, string[], RegExp]> = [
    ["a missing file", ["api", "run", "missing.ts:EchoChat"], /^ragbits: error: Cannot find module "missing\.ts"/m],
    ["a missing file with --reload", ["api", "run", "missing.ts:EchoChat", "--reload"], /^ragbits: error: Cannot find module "missing\.ts"/m],
    ["a missing export (the available ones are listed)", ["api", "run", "main.ts:Missing"], /^ragbits: error: .*main\.ts has no export "Missing"; it exports: EchoChat, NotAChat, greeting$/m],
    ["an export that is not a ChatInterface", ["api", "run", "main.ts:NotAChat"], /^ragbits: error: "NotAChat" in .*main\.ts is not a ChatInterface/m],
    ["an --auth export that is not an authentication backend", ["api", "run", "main.ts:EchoChat", "--auth", "main.ts:greeting"], /^ragbits: error: "greeting" in .*main\.ts is not an authentication backend/m],
    ["a --theme file that does not exist", ["api", "run", "main.ts:EchoChat", "--theme", "nope.css"], /^ragbits: error: --theme: .*nope\.css does not exist$/m],
    ["a --ui-build-dir without index.html", ["api", "run", "main.ts:EchoChat", "--ui-build-dir", "nodir"], /^ragbits: error: --ui-build-dir: .*nodir has no index\.html/m],
    ["a target without a colon", ["api", "run", "main.ts"], /^ragbits: error: "main\.ts" is not <module>:<Export>/m],
    ["a port that is not a number", ["api", "run", "main.ts:EchoChat", "--port", "http"], /--port <port>' argument 'http' is invalid\. expected a port number between 0 and 65535/],
    ["a port out of range", ["api", "run", "main.ts:EchoChat", "--port", "70000"], /--port <port>' argument '70000' is invalid\. expected a port number between 0 and 65535/],
  ];

  it.each(cases)("%s", async (_name, args, message) => {
    const result = await waitForExit(spawnCli(args, project.dir), 30_000);
    expect(result.stderr).toMatch(message);
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 1, signal: null });
    expect(result.stdout).not.toContain("running at");
    // A user-facing message, not a stack trace.
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe("one copy of the library at run time", () => {
  afterEach(stopAll);

  it("the built CLI holds no copy of the library: it imports the package's own entry", () => {
    const source = readFileSync(CLI, "utf8");
    expect(source).toContain('"@ragbits/chat"');
    expect(source).not.toMatch(/class RagbitsAPI|class ChatInterface|Invalid state signature|RAGBITS_SECRET_KEY/);
  });

  // Without RAGBITS_SECRET_KEY every copy of the library would warn on its own: one warning means one copy.
  it.each([
    ["an ESM project", "module"],
    ["a CommonJS project (npm's default), whose .ts files tsx runs as CommonJS", "commonjs"],
  ])("%s: the user's ChatInterface subclass is served and the secret-key warning prints once", async (_name, type) => {
    const user = new UserProject();
    try {
      user.write("package.json", JSON.stringify({ name: "my-chat", private: true, type }));
      const server = spawnCli(["api", "run", "main.ts:EchoChat", "--port", "0"], user.dir, { RAGBITS_SECRET_KEY: undefined });
      const url = await waitForUrl(server);
      expect(textOf(await chat(url, { message: "one copy" }))).toBe("v1 one copy (after 0 messages)");
      const output = `${server.stdout}${server.stderr}`;
      expect(output.match(/RAGBITS_SECRET_KEY is not set/g)).toHaveLength(1);
      expect(output.match(/running/gi)).toHaveLength(1);
    } finally {
      await stopAll();
      user.remove();
    }
  });
});

describe("a syntax error in the user's file", () => {
  afterEach(stopAll);

  // Line 2, and the ";" is the 26th character of it.
  const BROKEN_TS = 'export const fine = 1;\nexport const broken = 1 +;\n';

  it("names the file, line, column and message and shows the line; no stack, no esbuild internals", async () => {
    project.write("broken.ts", BROKEN_TS);
    const result = await waitForExit(spawnCli(["api", "run", "broken.ts:Chat"], project.dir), 30_000);
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 1, signal: null });
    expect(result.stderr).toMatch(/^ragbits: error: \/.*\/broken\.ts:2:26: syntax error: Unexpected ";"$/m);
    expect(result.stderr).toContain("  2 | export const broken = 1 +;\n    |                          ^\n");
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).not.toMatch(/esbuild|Transform failed/);
    expect(result.stderr.trim().split("\n")).toHaveLength(3);
  });

  it("--debug adds the stack trace", async () => {
    project.write("broken.ts", BROKEN_TS);
    const result = await waitForExit(spawnCli(["api", "run", "broken.ts:Chat", "--debug"], project.dir), 30_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken\.ts:2:26: syntax error: Unexpected ";"/);
    expect(result.stderr).toMatch(/^\s+at /m);
  });
});

describe("a port in use", () => {
  afterEach(stopAll);

  it("says which port and how to choose another (--port), without a stack trace", async () => {
    const occupier = createServer();
    await new Promise<void>((resolve) => occupier.listen(0, "127.0.0.1", resolve));
    const { port } = occupier.address() as AddressInfo;
    try {
      const result = await waitForExit(spawnCli(["api", "run", "main.ts:EchoChat", "--port", String(port)], project.dir), 30_000);
      expect({ code: result.code, signal: result.signal }).toEqual({ code: 1, signal: null });
      expect(result.stderr).toMatch(new RegExp(`^ragbits: error: port ${port} on 127\\.0\\.0\\.1 is already in use.*choose another port with --port`, "m"));
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr).not.toContain("EADDRINUSE");
      expect(result.stdout).not.toContain("running at");
    } finally {
      occupier.close();
    }
  });
});

describe("--reload through a syntax error", () => {
  afterEach(stopAll);
  afterEach(() => project.write("main.ts", project.read("main.ts").replace('"v3 "', '"v1 "').replace("  yield +;\n", "")));

  it("keeps watching while main.ts does not compile, restarts once it is fixed; node_modules is not watched; Ctrl+C stops with one line", async () => {
    const server = spawnCli(["api", "run", "main.ts:EchoChat", "--port", "0", "--reload"], project.dir);
    const firstUrl = await waitForUrl(server);

    project.write("node_modules/some-dependency/index.js", "module.exports = 1;\n");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.stdout).not.toContain("change detected");

    project.write("main.ts", project.read("main.ts").replace("  async *chat(", "  yield +;\n  async *chat("));
    await waitForOutput(server, (stdout) => (stdout.includes("waiting for a file change to restart") ? true : undefined), "the broken child to exit", 30_000);
    expect(server.stderr).toMatch(/^ragbits: error: \/.*\/main\.ts:\d+:\d+: syntax error: /m);
    expect(server.stderr).not.toMatch(/^\s+at /m);
    expect(server.exit).toBeUndefined();

    project.write("main.ts", project.read("main.ts").replace("  yield +;\n", "").replace('"v1 "', '"v3 "'));
    const url = await waitForUrl(server, 2);
    expect(url).not.toBe(firstUrl);
    expect(textOf(await chat(url, { message: "fixed" }))).toBe("v3 fixed (after 0 messages)");

    process.kill(-server.pid, "SIGINT");
    const exit = await waitForExit(server, 15_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.stdout.match(/^Stopped\.$/gm)).toHaveLength(1);
  });
});
