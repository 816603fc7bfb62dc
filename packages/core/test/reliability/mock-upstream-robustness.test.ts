/**
 * Regression test: the mock upstreams of @ragbits/core/testing run inside users' own test processes,
 * so a client that leaves in the middle of its request body must not become an unhandled promise
 * rejection ("Error: aborted"), which would crash a Node process running with the default
 * `--unhandled-rejections=throw`. `handle` awaits the body (`readBody`), whose `for await` over the
 * request rejects when the client aborts; the request listener catches that and destroys the
 * response (`createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()))` in
 * src/testing/mock-upstream-server.ts). Without that catch this test fails.
 */
import { Socket } from "node:net";
import { runInThisContext } from "node:vm";
import { AnthropicMockServer, type MockUpstreamServer, OllamaMockServer, OpenAIMockServer } from "../../src/testing";

const SERVERS: Array<[string, () => Promise<MockUpstreamServer>, string]> = [
  ["OpenAIMockServer", () => OpenAIMockServer.start(), "/v1/chat/completions"],
  ["AnthropicMockServer", () => AnthropicMockServer.start(), "/v1/messages"],
  ["OllamaMockServer", () => OllamaMockServer.start(), "/api/chat"],
];

describe.each(SERVERS)("%s, when a client leaves in the middle of its request body", (_name, start, path) => {
  it("does not cause an unhandled rejection, and keeps serving", async () => {
    // Jest's `process` is a copy whose `on()` never sees the real process's events.
    const realProcess = runInThisContext("process") as NodeJS.Process;
    const rejections: unknown[] = [];
    const record = (reason: unknown) => void rejections.push(reason);
    realProcess.on("unhandledRejection", record);
    const server = await start();
    try {
      const socket = new Socket();
      await new Promise<void>((resolve) => socket.connect(Number(new URL(server.origin).port), "127.0.0.1", resolve));
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model":`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(rejections.map(String)).toEqual([]);
      // Still answering.
      const response = await fetch(`${server.origin}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(response.status).toBeLessThan(500);
      await response.text();
    } finally {
      realProcess.off("unhandledRejection", record);
      await server.close();
    }
  });
});
