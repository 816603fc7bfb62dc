/**
 * What `ragbits api run` says and does at start-up, as a user sees it: a model without its provider
 * key is warned about before the first chat (and the chat's answer says the server is not
 * configured), `--csp` picks the Content-Security-Policy, `--theme` takes a HeroUI JSON theme, and a
 * form schema or theme file the UI could not use stops the start with a one-line error.
 */
import { existsSync } from "node:fs";
import { CLI, type CliProcess, spawnCli, stopAll, stopTree, waitForExit, waitForUrl } from "./cli-fixtures/cli-process";
import { type WireEvent, chat, get } from "./cli-fixtures/http";
import { UserProject } from "./cli-fixtures/user-project";

jest.setTimeout(90_000);

// Exactly what describe-error.ts tells a user whose server's model is not set up (written out here).
const NOT_CONFIGURED = "This server is not configured to answer yet: its model is not set up (the server log says what is missing).";

/** No provider configuration reaches the server: the start-up check must find the key missing. */
const NO_PROVIDER_ENV = { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, ANTHROPIC_API_KEY: undefined, RAGBITS_LOG_FORMAT: "json" };

const KEYLESS_TS = `import { type ChatContext, ChatInterface, type ChatResponse } from "@ragbits/chat";
import { type ChatFormat, LiteLLM } from "@ragbits/core";

export class TutorialChat extends ChatInterface {
  llm = new LiteLLM({ modelName: "gpt-4o-mini" });

  async *chat(message: string, history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    for await (const chunk of this.llm.generateStreaming([...history, { role: "user", content: message }])) {
      yield this.createTextResponse(chunk);
    }
  }
}
`;

const FORMS_TS = `import { type ChatContext, ChatInterface, type ChatResponse } from "@ragbits/chat";

class Validator {
  rules = ["required"];
}

export class OddFormChat extends ChatInterface {
  override userSettings = { form: new Validator() as unknown as Record<string, unknown> };

  async *chat(message: string, _history: unknown, _context: ChatContext): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse(message);
  }
}
`;

const HEROUI_THEME = {
  themes: {
    light: { colors: { background: "#fdfcfb", foreground: "#2a1f14", primary: { "100": "#fbe3c8", DEFAULT: "#c46a12", foreground: "#ffffff" } } },
    dark: { colors: { background: "#17110b", foreground: "#f3e6d8", primary: { "100": "#5c340c", DEFAULT: "#f0a04b", foreground: "#1a0f04" } } },
  },
  layout: { radius: { small: "4px", large: "12px" } },
};

let project: UserProject;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm --filter @ragbits/chat build\` first`);
  project = new UserProject();
  project.write("keyless.ts", KEYLESS_TS);
  project.write("forms.ts", FORMS_TS);
  project.write("theme.json", JSON.stringify(HEROUI_THEME, null, 2));
  project.write("broken-theme.json", '{\n  "themes": {\n    "light": { "colors": { "background": "#fff", } }\n  }\n}\n');
});

afterAll(async () => {
  await stopAll();
  project?.remove();
});

/** The JSON log lines the server printed (RAGBITS_LOG_FORMAT=json). */
function logLines(output: string): Array<Record<string, any>> {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, any>);
}

describe("a model without its provider key", () => {
  let server: CliProcess;
  let url: string;

  beforeAll(async () => {
    server = spawnCli(["api", "run", "keyless.ts:TutorialChat", "--port", "0"], project.dir, NO_PROVIDER_ENV);
    url = await waitForUrl(server);
  });

  afterAll(async () => {
    if (server) await stopTree(server);
  });

  it("is warned about once, before the server says it is running: which model, which variable, and the offline alternative", () => {
    const warnings = logLines(server.stdout).filter((line) => line.level === 40 && /cannot answer/.test(line.msg));
    expect(warnings).toHaveLength(1);
    const [warning] = warnings;
    expect(warning).toMatchObject({ field: "llm", provider: "openai", model: "gpt-4o-mini" });
    expect(warning!.msg).toMatch(/^TutorialChat\.llm cannot answer: openai \(gpt-4o-mini\): no API key: set the OPENAI_API_KEY environment variable/);
    expect(warning!.msg).toContain("every answer is an error saying this server is not configured");
    expect(warning!.msg).toContain("MockLLM");
    // Said at start: before the banner.
    expect(server.stdout.indexOf("cannot answer")).toBeLessThan(server.stdout.indexOf("Ragbits chat is running at"));
  });

  it("answers a chat with an error event saying the server is not configured, not 'please try again'", async () => {
    const events: WireEvent[] = await chat(url, { message: "hello" });
    const errors = events.filter((event) => event.type === "error");
    expect(errors).toEqual([{ type: "error", content: { message: NOT_CONFIGURED } }]);
    expect(JSON.stringify(events)).not.toMatch(/try again/i);
  });
});

