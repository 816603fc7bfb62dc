import { LLMResponseError, type LLMErrorContext } from "../../errors/llm-error";
import { type ProviderGenerateResult } from "../../llm/llm-request";
import { type FinishReason, type Usage, type UsageIteration, createUsage } from "../../llm/llm-result";
import { type StreamPart } from "../../llm/stream-part";
import { type ToolCall, createToolCall } from "../../llm/tool-call";

/** Usage as Anthropic reports it: complete in message_start (provisional), cumulative and nullable in message_delta. */
interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  server_tool_use?: { web_search_requests?: number | null } | null;
  iterations?: Array<{ type?: string; model?: string | null; input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number }> | null;
}

type ContentBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: string; [key: string]: unknown };

/** Why the model stopped, in more detail: with `stop_reason: "refusal"`, its category and explanation. */
interface AnthropicStopDetails {
  type?: string;
  category?: string | null;
  explanation?: string | null;
}

export interface AnthropicMessageResponse {
  id?: string;
  model?: string;
  content?: ContentBlock[];
  stop_reason?: string | null;
  stop_details?: AnthropicStopDetails | null;
  usage?: AnthropicUsage;
}

export type AnthropicStreamEvent =
  | { type: "message_start"; message: AnthropicMessageResponse }
  | { type: "content_block_start"; index: number; content_block: ContentBlock }
  | { type: "content_block_delta"; index: number; delta: { type: string; text?: string; thinking?: string; partial_json?: string } }
  | { type: "content_block_stop"; index: number }
  | { type: "message_delta"; delta: { stop_reason?: string | null; stop_details?: AnthropicStopDetails | null }; usage?: AnthropicUsage | null }
  | { type: "message_stop" };

export function toFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case "end_turn":
    case "stop_sequence":
    case "pause_turn":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "refusal";
    default:
      return "other";
  }
}

/**
 * Anthropic counts cache reads and writes apart from `input_tokens`; the prompt billed is their sum.
 * Thinking tokens are part of `output_tokens` (`output_tokens_details.thinking_tokens`).
 */
function toUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const result = createUsage((usage.input_tokens ?? 0) + cacheRead + cacheWrite, usage.output_tokens ?? 0, {
    cachedPromptTokens: usage.cache_read_input_tokens,
    cacheWritePromptTokens: usage.cache_creation_input_tokens,
    reasoningTokens: usage.output_tokens_details?.thinking_tokens,
    webSearchRequests: usage.server_tool_use?.web_search_requests,
  });
  if (usage.iterations?.length) result.iterations = usage.iterations.map(toIteration);
  return result;
}

function toIteration(step: NonNullable<AnthropicUsage["iterations"]>[number]): UsageIteration {
  const cacheRead = step.cache_read_input_tokens ?? 0;
  const cacheWrite = step.cache_creation_input_tokens ?? 0;
  const iteration: UsageIteration = { type: step.type ?? "message", promptTokens: (step.input_tokens ?? 0) + cacheRead + cacheWrite, completionTokens: step.output_tokens ?? 0 };
  if (step.model) iteration.model = step.model;
  if (step.cache_read_input_tokens != null) iteration.cachedPromptTokens = cacheRead;
  if (step.cache_creation_input_tokens != null) iteration.cacheWritePromptTokens = cacheWrite;
  return iteration;
}

