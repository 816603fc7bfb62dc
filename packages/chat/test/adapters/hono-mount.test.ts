/**
 * RagbitsAPI.fetch mounted under a path of a Hono app served by @hono/node-server, as the README's
 * "Mount anywhere" section shows: the app's own routes keep working, and under the mount the chat
 * streams, /api/config answers, the UI's page points its <base> at the mount and the client address
 * reaches the handler.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HttpBindings, serve } from "@hono/node-server";
import { Hono } from "hono";
import pino from "pino";
import { ListAuthentication, RagbitsAPI, StateSigner } from "../../src";
import { RagbitsChatClient } from "../../src/client";
import { ScriptedChat, pause, untilAborted } from "../helpers/scripted-chat";

const INDEX_HTML = '<!doctype html><html><head><title>UI</title><script type="module" src="./assets/app-1234.js"></script></head><body></body></html>';

let uiDir: string;
let chat: ScriptedChat;
let api: RagbitsAPI;
let guardedApi: RagbitsAPI;
let server: Server;
let url: string;

beforeAll(async () => {
  uiDir = mkdtempSync(join(tmpdir(), "ragbits-hono-ui-"));
  mkdirSync(join(uiDir, "assets"));
  writeFileSync(join(uiDir, "index.html"), INDEX_HTML);
  writeFileSync(join(uiDir, "assets", "app-1234.js"), "console.log('ui');\n");

  chat = new ScriptedChat(async function* (turn, self) {
    if (turn.message === "endless") {
      for (let index = 0; !turn.context.signal.aborted; index++) {
        yield self.createTextResponse(`word${index} `);
        await pause(10);
      }
      return;
    }
    yield self.createTextResponse(`Echo: ${turn.message}`);
    await untilAborted(AbortSignal.timeout(20));
    yield self.createTextResponse(" (mounted)");
  });
  chat.uiCustomization = { header: { title: "Mounted in Hono", subtitle: null, logo: null } };
  const logger = pino({ level: "silent" });
  api = new RagbitsAPI(chat, { uiBuildDir: uiDir, logger, stateSigner: new StateSigner("hono-mount-secret") });
  guardedApi = new RagbitsAPI(new ScriptedChat(function* () {}), {
    uiBuildDir: uiDir,
    logger,
    auth: new ListAuthentication([{ username: "ann", password: "right" }]),
    loginRateLimit: { maxFailures: 2, windowMs: 60_000 },
  });

  const app = new Hono<{ Bindings: HttpBindings }>();
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.all("/chat/*", (c) => api.fetch(c.req.raw, { basePath: "/chat", remoteAddress: c.env.incoming.socket.remoteAddress }));
  app.all("/guarded/*", (c) => guardedApi.fetch(c.req.raw, { basePath: "/guarded", remoteAddress: c.env.incoming.socket.remoteAddress }));

  server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(started as Server));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await api.close();
  await guardedApi.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(uiDir, { recursive: true, force: true });
});

describe("RagbitsAPI.fetch mounted in Hono on @hono/node-server", () => {
  it("leaves Hono's own routes to Hono", async () => {
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    // Outside the mount, Hono answers: the chat's API lives under /chat only.
    const outside = await fetch(`${url}/api/config`);
    expect(outside.status).toBe(404);
    expect(await outside.text()).toBe("404 Not Found");
  });

  it("streams a chat under the mount to @ragbits/chat/client, events in order", async () => {
    const client = new RagbitsChatClient({ baseUrl: `${url}/chat` });
    const result = await client.run("hello hono");
    expect(result.events.map((event) => event.type)).toEqual(["message_id", "conversation_id", "conversation_summary", "text", "text"]);
    expect(result.text).toBe("Echo: hello hono (mounted)");
    expect(chat.turns.at(-1)!.message).toBe("hello hono");
  });

  it("aborts the turn when the client goes away", async () => {
    const client = new RagbitsChatClient({ baseUrl: `${url}/chat` });
    let words = 0;
    for await (const response of client.runStreaming("endless")) {
      if (response.type === "text" && ++words === 3) break;
    }
    const turn = chat.turns.at(-1)!;
    expect(turn.message).toBe("endless");
    await turn.ended;
    expect(turn.context.signal.aborted).toBe(true);
  });

  it("answers /api/config and the handler's 404 JSON under the mount", async () => {
    const config = await fetch(`${url}/chat/api/config`);
    expect(config.status).toBe(200);
    expect((await config.json()).customization.header.title).toBe("Mounted in Hono");
    const unknown = await fetch(`${url}/chat/api/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ detail: "Not found: GET /api/nothing-here" });
  });

  it("serves the UI under the mount with <base href=\"/chat/\">, at the mount and at deep links", async () => {
    for (const path of ["/chat/", "/chat/conversations/42"]) {
      const page = await fetch(`${url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(await page.text()).toBe(INDEX_HTML.replace("<head>", '<head><base href="/chat/">'));
    }
    const asset = await fetch(`${url}/chat/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe("console.log('ui');\n");
  });

  it("hands the client address from Hono's Node bindings to the handler: the login limit counts per address", async () => {
    const statuses: number[] = [];
    // Different usernames, one address: only the per-address limit can refuse the third attempt.
    for (const username of ["bob", "carol", "dave"]) {
      const response = await fetch(`${url}/guarded/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password: "wrong" }) });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses).toEqual([401, 401, 429]);
  });
});
