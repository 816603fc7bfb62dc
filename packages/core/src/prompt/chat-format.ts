/**
 * The conversation format every @ragbits/core model accepts: OpenAI's chat format. Providers with
 * another shape (Anthropic, Ollama) translate from it, so an app can switch models without touching
 * its prompts.
 */
export interface TextPart {
  type: "text";
  text: string;
}

export interface ImagePart {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
}

export type ContentPart = TextPart | ImagePart;

/** A tool call as it appears in an assistant message of the history (OpenAI wire shape). */
export interface AssistantToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface SystemMessage {
  role: "system";
  content: string | TextPart[];
}

export interface UserMessage {
  role: "user";
  content: string | ContentPart[];
  name?: string;
}

export interface AssistantMessage {
  role: "assistant";
  content: string | TextPart[] | null;
  tool_calls?: AssistantToolCall[];
}

export interface ToolMessage {
  role: "tool";
  content: string | TextPart[];
  tool_call_id: string;
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export type ChatFormat = Message[];

/** What every generate method accepts: a plain string is one user message. */
export type Prompt = string | readonly Message[];

export function toChatFormat(prompt: Prompt): ChatFormat {
  return typeof prompt === "string" ? [{ role: "user", content: prompt }] : [...prompt];
}

/** The text of a message's content, with non-text parts left out. */
export function contentText(content: string | readonly ContentPart[] | null | undefined): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  let text = "";
  for (const part of content) if (part.type === "text") text += part.text;
  return text;
}

/** Splits a `data:` URL into its media type and base64 payload; `undefined` for any other URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+)?(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  if (!match) return undefined;
  return { mediaType: match[1] ?? "application/octet-stream", data: match[2] ?? "" };
}
