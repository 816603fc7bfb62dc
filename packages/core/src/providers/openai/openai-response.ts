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

export interface OpenAIChunk {
  id?: string;
  model?: string;
  choices?: Array<{
    index?: number;
    delta?: ({ content?: string | null; tool_calls?: OpenAIToolCallDelta[] | null } & ReasoningFields) | null;
    finish_reason?: string | null;
  }>;
  usage?: OpenAIUsage | null;
}

export interface OpenAICompletion {
  id?: string;
  model?: string;
  choices?: Array<{
    message?: ({ content?: string | null; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> | null } & ReasoningFields) | null;
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

export function fromOpenAICompletion(completion: OpenAICompletion, context: LLMErrorContext): ProviderGenerateResult {
  const choice = completion.choices?.[0];
  if (!choice) throw new LLMResponseError({ ...context, message: "the response has no choices" });
  const message = choice.message ?? {};
  const reasoning = message.reasoning_content ?? message.reasoning ?? null;
  return {
    content: message.content ?? "",
    reasoning: reasoning || null,
    toolCalls: (message.tool_calls ?? []).map((call) => createToolCall(call.id, call.function.name, call.function.arguments)),
    usage: completion.usage ? toUsage(completion.usage) : null,
    finishReason: choice.finish_reason ? toFinishReason(choice.finish_reason) : null,
    metadata: { model: completion.model, responseId: completion.id, rawFinishReason: choice.finish_reason ?? undefined },
  };
}

/**
 * Translates a chat-completions chunk stream into StreamParts. Tool-call fragments are collected
 * and released complete when the choice finishes. A stream that stops without a finish reason was
 * cut off, and is reported as such rather than passed off as a complete answer.
 */
export async function* openAIStreamParts(open: () => Promise<AsyncIterable<OpenAIChunk>>, context: LLMErrorContext): AsyncGenerator<StreamPart> {
  const chunks = await open();
  const toolCalls = new ToolCallAccumulator();
  let finished = false;
  let sawMetadata = false;
  for await (const chunk of chunks) {
    if (!sawMetadata && (chunk.id || chunk.model)) {
      sawMetadata = true;
      yield { type: "response-metadata", responseId: chunk.id, model: chunk.model };
    }
    const choice = chunk.choices?.[0];
    const delta = choice?.delta;
    if (delta) {
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) yield { type: "reasoning", text: reasoning };
      if (delta.content) yield { type: "text", text: delta.content };
      if (delta.tool_calls) {
        for (const fragment of delta.tool_calls) {
          toolCalls.append(fragment.index, { id: fragment.id, name: fragment.function?.name, arguments: fragment.function?.arguments });
        }
      }
    }
    if (choice?.finish_reason) {
      for (const toolCall of toolCalls.drain()) yield { type: "tool-call", toolCall };
      finished = true;
      yield { type: "finish", finishReason: toFinishReason(choice.finish_reason), rawFinishReason: choice.finish_reason };
    }
    if (chunk.usage) yield { type: "usage", usage: toUsage(chunk.usage) };
  }
  if (!finished) {
    throw new LLMResponseError({ ...context, message: "the stream ended before the model finished its answer (no finish_reason): the connection was probably cut" });
  }
}
