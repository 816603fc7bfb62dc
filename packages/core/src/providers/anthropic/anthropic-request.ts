import { LLMInvalidPromptError, type LLMErrorContext } from "../../errors/llm-error";
import { type LLMRequest } from "../../llm/llm-request";
import { type ToolChoice } from "../../llm/tool-call";
import { type ContentPart, type Message, contentText, parseDataUrl } from "../../prompt/chat-format";

/** Anthropic requires `max_tokens`; this is what we ask for when the caller does not say. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

const THINKING_BUDGET: Record<string, number> = { minimal: 1024, low: 2048, medium: 8192, high: 24576 };

/**
 * Claude 4.6 and later choose their own thinking budget ("adaptive") and take an effort level;
 * earlier models need a fixed `budget_tokens`.
 */
const ADAPTIVE_THINKING_MODEL = /^claude-(?:(?:opus|sonnet|haiku|fable|mythos)-(?:4-[6-9]|[5-9])|mythos-preview)/;

type Block = Record<string, unknown>;
interface AnthropicMessage {
  role: "user" | "assistant";
  content: Block[];
}

/** The Messages API request body for a call (without `stream`). */
export function toAnthropicRequestBody(request: LLMRequest, model: string, context: LLMErrorContext): Record<string, unknown> {
  const { options } = request;
  const { system, messages } = toAnthropicMessages(request.messages, context);
  const body: Record<string, unknown> = { model, messages };
  if (system) body.system = system;

  const effort = options.reasoningEffort;
  const adaptive = effort !== undefined && ADAPTIVE_THINKING_MODEL.test(model);
  const budget = effort && !adaptive ? THINKING_BUDGET[effort] : undefined;
  // With extended thinking, max_tokens covers the thinking budget too.
  body.max_tokens = options.maxTokens ?? (budget ? budget + DEFAULT_ANTHROPIC_MAX_TOKENS : DEFAULT_ANTHROPIC_MAX_TOKENS);
  if (budget) body.thinking = { type: "enabled", budget_tokens: budget };
  if (adaptive) {
    body.thinking = { type: "adaptive" };
    body.output_config = { effort: effort === "minimal" ? "low" : effort };
  }
  if (options.temperature !== undefined) body.temperature = options.temperature;
  if (options.topP !== undefined) body.top_p = options.topP;
  if (options.stop !== undefined) body.stop_sequences = typeof options.stop === "string" ? [options.stop] : options.stop;
  if (request.tools) {
    body.tools = request.tools.map((tool) => ({
      name: tool.function.name,
      description: tool.function.description,
      input_schema: tool.function.parameters ?? { type: "object", properties: {} },
    }));
  }
  if (request.toolChoice) body.tool_choice = toAnthropicToolChoice(request.toolChoice);
  return { ...body, ...options.providerOptions?.anthropic };
}

function toAnthropicToolChoice(choice: ToolChoice): Record<string, unknown> {
  if (choice === "auto") return { type: "auto" };
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any" };
  return { type: "tool", name: choice.function.name };
}

/**
 * OpenAI chat format → Anthropic: system messages move to `system`, tool results become user
 * turns, and consecutive turns of the same role are merged, since Anthropic requires alternation.
 */
export function toAnthropicMessages(chat: readonly Message[], context: LLMErrorContext): { system: string | undefined; messages: AnthropicMessage[] } {
  const systemParts: string[] = [];
  const messages: AnthropicMessage[] = [];
  const push = (role: AnthropicMessage["role"], blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = messages[messages.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };

  for (const message of chat) {
    switch (message.role) {
      case "system":
        systemParts.push(contentText(message.content));
        break;
      case "user":
        push("user", toBlocks(message.content, context));
        break;
      case "assistant": {
        const blocks = toBlocks(message.content ?? "", context);
        for (const call of message.tool_calls ?? []) {
          blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input: parseToolInput(call.function.arguments) });
        }
        push("assistant", blocks);
        break;
      }
      case "tool":
        push("user", [{ type: "tool_result", tool_use_id: message.tool_call_id, content: contentText(message.content) }]);
        break;
    }
  }
  return { system: systemParts.length ? systemParts.join("\n\n") : undefined, messages };
}

function toBlocks(content: string | readonly ContentPart[], context: LLMErrorContext): Block[] {
  // Anthropic rejects empty text blocks.
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: Block[] = [];
  for (const part of content) {
    if (part.type === "text") {
      if (part.text !== "") blocks.push({ type: "text", text: part.text });
      continue;
    }
    const url = part.image_url.url;
    const data = parseDataUrl(url);
    if (data) blocks.push({ type: "image", source: { type: "base64", media_type: data.mediaType, data: data.data } });
    else if (/^https?:\/\//.test(url)) blocks.push({ type: "image", source: { type: "url", url } });
    else throw new LLMInvalidPromptError({ ...context, message: `unsupported image URL "${url.slice(0, 40)}": Anthropic takes data: and http(s) URLs` });
  }
  return blocks;
}

function parseToolInput(argumentsJson: string): unknown {
  try {
    return JSON.parse(argumentsJson || "{}");
  } catch {
    return {};
  }
}
