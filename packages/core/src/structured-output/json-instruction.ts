import { type ChatFormat, contentText } from "../prompt/chat-format";
import { type OutputRequest } from "./output-request";

/**
 * The system instruction for JSON mode, where the provider guarantees JSON but not its shape
 * (OpenAI requires the word "JSON" in the messages for `json_object`): the schema, in words.
 */
export function jsonInstruction(output: OutputRequest): string {
  const description = output.description ? ` (${output.description})` : "";
  return `Answer with a single JSON object${description} and nothing else: no prose, no code fences. It must match this JSON Schema:\n${JSON.stringify(output.jsonSchema)}`;
}

/** The conversation with the JSON instruction added to its system message (or as a new first one). */
export function withJsonInstruction(messages: ChatFormat, output: OutputRequest): ChatFormat {
  const instruction = jsonInstruction(output);
  const [first, ...rest] = messages;
  if (first?.role === "system") return [{ role: "system", content: `${contentText(first.content)}\n\n${instruction}` }, ...rest];
  return [{ role: "system", content: instruction }, ...messages];
}
