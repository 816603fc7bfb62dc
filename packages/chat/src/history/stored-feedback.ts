import { type FeedbackRecord } from "./history-store";

/** The fields a store keeps, in a fixed order, so extra properties on the caller's object are not stored. */
export function feedbackShape(feedback: FeedbackRecord): FeedbackRecord {
  const shaped: FeedbackRecord = { messageId: feedback.messageId, feedback: feedback.feedback, payload: feedback.payload, createdAt: feedback.createdAt };
  if (feedback.userId !== undefined) shaped.userId = feedback.userId;
  return shaped;
}
