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

/**
 * A file (a PDF) in a user message: OpenAI's `file` content part. `file_data` is a `data:` URL
 * (`data:application/pdf;base64,…`); `file_id` an OpenAI file id. `file_url` is ours: a file by
 * URL, which Anthropic fetches itself and OpenAI's chat completions cannot take.
 */
export interface FilePart {
  type: "file";
  file: { filename?: string; file_data?: string; file_id?: string; file_url?: string };
}

export type ContentPart = TextPart | ImagePart | FilePart;

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

/** A prompt as text or conversation: a plain string is one user message. */
export type ChatPrompt = string | readonly Message[];

/** Anything that renders itself as a conversation: every `Prompt` object (see `definePrompt`). */
export interface ChatFormatSource {
  toChatFormat(): ChatFormat;
}

/** The conversation a prompt stands for. */
export function toChatFormat(prompt: ChatPrompt | ChatFormatSource): ChatFormat {
  if (typeof prompt === "string") return [{ role: "user", content: prompt }];
  if (isChatFormatSource(prompt)) return prompt.toChatFormat();
  return [...prompt];
}

export function isChatFormatSource(value: unknown): value is ChatFormatSource {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as ChatFormatSource).toChatFormat === "function";
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
