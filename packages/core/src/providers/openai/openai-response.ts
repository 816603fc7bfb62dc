import { LLMResponseError, type LLMErrorContext } from "../../errors/llm-error";
import { type ProviderGenerateResult } from "../../llm/llm-request";
import { type FinishReason, type Usage, createUsage } from "../../llm/llm-result";
import { type StreamPart } from "../../llm/stream-part";
import { ToolCallAccumulator, createToolCall } from "../../llm/tool-call";

// The SDK's response types are not part of our public API (the SDK is an optional peer), so the
// fields read here are typed structurally.
interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

interface OpenAIToolCallDelta {
  index: number;
  id?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

/** Reasoning text as OpenAI-compatible servers send it (vLLM, DeepSeek, OpenRouter use one or the other name). */
interface ReasoningFields {
  reasoning_content?: string | null;
  reasoning?: string | null;
}

/**
 * `content` is a string in OpenAI's own API; OpenAI-compatible servers (Mistral's reasoning models)
 * may send an array of typed parts instead: `{type: "text", text}` and `{type: "thinking",
 * thinking}`, where `thinking` is a string or an array of `{type: "text", text}` parts.
 */
type OpenAIContent = string | Array<{ type?: string; text?: unknown; thinking?: unknown }> | null;

interface OpenAIMessageFields extends ReasoningFields {
  content?: OpenAIContent;
  /** The model declined: OpenAI sends its explanation here instead of content. */
  refusal?: string | null;
}

export interface OpenAIChunk {
  id?: string;
  model?: string;
  choices?: Array<{
    index?: number;
    delta?: (OpenAIMessageFields & { tool_calls?: OpenAIToolCallDelta[] | null }) | null;
    finish_reason?: string | null;
  }>;
  usage?: OpenAIUsage | null;
}

export interface OpenAICompletion {
  id?: string;
  model?: string;
  choices?: Array<{
    index?: number;
    message?: (OpenAIMessageFields & { tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> | null }) | null;
    finish_reason?: string | null;
  }>;
  usage?: OpenAIUsage | null;
}

export function toFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case "stop":
      return "stop";
    case "length":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool_calls";
    case "content_filter":
      return "content_filter";
    case "refusal":
      return "refusal";
    default:
      return "other";
  }
}

function toUsage(usage: OpenAIUsage): Usage {
  return createUsage(usage.prompt_tokens ?? 0, usage.completion_tokens ?? 0, {
    cachedPromptTokens: usage.prompt_tokens_details?.cached_tokens,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens,
  });
}

/**
 * The answer is choice 0, picked by its `index` (with `n > 1` the other choices' chunks are
 * interleaved with it, and are not part of this answer). A choice without an index is choice 0.
 */
function isFirstChoice(choice: { index?: number }): boolean {
  return (choice.index ?? 0) === 0;
}

/** Text and reasoning from `content`, whichever shape it came in; other part types are not text. */
function contentParts(content: OpenAIContent | undefined): { text: string; reasoning: string } {
  if (typeof content === "string") return { text: content, reasoning: "" };
  let text = "";
  let reasoning = "";
  for (const part of Array.isArray(content) ? content : []) {
    if (part?.type === "text" && typeof part.text === "string") text += part.text;
    else if (part?.type === "thinking") reasoning += thinkingText(part.thinking);
  }
  return { text, reasoning };
}

function thinkingText(thinking: unknown): string {
  if (typeof thinking === "string") return thinking;
  if (!Array.isArray(thinking)) return "";
  return thinking.map((piece: { text?: unknown }) => (typeof piece?.text === "string" ? piece.text : "")).join("");
}

/**
 * `outputTool`: structured output was asked for as a forced call of this tool; its arguments are
 * the answer's text, not a tool call.
 */
