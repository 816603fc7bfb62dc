import { LLMResponseError, type LLMErrorContext } from "../../errors/llm-error";
import { type ProviderGenerateResult } from "../../llm/llm-request";
import { type FinishReason, type Usage, createUsage } from "../../llm/llm-result";
import { type StreamPart } from "../../llm/stream-part";
import { type ToolCall, createToolCall } from "../../llm/tool-call";

interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { reasoning_tokens?: number | null } | null;
}

type ContentBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: string; [key: string]: unknown };

export interface AnthropicMessageResponse {
  id?: string;
  model?: string;
  content?: ContentBlock[];
  stop_reason?: string | null;
  usage?: AnthropicUsage;
}

export type AnthropicStreamEvent =
  | { type: "message_start"; message: AnthropicMessageResponse }
  | { type: "content_block_start"; index: number; content_block: ContentBlock }
  | { type: "content_block_delta"; index: number; delta: { type: string; text?: string; thinking?: string; partial_json?: string } }
  | { type: "content_block_stop"; index: number }
  | { type: "message_delta"; delta: { stop_reason?: string | null }; usage?: AnthropicUsage }
  | { type: "message_stop" };

export function toFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "other";
  }
}

function toUsage(input: AnthropicUsage, outputTokens: number, reasoningTokens?: number | null): Usage {
  // Anthropic counts cached prompt tokens apart from input_tokens; the total prompt is their sum.
  const cached = input.cache_read_input_tokens ?? 0;
  const promptTokens = (input.input_tokens ?? 0) + cached + (input.cache_creation_input_tokens ?? 0);
  return createUsage(promptTokens, outputTokens, { cachedPromptTokens: input.cache_read_input_tokens, reasoningTokens });
}

export function fromAnthropicMessage(message: AnthropicMessageResponse): ProviderGenerateResult {
  let content = "";
  let reasoning = "";
  const toolCalls: ToolCall[] = [];
  for (const block of message.content ?? []) {
    if (block.type === "text") content += (block as { text: string }).text;
    else if (block.type === "thinking") reasoning += (block as { thinking: string }).thinking;
    else if (block.type === "tool_use") {
      const call = block as { id: string; name: string; input: unknown };
      toolCalls.push(createToolCall(call.id, call.name, JSON.stringify(call.input ?? {})));
    }
  }
  return {
    content,
    reasoning: reasoning || null,
    toolCalls,
    usage: message.usage ? toUsage(message.usage, message.usage.output_tokens ?? 0, message.usage.output_tokens_details?.reasoning_tokens) : null,
    finishReason: message.stop_reason ? toFinishReason(message.stop_reason) : null,
    metadata: { model: message.model, responseId: message.id, rawFinishReason: message.stop_reason ?? undefined },
  };
}

/**
 * Translates Messages API stream events into StreamParts. Prompt usage comes with message_start,
 * output tokens with message_delta; a tool call is released when its block stops. A stream without
 * message_stop was cut off.
 */
export async function* anthropicStreamParts(open: () => Promise<AsyncIterable<AnthropicStreamEvent>>, context: LLMErrorContext): AsyncGenerator<StreamPart> {
  const events = await open();
  const toolBlocks = new Map<number, { id: string; name: string; json: string }>();
  let inputUsage: AnthropicUsage = {};
  let outputTokens = 0;
  let reasoningTokens: number | null | undefined;
  let stopReason: string | null | undefined;
  let stopped = false;

  for await (const event of events) {
    switch (event.type) {
      case "message_start":
        inputUsage = event.message.usage ?? {};
        outputTokens = event.message.usage?.output_tokens ?? 0;
        yield { type: "response-metadata", responseId: event.message.id, model: event.message.model };
        break;
      case "content_block_start":
        if (event.content_block.type === "tool_use") {
          const block = event.content_block as { id: string; name: string };
          toolBlocks.set(event.index, { id: block.id, name: block.name, json: "" });
        } else if (event.content_block.type === "text" && (event.content_block as { text?: string }).text) {
          yield { type: "text", text: (event.content_block as { text: string }).text };
        }
        break;
      case "content_block_delta": {
        const { delta } = event;
        if (delta.type === "text_delta" && delta.text) yield { type: "text", text: delta.text };
        else if (delta.type === "thinking_delta" && delta.thinking) yield { type: "reasoning", text: delta.thinking };
        else if (delta.type === "input_json_delta") {
          const block = toolBlocks.get(event.index);
          if (block) block.json += delta.partial_json ?? "";
        }
        break;
      }
      case "content_block_stop": {
        const block = toolBlocks.get(event.index);
        if (block) {
          toolBlocks.delete(event.index);
          yield { type: "tool-call", toolCall: createToolCall(block.id, block.name, block.json) };
        }
        break;
      }
      case "message_delta":
        if (event.delta.stop_reason) stopReason = event.delta.stop_reason;
        // output_tokens in message_delta is cumulative.
        if (event.usage?.output_tokens != null) outputTokens = event.usage.output_tokens;
        if (event.usage?.output_tokens_details?.reasoning_tokens != null) reasoningTokens = event.usage.output_tokens_details.reasoning_tokens;
        break;
      case "message_stop":
        stopped = true;
        break;
    }
  }
  if (!stopped) {
    throw new LLMResponseError({ ...context, message: "the stream ended before message_stop: the connection was probably cut" });
  }
  yield { type: "usage", usage: toUsage(inputUsage, outputTokens, reasoningTokens) };
  yield { type: "finish", finishReason: toFinishReason(stopReason), rawFinishReason: stopReason ?? undefined };
}
