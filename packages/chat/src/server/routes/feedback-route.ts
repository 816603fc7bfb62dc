import { type RouteInput } from "../api-context";
import { type BodyResponse, jsonResponse } from "../http/api-response";
import { readJson } from "../http/read-body";
import { FeedbackRequestSchema } from "../request-schemas";
import { validateBody } from "../validation";

/** POST /api/feedback: hands the like/dislike and its form payload to `saveFeedback`. */
export async function feedbackRoute({ request, context }: RouteInput): Promise<BodyResponse> {
  const feedback = validateBody(FeedbackRequestSchema, await readJson(request, context.bodyLimit.bytes, context.bodyLimit.label));
  await context.chat.saveFeedback(feedback.message_id, feedback.feedback, feedback.payload ?? {});
  return jsonResponse({ status: "success" });
}
