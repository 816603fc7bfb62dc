import { z } from "zod";

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const JsonObject = z.record(z.string(), z.unknown());

export const HistoryMessageSchema = z.object({
  role: z.enum(["user", "assistant", "system"]),
  content: z.string(),
  extra: JsonObject.nullable().optional(),
});

export const ChatContextSchema = z.looseObject({
  conversation_id: z.string().max(256).nullable().optional(),
  message_id: z.string().max(256).nullable().optional(),
  state: JsonObject.optional(),
  signature: z.string().max(256).optional(),
  timezone: z.string().max(64).refine(isTimeZone, "Invalid time zone: expected an IANA name such as Europe/Warsaw").optional(),
  user_settings: JsonObject.optional(),
  tool_confirmations: z.array(z.looseObject({ confirmation_id: z.string(), confirmed: z.boolean() })).optional(),
});

export const ChatRequestSchema = z.object({
  message: z.string(),
  history: z.array(HistoryMessageSchema).default([]),
  context: ChatContextSchema.default({}),
});

export const FeedbackRequestSchema = z.object({
  message_id: z.string().min(1).max(256),
  feedback: z.enum(["like", "dislike"]),
  payload: JsonObject.nullable().optional(),
});

export const LoginRequestSchema = z.object({
  username: z.string().min(1).max(256),
  password: z.string().max(1024),
});

export type ChatRequest = z.output<typeof ChatRequestSchema>;
