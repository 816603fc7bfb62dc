import { type LLMRequest } from "../../llm/llm-request";
import { type Message } from "../../prompt/chat-format";

export interface OpenAIRequestFlavor {
  /** The model (or Azure deployment) name sent upstream. */
  model: string;
  /**
   * OpenAI itself takes `max_completion_tokens` for every model; OpenAI-compatible servers and
   * older Azure API versions know only `max_tokens` (which reasoning models reject).
   */
  maxTokensField: "max_tokens" | "max_completion_tokens";
  /** The key under `providerOptions` whose fields are sent as they are. */
  providerOptionsKey: string;
}

const REASONING_MODEL = /^(o\d|gpt-5)/;

export function maxTokensFieldFor(model: string, officialApi: boolean): OpenAIRequestFlavor["maxTokensField"] {
  return officialApi || REASONING_MODEL.test(model) ? "max_completion_tokens" : "max_tokens";
}

/** The chat-completions request body for a call (without `stream`). */
export function toOpenAIRequestBody(request: LLMRequest, flavor: OpenAIRequestFlavor): Record<string, unknown> {
  const { options } = request;
  const body: Record<string, unknown> = { model: flavor.model, messages: request.messages.map(toOpenAIMessage) };
  setIfDefined(body, "temperature", options.temperature);
  setIfDefined(body, flavor.maxTokensField, options.maxTokens);
  setIfDefined(body, "top_p", options.topP);
  setIfDefined(body, "stop", options.stop);
  setIfDefined(body, "seed", options.seed);
  setIfDefined(body, "frequency_penalty", options.frequencyPenalty);
  setIfDefined(body, "presence_penalty", options.presencePenalty);
  setIfDefined(body, "reasoning_effort", options.reasoningEffort);
  if (request.tools) body.tools = request.tools;
  if (request.toolChoice) body.tool_choice = request.toolChoice;
  return { ...body, ...options.providerOptions?.[flavor.providerOptionsKey] };
}

/** Keeps only the fields OpenAI accepts: histories from chat clients carry extras (`extra`, ids) that it would reject. */
function toOpenAIMessage(message: Message): Record<string, unknown> {
  switch (message.role) {
    case "system":
      return { role: "system", content: message.content };
    case "user":
      return message.name ? { role: "user", content: message.content, name: message.name } : { role: "user", content: message.content };
    case "assistant":
      return message.tool_calls?.length
        ? { role: "assistant", content: message.content ?? null, tool_calls: message.tool_calls }
        : { role: "assistant", content: message.content ?? "" };
    case "tool":
      return { role: "tool", content: message.content, tool_call_id: message.tool_call_id };
  }
}

function setIfDefined(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}
