import { type WireEvent } from "../protocol/chat-response";
import { protocolError } from "./client-errors";

type FieldKind = "string" | "object" | "integer" | "string[]";

/**
 * The fields the client relies on, per event type. Other types (and extra fields) pass through
 * untouched, so a newer server's additions do not break an older client.
 */
const REQUIRED_FIELDS: Record<string, Record<string, FieldKind>> = {
  text: { text: "string" },
  reference: { title: "string", content: "string" },
  state_update: { state: "object", signature: "string" },
  message_id: { message_id: "string" },
  conversation_id: { conversation_id: "string" },
  conversation_summary: { summary: "string" },
  followup_messages: { messages: "string[]" },
  image: { id: "string", url: "string" },
  chunked_content: { id: "string", content_type: "string", chunk_index: "integer", total_chunks: "integer", mime_type: "string", data: "string" },
  usage: { usage: "object" },
  error: { message: "string" },
};

/** Parses one `data:` payload: a JSON object `{ type, content }` whose content has the fields its type needs. */
export function parseWireEvent(data: string): WireEvent {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw protocolError("Malformed event: the data line is not JSON", data);
  }
  if (!isObject(value) || typeof value.type !== "string") throw malformed(data);
  const content = upgradeLegacyContent(value.type, value.content);
  if (!isObject(content)) throw malformed(data);
  const invalid = invalidField(value.type, content);
  if (invalid) throw protocolError(`Malformed ${value.type} event: "${invalid}" is missing or has the wrong type`, data);
  return { type: value.type, content };
}

function malformed(data: string) {
  return protocolError('Malformed event: expected {"type": string, "content": object}', data);
}

/**
 * Ragbits servers from before content objects sent these events' values bare (`"content": "Hi"`,
 * a list of follow-ups); they are read as today's shape, so older servers keep working.
 */
const LEGACY_CONTENT_KEYS: Record<string, string> = { text: "text", message_id: "message_id", conversation_id: "conversation_id", conversation_summary: "summary", followup_messages: "messages" };

function upgradeLegacyContent(type: string, content: unknown): unknown {
  const key = Object.hasOwn(LEGACY_CONTENT_KEYS, type) ? LEGACY_CONTENT_KEYS[type] : undefined;
  if (key === undefined) return content;
  const bare = type === "followup_messages" ? Array.isArray(content) : typeof content === "string";
  return bare ? { [key]: content } : content;
}

function invalidField(type: string, content: Record<string, unknown>): string | undefined {
  const fields = Object.hasOwn(REQUIRED_FIELDS, type) ? REQUIRED_FIELDS[type] : undefined;
  for (const [name, kind] of Object.entries(fields ?? {})) {
    if (!hasKind(content[name], kind)) return name;
  }
  return undefined;
}

function hasKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case "string":
      return typeof value === "string";
    case "object":
      return isObject(value);
    case "integer":
      return Number.isInteger(value);
    case "string[]":
      return Array.isArray(value) && value.every((item) => typeof item === "string");
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
