/**
 * The Node ways to mount RagbitsAPI in an app of your own, as the README's "Mount anywhere" section
 * shows: `.router()` under a path of an Express app, and `.handleNode()` inside a plain node:http
 * server. The app's own routes keep working; under the mount the chat streams, /api/config answers
 * and the UI's page points its <base> at the mount.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import pino from "pino";
import { RagbitsAPI, StateSigner } from "../../src";
import { RagbitsChatClient } from "../../src/client";
import { ScriptedChat } from "../helpers/scripted-chat";

const INDEX_HTML = "<!doctype html><html><head><title>UI</title></head><body></body></html>";

let uiDir: string;
let api: RagbitsAPI;
const servers: Server[] = [];

beforeAll(() => {
  uiDir = mkdtempSync(join(tmpdir(), "ragbits-express-ui-"));
  mkdirSync(join(uiDir, "assets"));
  writeFileSync(join(uiDir, "index.html"), INDEX_HTML);
  const chat = new ScriptedChat(function* (turn, self) {
    yield self.createTextResponse(`Echo: ${turn.message}`);
  });
  chat.uiCustomization = { header: { title: "Mounted in Node", subtitle: null, logo: null } };
  api = new RagbitsAPI(chat, { uiBuildDir: uiDir, logger: pino({ level: "silent" }), stateSigner: new StateSigner("node-mount-secret") });
});

afterAll(async () => {
  await api.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  rmSync(uiDir, { recursive: true, force: true });
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("RagbitsAPI.router() under a path of an Express app", () => {
  let url: string;

  beforeAll(async () => {
    const app = express();
    app.get("/health", (_req, res) => {
      res.json({ status: "ok" });
    });
    app.use("/chat", api.router());
    url = await listen(createServer(app));
  });

  it("leaves the app's own routes to Express", async () => {
    const health = await fetch(`${url}/health`);
    expect(await health.json()).toEqual({ status: "ok" });
    // Outside the mount, Express answers: the chat's API lives under /chat only.
    const outside = await fetch(`${url}/api/config`);
    expect(outside.status).toBe(404);
    expect(await outside.text()).toContain("Cannot GET /api/config");
  });

  it("streams a chat and answers /api/config under the mount", async () => {
    const client = new RagbitsChatClient({ baseUrl: `${url}/chat` });
    const result = await client.run("hello express");
    expect(result.events.map((event) => event.type)).toEqual(["message_id", "conversation_id", "conversation_summary", "text"]);
    expect(result.text).toBe("Echo: hello express");
    expect((await client.getConfig()).customization?.header?.title).toBe("Mounted in Node");
  });

  it("serves the UI's page with <base href=\"/chat/\">", async () => {
    const page = await fetch(`${url}/chat/conversations/7`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(INDEX_HTML.replace("<head>", '<head><base href="/chat/">'));
  });
});

describe("RagbitsAPI.handleNode() in a plain node:http server", () => {
  let url: string;

  beforeAll(async () => {
    const server = createServer((req, res) => {
      if (req.url === "/health") {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
        return;
      }
      void api.handleNode(req, res);
    });
    url = await listen(server);
  });

  it("answers the server's own route, the API and the UI", async () => {
    expect(await (await fetch(`${url}/health`)).text()).toBe("ok");
    const result = await new RagbitsChatClient({ baseUrl: url }).run("hello node");
    expect(result.text).toBe("Echo: hello node");
    const page = await fetch(`${url}/`);
    expect(await page.text()).toBe(INDEX_HTML.replace("<head>", '<head><base href="/">'));
  });
});
