import { isHistoryStore } from "../../history/history-store";
import { type RouteInput } from "../api-context";
import { type BodyResponse, jsonResponse } from "../http/api-response";
import { readJson } from "../http/read-body";
import { FeedbackRequestSchema } from "../request-schemas";
import { validateBody } from "../validation";

/**
 * POST /api/feedback: records the like/dislike and its form payload on the interaction in the history
 * store (when it is a HistoryStore: any replica's feedback lands on the interaction any replica
 * wrote), then hands it to the app's `saveFeedback`. The store goes first: when it is down the client
 * gets a 503 and may send the same feedback again, which replaces it rather than adding to it.
 */
export async function feedbackRoute({ request, session, context }: RouteInput): Promise<BodyResponse> {
  const feedback = validateBody(FeedbackRequestSchema, await readJson(request, context.bodyLimit.bytes, context.bodyLimit.label));
  const store = context.chat.historyPersistence;
  if (isHistoryStore(store)) {
    await store.saveFeedback({
      messageId: feedback.message_id,
      feedback: feedback.feedback,
      payload: feedback.payload ?? {},
      createdAt: Date.now(),
      ...(session.user ? { userId: session.user.user_id } : {}),
    });
  }
  await context.chat.saveFeedback(feedback.message_id, feedback.feedback, feedback.payload ?? {});
  return jsonResponse({ status: "success" });
}