export function fromOpenAICompletion(completion: OpenAICompletion, context: LLMErrorContext, outputTool?: string): ProviderGenerateResult {
  const choice = completion.choices?.find(isFirstChoice);
  if (!choice) throw new LLMResponseError({ ...context, message: "the response has no choices" });
  const message = choice.message ?? {};
  const content = contentParts(message.content);
  const reasoning = (message.reasoning_content ?? message.reasoning ?? "") + content.reasoning;
  const refusal = message.refusal ?? null;
  const calls = message.tool_calls ?? [];
  const answer = calls.filter((call) => call.function.name === outputTool);
  const finishReason = answer.length ? "stop" : choice.finish_reason ? toFinishReason(choice.finish_reason) : null;
  return {
    content: content.text + answer.map((call) => call.function.arguments).join(""),
    reasoning: reasoning || null,
    refusal,
    toolCalls: calls.filter((call) => call.function.name !== outputTool).map((call) => createToolCall(call.id, call.function.name, call.function.arguments)),
    usage: completion.usage ? toUsage(completion.usage) : null,
    finishReason: refusal !== null ? "refusal" : finishReason,
    metadata: { model: completion.model, responseId: completion.id, rawFinishReason: choice.finish_reason ?? undefined },
  };
}

/**
 * Translates a chat-completions chunk stream into StreamParts. Tool-call fragments are collected
 * and released complete when the choice finishes. A refusal (`delta.refusal`) is the answer, and
 * finishes as "refusal". A stream that stops without a finish reason was cut off, and is reported
 * as such rather than passed off as a complete answer.
 */
export async function* openAIStreamParts(open: () => Promise<AsyncIterable<OpenAIChunk>>, context: LLMErrorContext, outputTool?: string): AsyncGenerator<StreamPart> {
  const chunks = await open();
  const toolCalls = new ToolCallAccumulator();
  // Indexes of tool calls that carry a structured answer (forced output tool): streamed as text.
  const answerIndexes = new Set<number>();
  let finished = false;
  let refused = false;
  let sawMetadata = false;
  for await (const chunk of chunks) {
    if (!sawMetadata && (chunk.id || chunk.model)) {
      sawMetadata = true;
      yield { type: "response-metadata", responseId: chunk.id, model: chunk.model };
    }
    for (const choice of chunk.choices ?? []) {
      if (!isFirstChoice(choice)) continue;
      const delta = choice.delta;
      if (delta) {
        const content = contentParts(delta.content);
        const reasoning = (delta.reasoning_content ?? delta.reasoning ?? "") + content.reasoning;
        if (reasoning) yield { type: "reasoning", text: reasoning };
        if (content.text) yield { type: "text", text: content.text };
        if (delta.refusal) {
          refused = true;
          yield { type: "refusal", text: delta.refusal };
        }
        if (delta.tool_calls) {
          for (const fragment of delta.tool_calls) {
            if (outputTool !== undefined && fragment.function?.name === outputTool) answerIndexes.add(fragment.index);
            if (answerIndexes.has(fragment.index)) {
              if (fragment.function?.arguments) yield { type: "text", text: fragment.function.arguments };
              continue;
            }
            toolCalls.append(fragment.index, { id: fragment.id, name: fragment.function?.name, arguments: fragment.function?.arguments });
          }
        }
      }
      if (choice.finish_reason && !finished) {
        for (const toolCall of toolCalls.drain()) yield { type: "tool-call", toolCall };
        finished = true;
        const finishReason = refused ? "refusal" : answerIndexes.size && choice.finish_reason === "tool_calls" ? "stop" : toFinishReason(choice.finish_reason);
        yield { type: "finish", finishReason, rawFinishReason: choice.finish_reason };
      }
    }
    if (chunk.usage) yield { type: "usage", usage: toUsage(chunk.usage) };
  }
  if (!finished) {
    throw new LLMResponseError({ ...context, message: "the stream ended before the model finished its answer (no finish_reason): the connection was probably cut" });
  }
}
