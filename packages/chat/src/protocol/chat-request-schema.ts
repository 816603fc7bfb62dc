import { z } from "zod";
import { JsonObjectSchema } from "./json-object-schema";

/**
 * The body of POST /api/chat as the server validates it (PROTOCOL.md, "Requests"). The TypeScript
 * types of the request (chat-request.ts) are inferred from these schemas, so the two cannot drift.
 * Runtime zod lives here only: the browser client imports the inferred types, never this module.
 */

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const HistoryMessageSchema = z.object({
  role: z.enum(["user", "assistant", "system"]),
  content: z.string(),
  extra: JsonObjectSchema.nullable().optional(),
});

/** A tool-call confirmation the user gave in the UI, sent back in the next request's context. */
export const ToolConfirmationSchema = z.looseObject({ confirmation_id: z.string(), confirmed: z.boolean() });

/** The request's `context`: the protocol's snake_case keys; other keys reach the app as extras. */
export const ChatContextSchema = z.looseObject({
  conversation_id: z.string().max(256).nullable().optional(),
  message_id: z.string().max(256).nullable().optional(),
  state: JsonObjectSchema.optional(),
  signature: z.string().max(256).optional(),
  timezone: z.string().max(64).refine(isTimeZone, "Invalid time zone: expected an IANA name such as Europe/Warsaw").optional(),
  user_settings: JsonObjectSchema.optional(),
  tool_confirmations: z.array(ToolConfirmationSchema).optional(),
});

export const ChatRequestSchema = z.object({
  message: z.string(),
  history: z.array(HistoryMessageSchema).default([]),
  context: ChatContextSchema.default({}),
});

/** A validated request, defaults applied: what the server works with. */
export type ChatRequest = z.output<typeof ChatRequestSchema>;
