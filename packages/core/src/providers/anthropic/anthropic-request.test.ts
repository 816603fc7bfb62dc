import { type Message } from "../../prompt/chat-format";
import { DEFAULT_ANTHROPIC_MAX_TOKENS, toAnthropicMessages, toAnthropicRequestBody } from "./anthropic-request";

const context = { provider: "anthropic", model: "claude-x" };

describe("toAnthropicMessages", () => {
  it("moves every system message to `system` and merges consecutive same-role turns", () => {
    const chat: Message[] = [
      { role: "system", content: "Rule one." },
      { role: "user", content: "First" },
      { role: "user", content: "Second" },
      { role: "system", content: "Rule two." },
      { role: "assistant", content: "Answer" },
      { role: "assistant", content: "" },
    ];
    const { system, messages } = toAnthropicMessages(chat, context);
    expect(system).toBe("Rule one.\n\nRule two.");
    expect(messages).toEqual([
      { role: "user", content: [{ type: "text", text: "First" }, { type: "text", text: "Second" }] },
      { role: "assistant", content: [{ type: "text", text: "Answer" }] },
    ]);
  });

  it("translates images given as data: and https: URLs, and rejects others", () => {
    const chat: Message[] = [
      { role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }, { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } }] },
    ];
    expect(toAnthropicMessages(chat, context).messages[0]!.content).toEqual([
      { type: "text", text: "What is this?" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
    ]);
    expect(() => toAnthropicMessages([{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }] }], context)).toThrow(/unsupported image URL/);
  });
});

describe("toAnthropicRequestBody", () => {
  it("always sends max_tokens, and raises it to fit a thinking budget", () => {
    expect(toAnthropicRequestBody({ messages: [], options: {} }, "claude-x", context).max_tokens).toBe(DEFAULT_ANTHROPIC_MAX_TOKENS);
    const thinking = toAnthropicRequestBody({ messages: [], options: { reasoningEffort: "low" } }, "claude-x", context);
    expect(thinking.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(thinking.max_tokens).toBe(2048 + DEFAULT_ANTHROPIC_MAX_TOKENS);
  });

  it("uses adaptive thinking with an effort level on models that take it", () => {
    const body = toAnthropicRequestBody({ messages: [], options: { reasoningEffort: "high" } }, "claude-opus-5-5", context);
    expect(body.thinking).toEqual({ type: "adaptive" });
    expect(body.output_config).toEqual({ effort: "high" });
    expect(body.max_tokens).toBe(DEFAULT_ANTHROPIC_MAX_TOKENS);
  });

  it("maps tools and tool choice", () => {
    const body = toAnthropicRequestBody(
      { messages: [], options: {}, tools: [{ type: "function", function: { name: "f", description: "d", parameters: { type: "object" } } }], toolChoice: "required" },
      "claude-x",
      context,
    );
    expect(body.tools).toEqual([{ name: "f", description: "d", input_schema: { type: "object" } }]);
    expect(body.tool_choice).toEqual({ type: "any" });
  });
});
