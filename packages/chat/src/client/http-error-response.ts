import { RagbitsHTTPError, type ValidationIssue } from "./client-errors";
import { type Redactor, redactDeep } from "@ragbits/core/redact";

/**
 * Reads a non-2xx answer into a RagbitsHTTPError. The server answers `{ detail }` (a message, or
 * the 422 list of issues); proxies in between may answer HTML or nothing, which is kept as text.
 * Configured credentials the server echoes back are masked before they reach the error.
 */
export async function httpErrorFromResponse(response: Response, request: string, redact: Redactor): Promise<RagbitsHTTPError> {
  const body = await response.text();
  return new RagbitsHTTPError({
    request,
    status: response.status,
    statusText: response.statusText,
    detail: parseDetail(body, redact),
    body: redact(body),
  });
}

function parseDetail(body: string, redact: Redactor): string | ValidationIssue[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || !("detail" in parsed)) return undefined;
  // Parsed before redacting: a secret with characters JSON escapes would not match in the raw text.
  const detail = redactDeep((parsed as { detail: unknown }).detail, redact);
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.filter((issue): issue is ValidationIssue => typeof issue === "object" && issue !== null);
  return detail === null || detail === undefined ? undefined : JSON.stringify(detail);
}
