import { HttpError } from "../../http/http-error";

/** The `type` field OpenAI's API gives its errors. */
export type OpenAIErrorType = "invalid_request_error" | "authentication_error" | "permission_error" | "not_found_error" | "requests" | "server_error";

/** OpenAI's error object: sent as `{ "error": ... }`, in a JSON answer or as an SSE data frame mid-stream. */
export interface OpenAIErrorBody {
  message: string;
  type: OpenAIErrorType;
  param: string | null;
  code: string | null;
}

export function openAIErrorBody(message: string, type: OpenAIErrorType, details: { param?: string | null; code?: string | null } = {}): OpenAIErrorBody {
  return { message, type, param: details.param ?? null, code: details.code ?? null };
}

/** An error answer in OpenAI's shape, which the OpenAI SDKs raise as the APIError subclass of its status. */
export function openAIError(status: number, message: string, type: OpenAIErrorType, details: { param?: string | null; code?: string | null; headers?: Record<string, string> } = {}): HttpError {
  return new HttpError(status, message, { headers: details.headers, body: { error: openAIErrorBody(message, type, details) } });
}

const TYPE_BY_STATUS: Record<number, OpenAIErrorType> = { 401: "authentication_error", 403: "permission_error", 404: "not_found_error" };

/**
 * Any failure of an /v1 route as an OpenAI-shaped HttpError: the framework's `{ detail }` errors
 * (a body too large, not JSON…) keep their status; anything else is a 500 that says nothing more
 * (the caller logs it).
 */
export function toOpenAIError(error: unknown): HttpError | undefined {
  if (!HttpError.isInstance(error)) return undefined;
  if ("error" in error.body) return error;
  const detail = error.body.detail;
  const message = typeof detail === "string" ? detail : error.message;
  const type = TYPE_BY_STATUS[error.status] ?? (error.status >= 500 ? "server_error" : "invalid_request_error");
  return openAIError(error.status, message, type, { headers: error.headers });
}
