import { toOllamaRequestBody } from "./ollama-request";

const context = { provider: "ollama", model: "llava" };

describe("toOllamaRequestBody", () => {
  it("sends data: images as bare base64 and refuses remote URLs with a clear error", () => {
    const body = toOllamaRequestBody({ messages: [{ role: "user", content: [{ type: "text", text: "What?" }, { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" } }] }], options: {} }, "llava", context);
    expect(body.messages).toEqual([{ role: "user", content: "What?", images: ["/9j/4AAQ"] }]);
    expect(() => toOllamaRequestBody({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }], options: {} }, "llava", context)).toThrow(/data: URLs/);
  });

  it("maps reasoning effort to think, honours tool choice none, and merges provider model options", () => {
    const body = toOllamaRequestBody(
      { messages: [], options: { reasoningEffort: "high", temperature: 0.1, providerOptions: { ollama: { keep_alive: "5m", options: { num_ctx: 8192 } } } }, tools: [{ type: "function", function: { name: "f" } }], toolChoice: "none" },
      "qwen3",
      context,
    );
    expect(body).toMatchObject({ think: "high", keep_alive: "5m", options: { temperature: 0.1, num_ctx: 8192 } });
    expect(body).not.toHaveProperty("tools");
  });
});