describe("--csp and the UI being served", () => {
  afterEach(stopAll);

  const cspOf = async (args: string[]): Promise<string | null> => {
    const server = spawnCli(["api", "run", "main.ts:EchoChat", "--port", "0", ...args], project.dir);
    const url = await waitForUrl(server);
    return (await get(`${url}/`)).headers.get("content-security-policy");
  };

  it("a --ui-build-dir build gets the relaxed policy by default; --csp strict restores the strict one; off sends none; a policy is sent as written", async () => {
    const relaxed = await cspOf(["--ui-build-dir", "ui"]);
    expect(relaxed).toContain("script-src 'self' 'unsafe-eval'");
    expect(relaxed).toContain("style-src 'self' 'unsafe-inline' https:");
    const strict = await cspOf(["--ui-build-dir", "ui", "--csp", "strict"]);
    expect(strict).toContain("script-src 'self';");
    expect(strict).not.toContain("unsafe");
    expect(await cspOf(["--csp", "off"])).toBeNull();
    expect(await cspOf(["--csp", "default-src 'self'; img-src *"])).toBe("default-src 'self'; img-src *");
  });

  it("a --csp that is neither a keyword nor a policy stops the start", async () => {
    const result = await waitForExit(spawnCli(["api", "run", "main.ts:EchoChat", "--csp", "stict"], project.dir), 30_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--csp <policy>' argument 'stict' is invalid\. expected strict, relaxed, off, or a policy .*\("stict" is not a directive\)/);
  });
});

describe("--theme with a HeroUI JSON theme", () => {
  afterEach(stopAll);

  it("serves it as CSS at /api/theme, light and dark", async () => {
    const server = spawnCli(["api", "run", "main.ts:EchoChat", "--port", "0", "--theme", "theme.json"], project.dir);
    const url = await waitForUrl(server);
    const response = await get(`${url}/api/theme`);
    expect(response.headers.get("content-type")).toBe("text/css; charset=utf-8");
    const css = await response.text();
    expect(css).toMatch(/:root \{[^}]*--rb-bg: #fdfcfb;[^}]*--rb-accent: #c46a12;[^}]*--rb-radius: 12px;[^}]*\}/);
    expect(css).toMatch(/:root\[data-theme="dark"\],\n\.dark \{[^}]*--rb-bg: #17110b;[^}]*--rb-accent: #f0a04b;[^}]*\}/);
  });

  it("stops the start on invalid JSON, naming the file, line and column", async () => {
    const result = await waitForExit(spawnCli(["api", "run", "main.ts:EchoChat", "--theme", "broken-theme.json"], project.dir), 30_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ragbits: error: --theme: .*broken-theme\.json is not valid JSON: .*line 3,? column 50/m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).not.toContain("running at");
  });
});

describe("a form schema the UI could not use", () => {
  afterEach(stopAll);

  it("stops the start with one line naming the form and what to use", async () => {
    const result = await waitForExit(spawnCli(["api", "run", "forms.ts:OddFormChat", "--port", "0"], project.dir), 30_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ragbits: error: userSettings\.form: an instance of Validator is neither a zod schema nor a JSON Schema object\. Use zod 4 or zod 3 \(npm install zod\)/m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).not.toContain("running at");
  });
});
