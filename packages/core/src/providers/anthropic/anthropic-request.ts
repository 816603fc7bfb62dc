import { LLMInvalidPromptError, type LLMErrorContext } from "../../errors/llm-error";
import { type LLMRequest } from "../../llm/llm-request";
import { type ToolChoice } from "../../llm/tool-call";
import { type ContentPart, type Message, contentText, parseDataUrl } from "../../prompt/chat-format";
import { type OutputRequest } from "../../structured-output/output-request";
import { toAnthropicOutputSchema } from "./anthropic-schema";

/** Anthropic requires `max_tokens`; this is what we ask for when the caller does not say. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

const THINKING_BUDGET: Record<string, number> = { minimal: 1024, low: 2048, medium: 8192, high: 24576 };

/**
 * Claude 4.6 and later choose their own thinking budget ("adaptive") and take an effort level;
 * earlier models need a fixed `budget_tokens`.
 */
const ADAPTIVE_THINKING_MODEL = /^claude-(?:(?:opus|sonnet|haiku|fable|mythos)-(?:4-[6-9]|[5-9])|mythos-preview)/;

/**
 * Models with structured outputs (`output_config.format`): Claude Sonnet 4.5, Opus 4.5, Haiku 4.5
 * and everything after them. Older models get structured output as a forced tool call.
 */
const STRUCTURED_OUTPUT_MODEL = /^claude-(?:(?:opus|sonnet|haiku|fable|mythos)-(?:4-[5-9]|[5-9])|mythos-preview)/;

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
    body.tools = request.tools.map((tool) => {
      const parameters = tool.function.parameters ?? { type: "object", properties: {} };
      // Strict tools (structured outputs for tool inputs) take the same schema subset as outputs.
      if (tool.function.strict) return { name: tool.function.name, description: tool.function.description, input_schema: toAnthropicOutputSchema(parameters).schema, strict: true };
      return { name: tool.function.name, description: tool.function.description, input_schema: parameters };
    });
  }
  if (request.toolChoice) body.tool_choice = toAnthropicToolChoice(request.toolChoice);
  if (request.output) addOutput(body, request.output, anthropicOutputMode(request.output, model));
  return { ...body, ...options.providerOptions?.anthropic };
}

/**
 * How structured output is asked of this model: `output_config.format` on models that have
 * structured outputs (unless the schema uses what they do not support: recursion, open objects),
 * else a forced tool call; "json" is a system instruction only (Anthropic has no JSON mode).
 */
export function anthropicOutputMode(output: OutputRequest, model: string): "native" | "json" | "tool" {
  if (output.mode === "json" || output.mode === "tool" || output.mode === "native") return output.mode;
  const supported = STRUCTURED_OUTPUT_MODEL.test(model.replace(/^anthropic\//, ""));
  return supported && toAnthropicOutputSchema(output.jsonSchema).problems.length === 0 ? "native" : "tool";
}

/** The name of the tool that carries the answer, when structured output is asked for as a forced tool call. */
export function anthropicOutputTool(request: LLMRequest, model: string): string | undefined {
  return request.output && anthropicOutputMode(request.output, model) === "tool" ? request.output.name : undefined;
}

function addOutput(body: Record<string, unknown>, output: OutputRequest, mode: "native" | "json" | "tool"): void {
  if (mode === "native") {
    const format = { type: "json_schema", schema: toAnthropicOutputSchema(output.jsonSchema).schema };
    body.output_config = { ...(body.output_config as object | undefined), format };
  } else if (mode === "tool") {
    const tool = { name: output.name, description: output.description ?? "Give the answer: call this tool with it.", input_schema: output.jsonSchema };
    body.tools = [...((body.tools as unknown[]) ?? []), tool];
    body.tool_choice = { type: "tool", name: output.name };
  }
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
    if (part.type === "file") {
      blocks.push(toDocumentBlock(part.file, context));
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

/** A file becomes a `document` block: base64 from its data, or a URL Anthropic fetches. */
function toDocumentBlock(file: { filename?: string; file_data?: string; file_id?: string; file_url?: string }, context: LLMErrorContext): Block {
  const title = file.filename ? { title: file.filename } : {};
  const data = file.file_data ? parseDataUrl(file.file_data) : undefined;
  if (data) return { type: "document", source: { type: "base64", media_type: data.mediaType, data: data.data }, ...title };
  if (file.file_url && /^https?:\/\//.test(file.file_url)) return { type: "document", source: { type: "url", url: file.file_url }, ...title };
  throw new LLMInvalidPromptError({ ...context, message: file.file_id ? "an OpenAI file id cannot be sent to Anthropic: pass the file's bytes or an http(s) URL" : "a file needs its bytes (a data: URL) or an http(s) URL for Anthropic" });
}

function parseToolInput(argumentsJson: string): unknown {
  try {
    return JSON.parse(argumentsJson || "{}");
  } catch {
    return {};
  }
}
