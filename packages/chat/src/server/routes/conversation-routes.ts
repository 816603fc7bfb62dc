import { MAX_PAGE_SIZE } from "../../history/conversation-cursor";
import { conversationTitle } from "../../history/conversation-owner";
import { type HistoryStore, type InteractionWithFeedback, isHistoryStore } from "../../history/history-store";
import { type ConversationInteraction, type ConversationListItem, type ConversationListResponse, type ConversationResponse } from "../../protocol/conversations";
import { StoreError } from "../../stores/store-error";
import { type ApiContext, type RouteInput } from "../api-context";
import { type BodyResponse, jsonResponse } from "../http/api-response";
import { HttpError } from "../http/http-error";

/** A user's own conversations must never sit in a shared cache. */
const PRIVATE = { "cache-control": "no-store" };

/** Where the signed-in user's conversations are kept; undefined when the server offers none. */
export function conversationStore(context: ApiContext): HistoryStore | undefined {
  // Without auth every conversation belongs to nobody: listing them would show everyone's to everyone.
  if (!context.auth) return undefined;
  const history = context.chat.historyPersistence;
  return isHistoryStore(history) ? history : undefined;
}

/** GET /api/conversations?limit=1..100&cursor=… — the signed-in user's conversations, newest first. */
export async function listConversationsRoute({ request, session, context }: RouteInput): Promise<BodyResponse> {
  const store = offered(context, request.method, request.path);
  const query = new URLSearchParams(request.query ?? "");
  const limit = parseLimit(query.get("limit"));
  const cursor = query.get("cursor") ?? undefined;
  let page;
  try {
    page = await store.listConversations(session.user?.user_id, { limit, cursor });
  } catch (error) {
    if (StoreError.isInstance(error) && error.code === "invalid-cursor") throw queryError("cursor", "value_error", "Value error, the cursor is not one this server handed out", cursor);
    throw error;
  }
  const body: ConversationListResponse = {
    conversations: page.conversations.map(
      (conversation): ConversationListItem => ({
        id: conversation.conversationId,
        title: conversation.title,
        created_at: conversation.createdAt,
        updated_at: conversation.updatedAt,
        interaction_count: conversation.interactionCount,
      }),
    ),
    next_cursor: page.nextCursor,
  };
  return jsonResponse(body, 200, { ...PRIVATE });
}

/** GET /api/conversations/:id — its interactions with their feedback; 404 for an unknown id and for another user's alike. */
export async function readConversationRoute({ request, session, context, params }: RouteInput): Promise<BodyResponse> {
  const store = offered(context, request.method, request.path);
  const id = params.id!;
  const interactions = await store.readConversation(id, session.user?.user_id);
  if (!interactions || interactions.length === 0) throw notFound();
  const first = interactions[0]!;
  const body: ConversationResponse = {
    id,
    title: conversationTitle(first.message),
    created_at: Math.min(...interactions.map((interaction) => interaction.startedAt)),
    updated_at: Math.max(...interactions.map((interaction) => interaction.finishedAt)),
    interaction_count: interactions.length,
    interactions: interactions.map(toWire),
  };
  return jsonResponse(body, 200, { ...PRIVATE });
}

/** DELETE /api/conversations/:id — the conversation, its interactions and their feedback; 404 as for reading. */
export async function deleteConversationRoute({ request, session, context, params }: RouteInput): Promise<BodyResponse> {
  const store = offered(context, request.method, request.path);
  if (!(await store.deleteConversation(params.id!, session.user?.user_id))) throw notFound();
  return jsonResponse({ status: "success" }, 200, { ...PRIVATE });
}

/** The store, or the 404 any unknown API path gets: a server that offers no conversations has no such routes. */
function offered(context: ApiContext, method: string, path: string): HistoryStore {
  const store = conversationStore(context);
  if (!store) throw new HttpError(404, `Not found: ${method} ${path}`);
  return store;
}

// One answer for "no such conversation" and "someone else's": the id's existence is not revealed.
function notFound(): HttpError {
  return new HttpError(404, "Conversation not found");
}

function toWire(interaction: InteractionWithFeedback): ConversationInteraction {
  return {
    message_id: interaction.messageId,
    message: interaction.message,
    answer: interaction.response,
    events: interaction.events,
    status: interaction.status,
    error: interaction.error ?? null,
    started_at: interaction.startedAt,
    finished_at: interaction.finishedAt,
    feedback: interaction.feedback ? { feedback: interaction.feedback.feedback, payload: interaction.feedback.payload, created_at: interaction.feedback.createdAt } : null,
  };
}

/** `limit`: an integer 1..100 (default 20, the store's); anything else is a 422 shaped like FastAPI's. */
function parseLimit(raw: string | null): number | undefined {
  if (raw === null || raw === "") return undefined;
  if (!/^\d{1,9}$/.test(raw)) throw queryError("limit", "int_parsing", "Input should be a valid integer, unable to parse string as an integer", raw);
  const limit = Number(raw);
  if (limit < 1) throw queryError("limit", "greater_than_equal", "Input should be greater than or equal to 1", raw);
  if (limit > MAX_PAGE_SIZE) throw queryError("limit", "less_than_equal", `Input should be less than or equal to ${MAX_PAGE_SIZE}`, raw);
  return limit;
}

function queryError(name: string, type: string, msg: string, input: string | undefined): HttpError {
  const shown = input !== undefined && input.length > 200 ? `${input.slice(0, 200)}…` : input;
  return new HttpError(422, undefined, { body: { detail: [{ type, loc: ["query", name], msg, input: shown ?? null }] } });
}
