/**
 * The body of POST /api/chat, as it travels on the wire (snake_case, as in Ragbits). Types only:
 * inferred from the schemas the server validates with, and free of runtime code, so the browser
 * client can use them without bundling zod.
 */
import type { z } from "zod";
import type { ChatContextSchema, ChatRequestSchema, HistoryMessageSchema, ToolConfirmationSchema } from "./chat-request-schema";

/** One earlier turn, as the server expects it in `history`. */
export type ChatMessage = z.input<typeof HistoryMessageSchema>;

/** A tool-call confirmation the user gave in the UI, sent back in the next request's context. */
export type ToolConfirmation = z.input<typeof ToolConfirmationSchema>;

/** The request's `context`, with the protocol's snake_case keys; other keys reach the app as extras. */
export type ChatRequestContext = z.input<typeof ChatContextSchema>;

/** The state of a conversation as the server signed it (from a `state_update` event). */
export type SignedState = Required<Pick<ChatRequestContext, "state" | "signature">>;

/**
 * The body of POST /api/chat with `history` and `context` filled in, as clients send it and as the
 * server reads it once defaults are applied (a request may leave both out).
 */
export type ChatMessageRequest = z.output<typeof ChatRequestSchema>;
