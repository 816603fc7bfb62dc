import { type ProviderGenerateResult } from "../../llm/llm-request";
import { type FinishReason, createUsage } from "../../llm/llm-result";
import { type StreamPart } from "../../llm/stream-part";
import { type ToolCall, createToolCall } from "../../llm/tool-call";

export interface OllamaChatResponse {
  model?: string;
  message?: { content?: string; thinking?: string; tool_calls?: Array<{ id?: string; function: { name: string; arguments: unknown } }> };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
}

export function toFinishReason(raw: string | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls) return "tool_calls";
  if (raw === "length") return "length";
  return raw === "stop" || raw === undefined ? "stop" : "other";
}

/**
 * Ollama sends tool calls whole. Recent servers give each an id (`call_…`), which is kept: results
 * refer back to it. Older ones send none: those get stable ids of their position.
 */
function toToolCalls(response: OllamaChatResponse, offset: number): ToolCall[] {
  return (response.message?.tool_calls ?? []).map((call, index) =>
    createToolCall(call.id || `call_${offset + index}`, call.function.name, typeof call.function.arguments === "string" ? call.function.arguments : JSON.stringify(call.function.arguments ?? {})),
  );
}

function usageOf(response: OllamaChatResponse) {
  return createUsage(response.prompt_eval_count ?? 0, response.eval_count ?? 0);
}

/** `outputTool`: structured output as a call of this tool; its arguments are the answer's text. */
export function fromOllamaResponse(response: OllamaChatResponse, outputTool?: string): ProviderGenerateResult {
  const all = toToolCalls(response, 0);
  const answer = all.filter((call) => call.name === outputTool);
  const toolCalls = all.filter((call) => call.name !== outputTool);
  return {
    content: (response.message?.content ?? "") + answer.map((call) => call.rawArguments).join(""),
    reasoning: response.message?.thinking || null,
    toolCalls,
    usage: usageOf(response),
    finishReason: toFinishReason(response.done_reason, toolCalls.length > 0),
    metadata: { model: response.model, rawFinishReason: response.done_reason },
  };
}

/**
 * Translates Ollama's NDJSON chat stream into StreamParts; the `done` line carries the counters.
 * (The SDK itself rejects a stream that ends without it.)
 */
export async function* ollamaStreamParts(open: () => Promise<AsyncIterable<OllamaChatResponse>>, outputTool?: string): AsyncGenerator<StreamPart> {
  const responses = await open();
  let toolCallCount = 0;
  let first = true;
  for await (const response of responses) {
    if (first) {
      first = false;
      yield { type: "response-metadata", model: response.model };
    }
    const message = response.message;
    if (message?.thinking) yield { type: "reasoning", text: message.thinking };
    if (message?.content) yield { type: "text", text: message.content };
    for (const toolCall of toToolCalls(response, toolCallCount)) {
      if (toolCall.name === outputTool) {
        yield { type: "text", text: toolCall.rawArguments };
        continue;
      }
      toolCallCount++;
      yield { type: "tool-call", toolCall };
    }
    if (response.done) {
      yield { type: "usage", usage: usageOf(response) };
      yield { type: "finish", finishReason: toFinishReason(response.done_reason, toolCallCount > 0), rawFinishReason: response.done_reason };
    }
  }
}
