import { z } from "zod";
import { JsonObjectSchema } from "./json-object-schema";

/** The body of POST /api/feedback. */
export const FeedbackRequestSchema = z.object({
  message_id: z.string().min(1).max(256),
  feedback: z.enum(["like", "dislike"]),
  payload: JsonObjectSchema.nullable().optional(),
});

export type FeedbackRequest = z.input<typeof FeedbackRequestSchema>;

export type FeedbackType = FeedbackRequest["feedback"];
