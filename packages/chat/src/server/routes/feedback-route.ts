import { type RequestHandler } from "express";
import { type ApiContext } from "../api-context";
import { FeedbackRequestSchema } from "../request-schemas";
import { validateBody } from "../validation";

/** POST /api/feedback: hands the like/dislike and its form payload to `saveFeedback`. */
export function feedbackRoute(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const request = validateBody(FeedbackRequestSchema, req.body);
    await context.chat.saveFeedback(request.message_id, request.feedback, request.payload ?? {});
    res.json({ status: "success" });
  };
}
