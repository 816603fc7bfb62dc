import { LLMInvalidPromptError, type LLMErrorContext } from "../../errors/llm-error";
import { type LLMRequest } from "../../llm/llm-request";
import { type Message, contentText, parseDataUrl } from "../../prompt/chat-format";
import { type OutputRequest } from "../../structured-output/output-request";

interface OllamaMessage {
  role: string;
  content: string;
  images?: string[];
  tool_calls?: Array<{ function: { name: string; arguments: unknown } }>;
  tool_name?: string;
}

/** The /api/chat request body for a call (without `stream`). Sampling options go under `options`. */
export function toOllamaRequestBody(request: LLMRequest, model: string, context: LLMErrorContext): Record<string, unknown> {
  const { options } = request;
  const modelOptions: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => value !== undefined && (modelOptions[key] = value);
  set("temperature", options.temperature);
  set("num_predict", options.maxTokens);
  set("top_p", options.topP);
  set("stop", typeof options.stop === "string" ? [options.stop] : options.stop);
  set("seed", options.seed);
  set("frequency_penalty", options.frequencyPenalty);
  set("presence_penalty", options.presencePenalty);

  const body: Record<string, unknown> = { model, messages: toOllamaMessages(request.messages, context) };
  if (Object.keys(modelOptions).length) body.options = modelOptions;
  // Thinking models take a level ("low"…"high") or true; "minimal" has no Ollama equivalent but still means "think".
  if (options.reasoningEffort) body.think = options.reasoningEffort === "minimal" ? true : options.reasoningEffort;
  // Ollama has no tool_choice; "none" is honoured by not offering the tools.
  if (request.tools && request.toolChoice !== "none") body.tools = request.tools;
  if (request.output) addOutput(body, request.output);
  const extra = options.providerOptions?.ollama;
  if (extra?.options && typeof extra.options === "object") {
    return { ...body, ...extra, options: { ...modelOptions, ...(extra.options as object) } };
  }
  return { ...body, ...extra };
}

/**
 * Structured output: `format` with the JSON schema (Ollama ≥ 0.5), `format: "json"` in JSON mode,
 * or the output offered as the only tool (Ollama cannot force a tool choice).
 */
function addOutput(body: Record<string, unknown>, output: OutputRequest): void {
  const mode = ollamaOutputMode(output);
  if (mode === "json") body.format = "json";
  else if (mode === "native") body.format = output.jsonSchema;
  else body.tools = [...((body.tools as unknown[]) ?? []), { type: "function", function: { name: output.name, description: output.description ?? "Give the answer: call this tool with it.", parameters: output.jsonSchema } }];
}

export function ollamaOutputMode(output: OutputRequest): "native" | "json" | "tool" {
  return output.mode === "json" || output.mode === "tool" ? output.mode : "native";
}

/** The name of the tool that carries the answer, when structured output is asked for as a tool call. */
export function ollamaOutputTool(request: LLMRequest): string | undefined {
  return request.output && ollamaOutputMode(request.output) === "tool" ? request.output.name : undefined;
}

function toOllamaMessages(chat: readonly Message[], context: LLMErrorContext): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  return chat.map((message): OllamaMessage => {
    switch (message.role) {
      case "system":
        return { role: "system", content: contentText(message.content) };
      case "user": {
        if (typeof message.content !== "string" && message.content.some((part) => part.type === "file")) {
          throw new LLMInvalidPromptError({ ...context, message: "Ollama takes images only: a file (PDF) cannot be sent to it; extract its text first" });
        }
        const images = typeof message.content === "string" ? [] : message.content.flatMap((part) => (part.type === "image_url" ? [toOllamaImage(part.image_url.url, context)] : []));
        return images.length ? { role: "user", content: contentText(message.content), images } : { role: "user", content: contentText(message.content) };
      }
      case "assistant": {
        const result: OllamaMessage = { role: "assistant", content: contentText(message.content) };
        if (message.tool_calls?.length) {
          result.tool_calls = message.tool_calls.map((call) => {
            toolNames.set(call.id, call.function.name);
            return { function: { name: call.function.name, arguments: parseArguments(call.function.arguments) } };
          });
        }
        return result;
      }
      case "tool": {
        const name = toolNames.get(message.tool_call_id);
        return name ? { role: "tool", content: contentText(message.content), tool_name: name } : { role: "tool", content: contentText(message.content) };
      }
    }
  });
}

/** Ollama takes images as bare base64 strings. */
function toOllamaImage(url: string, context: LLMErrorContext): string {
  const data = parseDataUrl(url);
  if (!data) throw new LLMInvalidPromptError({ ...context, message: "Ollama accepts images only as base64 data: URLs; download the image and pass it as data:<type>;base64,…" });
  return data.data;
}

function parseArguments(json: string): unknown {
  try {
    return JSON.parse(json || "{}");
  } catch {
    return {};
  }
}
