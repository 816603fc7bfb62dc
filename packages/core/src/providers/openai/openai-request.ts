import { LLMInvalidPromptError, type LLMErrorContext } from "../../errors/llm-error";
import { type LLMRequest } from "../../llm/llm-request";
import { type Tool } from "../../llm/tool-call";
import { type ContentPart, type Message } from "../../prompt/chat-format";
import { type OutputRequest } from "../../structured-output/output-request";
import { toOpenAIStrictSchema } from "./openai-schema";

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
export function toOpenAIRequestBody(request: LLMRequest, flavor: OpenAIRequestFlavor, context: LLMErrorContext = { provider: flavor.providerOptionsKey, model: flavor.model }): Record<string, unknown> {
  const { options } = request;
  const body: Record<string, unknown> = { model: flavor.model, messages: request.messages.map((message) => toOpenAIMessage(message, context)) };
  setIfDefined(body, "temperature", options.temperature);
  setIfDefined(body, flavor.maxTokensField, options.maxTokens);
  setIfDefined(body, "top_p", options.topP);
  setIfDefined(body, "stop", options.stop);
  setIfDefined(body, "seed", options.seed);
  setIfDefined(body, "frequency_penalty", options.frequencyPenalty);
  setIfDefined(body, "presence_penalty", options.presencePenalty);
  setIfDefined(body, "reasoning_effort", options.reasoningEffort);
  if (request.tools) body.tools = request.tools.map((tool) => toOpenAITool(tool, context));
  if (request.toolChoice) body.tool_choice = request.toolChoice;
  if (request.output) addOutput(body, request.output, context);
  return { ...body, ...options.providerOptions?.[flavor.providerOptionsKey] };
}

/**
 * Structured output: `response_format` json_schema (strict where the schema allows it), JSON mode
 * (`json_object`; the base class put the schema in a system instruction), or a forced tool call.
 */
function addOutput(body: Record<string, unknown>, output: OutputRequest, context: LLMErrorContext): void {
  const mode = outputModeOf(output);
  if (mode === "json") {
    body.response_format = { type: "json_object" };
    return;
  }
  const { schema, strict } = strictOrNot(output.jsonSchema, output.strict, `output schema "${output.name}"`, context);
  if (mode === "tool") {
    const tool = { type: "function", function: { name: output.name, ...(output.description ? { description: output.description } : {}), parameters: schema, strict } };
    body.tools = [...((body.tools as unknown[]) ?? []), tool];
    body.tool_choice = { type: "function", function: { name: output.name } };
    return;
  }
  body.response_format = { type: "json_schema", json_schema: { name: output.name, ...(output.description ? { description: output.description } : {}), schema, strict } };
}

/** "auto" and "native" are OpenAI's json_schema response format. */
export function outputModeOf(output: OutputRequest): "native" | "json" | "tool" {
  return output.mode === "json" || output.mode === "tool" ? output.mode : "native";
}

/** The name of the tool that carries the answer, when structured output is asked for as a forced tool call. */
export function openAIOutputTool(request: LLMRequest): string | undefined {
  return request.output && outputModeOf(request.output) === "tool" ? request.output.name : undefined;
}

/**
 * The schema to send and whether it is strict: strict when asked or allowed (`requested` undefined),
 * plain when `requested` is false or the schema cannot be strict; a clear error when strict was
 * asked for and the schema cannot be.
 */
function strictOrNot(schema: Record<string, unknown>, requested: boolean | undefined, what: string, context: LLMErrorContext): { schema: Record<string, unknown>; strict: boolean } {
  if (requested === false) return { schema, strict: false };
  const strict = toOpenAIStrictSchema(schema);
  if (strict.problems.length === 0) return { schema: strict.schema, strict: true };
  if (requested === true) {
    throw new LLMInvalidPromptError({ ...context, message: `${what} cannot use OpenAI strict mode: ${strict.problems.join("; ")}. Change the schema, or pass strict: false` });
  }
  return { schema, strict: false };
}

/** A tool marked `strict: true` is sent in strict form (or refused with the reason); others as they are. */
function toOpenAITool(tool: Tool, context: LLMErrorContext): Tool {
  if (tool.function.strict !== true || !tool.function.parameters) return tool;
  const { schema } = strictOrNot(tool.function.parameters, true, `tool "${tool.function.name}"`, context);
  return { ...tool, function: { ...tool.function, parameters: schema } };
}

/** Keeps only the fields OpenAI accepts: histories from chat clients carry extras (`extra`, ids) that it would reject. */
function toOpenAIMessage(message: Message, context: LLMErrorContext): Record<string, unknown> {
  switch (message.role) {
    case "system":
      return { role: "system", content: message.content };
    case "user": {
      const content = typeof message.content === "string" ? message.content : message.content.map((part) => toOpenAIPart(part, context));
      return message.name ? { role: "user", content, name: message.name } : { role: "user", content };
    }
    case "assistant":
      return message.tool_calls?.length
        ? { role: "assistant", content: message.content ?? null, tool_calls: message.tool_calls }
        : { role: "assistant", content: message.content ?? "" };
    case "tool":
      return { role: "tool", content: message.content, tool_call_id: message.tool_call_id };
  }
}

/** Files go as OpenAI's `file` part; a file by URL is ours, which chat completions cannot take. */
function toOpenAIPart(part: ContentPart, context: LLMErrorContext): ContentPart {
  if (part.type !== "file") return part;
  const { file_url: url, ...file } = part.file;
  if (url !== undefined && file.file_data === undefined && file.file_id === undefined) {
    throw new LLMInvalidPromptError({ ...context, message: `a file by URL (${url.slice(0, 60)}) cannot be sent to OpenAI chat completions: pass its bytes (attachment { data, mimeType }) or an OpenAI file id` });
  }
  return { type: "file", file };
}

function setIfDefined(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}
