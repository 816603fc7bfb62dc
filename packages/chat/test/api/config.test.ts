import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AddressInfo } from "node:net";
import pino from "pino";
import { z } from "zod";
import { type ChatContext, ChatInterface, type ChatResponse, ListAuthentication, RagbitsAPI, type RunningServer } from "../../src";
import { gate, pause } from "../helpers/scripted-chat";
import { TEST_SIGNER, postChat, startApi, waitFor } from "../helpers/start-api";

class Bare extends ChatInterface {
  async *chat(_message: string, _history: unknown, _context: ChatContext): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse("hi");
  }
}

describe("GET /api/config", () => {
  it("is byte for byte the protocol's default for a bare ChatInterface", async () => {
    const server = await startApi(Bare);
    try {
      const response = await fetch(`${server.url}/api/config`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await response.text()).toBe(
        '{"feedback":{"like":{"enabled":false,"form":null},"dislike":{"enabled":false,"form":null}},' +
          '"customization":null,"user_settings":{"form":null},"supports_upload":false,"debug_mode":false,' +
          '"conversation_history":false,"show_usage":false,' +
          '"authentication":{"enabled":false,"auth_types":[],"oauth2_providers":[]}}',
      );
    } finally {
      await server.close();
    }
  });

  it("says in the x-ragbits-theme header whether /api/theme has a stylesheet, so the UI asks only then", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ragbits-theme-"));
    const themePath = join(dir, "theme.css");
    writeFileSync(themePath, ":root { --accent: red; }");
    const without = await startApi(Bare);
    const withTheme = await startApi(Bare, { themePath, corsOrigins: ["http://app.example"] });
    try {
      expect((await fetch(`${without.url}/api/config`)).headers.get("x-ragbits-theme")).toBe("none");
      const themed = await fetch(`${withTheme.url}/api/config`, { headers: { origin: "http://app.example" } });
      expect(themed.headers.get("x-ragbits-theme")).toBe("css");
      // A UI on another origin may read it.
      expect(themed.headers.get("access-control-expose-headers")).toContain("x-ragbits-theme");
      expect(await (await fetch(`${withTheme.url}/api/theme`)).text()).toBe(":root { --accent: red; }");
    } finally {
      await without.close();
      await withTheme.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reflects every class field, converting zod forms to JSON Schema", async () => {
    class Configured extends Bare {
      override feedbackConfig = {
        like: { enabled: true, form: z.object({ reason: z.string().describe("Why?") }) },
        dislike: { enabled: true, form: { type: "object", properties: { issue: { type: "string", enum: ["wrong", "rude"] } }, required: ["issue"] } },
      };
      override uiCustomization = { header: { title: "Helpdesk" }, welcomeMessage: "**Hi**", starterQuestions: ["How?"], meta: { pageTitle: "Help" } };
      override userSettings = { form: z.object({ language: z.enum(["en", "pl"]) }) };
      override conversationHistory = true;
      override showUsage = true;
      override uploadHandler = async () => {};
    }
    const server = await startApi(Configured, { debugMode: true, auth: new ListAuthentication([{ username: "ann", password: "secret" }]) });
    try {
      const config = await (await fetch(`${server.url}/api/config`)).json();
      expect(config.feedback.like).toEqual({ enabled: true, form: expect.objectContaining({ type: "object", properties: { reason: { type: "string", description: "Why?" } }, required: ["reason"] }) });
      expect(config.feedback.dislike.form.required).toEqual(["issue"]);
      expect(config.customization).toEqual({
        header: { title: "Helpdesk", subtitle: null, logo: null },
        welcome_message: "**Hi**",
        starter_questions: ["How?"],
        meta: { favicon: null, page_title: "Help" },
      });
      expect(config.user_settings.form.properties.language).toEqual({ type: "string", enum: ["en", "pl"] });
      expect(config).toMatchObject({ supports_upload: true, debug_mode: true, conversation_history: true, show_usage: true });
      expect(config.authentication).toEqual({ enabled: true, auth_types: ["credentials"], oauth2_providers: [] });
    } finally {
      await server.close();
    }
  });

  it("answers only after setup() has finished, which runs once", async () => {
    const setupDone = gate();
    let setups = 0;
    class Slow extends Bare {
      ready = false;
      override async setup() {
        setups++;
        await setupDone.opened;
        this.ready = true;
      }
      override async *chat(_message: string, _history: unknown, _context: ChatContext): AsyncGenerator<ChatResponse> {
        yield this.createTextResponse(this.ready ? "ready" : "not ready");
      }
    }
    // Mounted in the caller's own server (`.app`), requests can arrive before setup() is over.
    const api = new RagbitsAPI(Slow, { logger: pino({ level: "silent" }), stateSigner: TEST_SIGNER });
    const server = createServer(api.app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const answered: string[] = [];
      const chat = postChat(url, { message: "hi" }).then((result) => {
        answered.push("chat");
        return result;
      });
      const config = fetch(`${url}/api/config`).then((response) => {
        answered.push("config");
        return response;
      });
      await waitFor(() => setups === 1, 2_000, "the first request to start setup()");
      await pause(100);
      expect(answered).toEqual([]);

      setupDone.open();
      const [chatResult, configResponse] = await Promise.all([chat, config]);
      expect(chatResult.status).toBe(200);
      expect(chatResult.events.filter((event) => event.type === "text")).toEqual([{ type: "text", content: { text: "ready" } }]);
      expect(configResponse.status).toBe(200);
      await api.setup();
      expect(setups).toBe(1);
    } finally {
      setupDone.open();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("listens only once setup() has finished when started with run()", async () => {
    const setupDone = gate();
    let setups = 0;
    class Slow extends Bare {
      override async setup() {
        setups++;
        await setupDone.opened;
      }
    }
    const api = new RagbitsAPI(Slow, { logger: pino({ level: "silent" }), stateSigner: TEST_SIGNER });
    let running: RunningServer | undefined;
    const started = api.run({ host: "127.0.0.1", port: 0 }).then((handle) => (running = handle));
    try {
      await pause(100);
      expect(setups).toBe(1);
      expect(running).toBeUndefined();

      setupDone.open();
      const { url } = await started;
      const answer = await postChat(url, { message: "hi" });
      expect(answer.events.filter((event) => event.type === "text")).toEqual([{ type: "text", content: { text: "hi" } }]);
      expect(setups).toBe(1);
    } finally {
      setupDone.open();
      await (await started).close();
    }
  });
});
