/**
 * Scenario 2/3 server (c): what a developer writes with the Vercel AI SDK on Express, following
 * its docs: UI messages in, `convertToModelMessages`, `streamText` with the OpenAI provider
 * (chat completions), `pipeUIMessageStreamToResponse` out. Plus what a careful developer adds:
 * the model call is aborted when the client goes away.
 */
import { type AddressInfo } from "node:net";
import { createOpenAI } from "@ai-sdk/openai";
import { type UIMessage, convertToModelMessages, streamText } from "ai";
import express from "express";
import { serveParent } from "../process/serve-parent";
import { upstreamBaseUrlFromEnv } from "./server-target";

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
const model = createOpenAI({ baseURL: upstreamBaseUrlFromEnv(), apiKey: "sk-bench-not-a-real-key" }).chat("gpt-4o-mini");

const app = express();
app.disable("x-powered-by");
app.use(express.json());
app.post("/api/chat", async (req, res) => {
  const { messages } = req.body as { messages: UIMessage[] };
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const result = streamText({ model, messages: await convertToModelMessages(messages), abortSignal: controller.signal });
  result.pipeUIMessageStreamToResponse(res);
});

const server = app.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  serveParent({}, { url: `http://127.0.0.1:${port}` });
});