/** message_delta's usage is cumulative: each field it reports replaces the earlier value; a null leaves it. */
function mergeUsage(previous: AnthropicUsage, update: AnthropicUsage): AnthropicUsage {
  const merged: AnthropicUsage = { ...previous };
  for (const [key, value] of Object.entries(update) as [keyof AnthropicUsage, unknown][]) {
    if (value !== null && value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

function refusalText(details: AnthropicStopDetails | null | undefined): string {
  return details?.explanation ?? "";
}

/** `outputTool`: structured output as a forced call of this tool; its input is the answer's text. */
export function fromAnthropicMessage(message: AnthropicMessageResponse, outputTool?: string): ProviderGenerateResult {
  let content = "";
  let answered = false;
  let reasoning = "";
  const toolCalls: ToolCall[] = [];
  for (const block of message.content ?? []) {
    if (block.type === "text") content += (block as { text: string }).text;
    else if (block.type === "thinking") reasoning += (block as { thinking: string }).thinking;
    else if (block.type === "tool_use") {
      const call = block as { id: string; name: string; input: unknown };
      if (call.name === outputTool) {
        answered = true;
        content += JSON.stringify(call.input ?? {});
      } else toolCalls.push(createToolCall(call.id, call.name, JSON.stringify(call.input ?? {})));
    }
  }
  return {
    content,
    reasoning: reasoning || null,
    refusal: message.stop_reason === "refusal" ? refusalText(message.stop_details) : null,
    toolCalls,
    usage: message.usage ? toUsage(message.usage) : null,
    finishReason: answered && message.stop_reason === "tool_use" ? "stop" : message.stop_reason ? toFinishReason(message.stop_reason) : null,
    metadata: { model: message.model, responseId: message.id, rawFinishReason: message.stop_reason ?? undefined },
  };
}

/**
 * Translates Messages API stream events into StreamParts. message_start's usage is provisional;
 * message_delta's is cumulative and final (with server tools, compaction or caching the final
 * input count can be many times the first), so usage is reported again on every message_delta and
 * the last figures win. A tool call is released when its block stops. A stream without
 * message_stop was cut off; one with a second message_start breaks the protocol.
 */
export async function* anthropicStreamParts(open: () => Promise<AsyncIterable<AnthropicStreamEvent>>, context: LLMErrorContext, outputTool?: string): AsyncGenerator<StreamPart> {
  const events = await open();
  const toolBlocks = new Map<number, { id: string; name: string; json: string }>();
  // The block of the forced output tool: its input JSON is the answer, streamed as text.
  let answerBlock: number | undefined;
  let usage: AnthropicUsage | undefined;
  let started = false;
  let stopped = false;

  for await (const event of events) {
    switch (event.type) {
      case "message_start":
        if (started) {
          throw new LLMResponseError({ ...context, message: "protocol error: a second message_start arrived in one stream (the first message was left unfinished)" });
        }
        started = true;
        yield { type: "response-metadata", responseId: event.message.id, model: event.message.model };
        if (event.message.usage) {
          usage = event.message.usage;
          yield { type: "usage", usage: toUsage(usage) };
        }
        break;
      case "content_block_start":
        if (event.content_block.type === "tool_use") {
          const block = event.content_block as { id: string; name: string };
          if (block.name === outputTool) answerBlock = event.index;
          else toolBlocks.set(event.index, { id: block.id, name: block.name, json: "" });
        } else if (event.content_block.type === "text" && (event.content_block as { text?: string }).text) {
          yield { type: "text", text: (event.content_block as { text: string }).text };
        }
        break;
      case "content_block_delta": {
        const { delta } = event;
        if (delta.type === "text_delta" && delta.text) yield { type: "text", text: delta.text };
        else if (delta.type === "thinking_delta" && delta.thinking) yield { type: "reasoning", text: delta.thinking };
        else if (delta.type === "input_json_delta" && event.index === answerBlock) {
          if (delta.partial_json) yield { type: "text", text: delta.partial_json };
        } else if (delta.type === "input_json_delta") {
          // Server tools (web search, code execution) stream their input too; only the caller's tools are tool calls.
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
      case "message_delta": {
        if (event.usage) {
          usage = mergeUsage(usage ?? {}, event.usage);
          yield { type: "usage", usage: toUsage(usage) };
        }
        const stopReason = event.delta.stop_reason;
        if (stopReason === "refusal") yield { type: "refusal", text: refusalText(event.delta.stop_details) };
        if (stopReason) yield { type: "finish", finishReason: answerBlock !== undefined && stopReason === "tool_use" ? "stop" : toFinishReason(stopReason), rawFinishReason: stopReason };
        break;
      }
      case "message_stop":
        stopped = true;
        break;
    }
  }
  if (!stopped) {
    throw new LLMResponseError({ ...context, message: "the stream ended before message_stop: the connection was probably cut" });
  }
}
