// The request schemas are part of the protocol (src/protocol); the routes keep importing them here.
export * from "../protocol/chat-request-schema";
export * from "../protocol/feedback-request";
export * from "../protocol/login-request";
