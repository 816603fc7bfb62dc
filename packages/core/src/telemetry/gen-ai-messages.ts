import { type ContentPart, type Message, parseDataUrl } from "../prompt/chat-format";
import { type PartialResult } from "../llm/llm-result";
import { type Tool } from "../llm/tool-call";

/**
 * Content in the GenAI conventions' message shape (`{ role, parts }`), as the JSON strings that
 * `gen_ai.input.messages`, `gen_ai.output.messages` and `gen_ai.tool.definitions` hold on spans
 * (attribute values cannot be objects). Recorded only when content capture is on.
 */
type Part = Record<string, unknown> & { type: string };

export function inputMessagesJson(messages: readonly Message[]): string {
  return JSON.stringify(messages.map((message) => ({ role: message.role, parts: messageParts(message) })));
}

export function outputMessagesJson(result: Pick<PartialResult, "content" | "toolCalls" | "finishReason">): string {
  const parts: Part[] = [];
  if (result.content) parts.push({ type: "text", content: result.content });
  for (const call of result.toolCalls) parts.push({ type: "tool_call", id: call.id, name: call.name, arguments: call.arguments });
  return JSON.stringify([{ role: "assistant", parts, finish_reason: result.finishReason ?? "error" }]);
}

export function toolDefinitionsJson(tools: readonly Tool[]): string {
  return JSON.stringify(tools.map((tool) => ({ type: "function", name: tool.function.name, description: tool.function.description, parameters: tool.function.parameters })));
}

function messageParts(message: Message): Part[] {
  const parts: Part[] = [];
  if (message.role === "tool") {
    parts.push({ type: "tool_call_response", id: message.tool_call_id, response: textOf(message.content) });
    return parts;
  }
  if (typeof message.content === "string") parts.push({ type: "text", content: message.content });
  else if (message.content) for (const part of message.content) parts.push(contentPart(part));
  if (message.role === "assistant") {
    for (const call of message.tool_calls ?? []) parts.push({ type: "tool_call", id: call.id, name: call.function.name, arguments: parseArguments(call.function.arguments) });
  }
  return parts;
}

function contentPart(part: ContentPart): Part {
  if (part.type === "text") return { type: "text", content: part.text };
  if (part.type === "image_url") {
    const data = parseDataUrl(part.image_url.url);
    // Inline images are left out: a span is no place for megabytes of base64.
    return data ? { type: "blob", modality: "image", mime_type: data.mediaType, content: "" } : { type: "uri", modality: "image", uri: part.image_url.url };
  }
  const { filename, file_url, file_id } = part.file;
  return { type: "file", ...(filename ? { filename } : {}), ...(file_url ? { uri: file_url } : {}), ...(file_id ? { file_id } : {}) };
}

function textOf(content: string | readonly { text: string }[]): string {
  return typeof content === "string" ? content : content.map((part) => part.text).join("");
}

function parseArguments(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
