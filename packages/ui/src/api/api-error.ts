/** A non-2xx answer from the server, with the message it gave (`{"detail": ...}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Turns an error response into an ApiError with a readable message. */
export async function toApiError(response: Response): Promise<ApiError> {
  let detail: unknown;
  try {
    const text = await response.text();
    detail = text ? (JSON.parse(text) as { detail?: unknown }).detail ?? text : null;
  } catch {
    detail = null;
  }
  return new ApiError(response.status, describeDetail(detail) ?? `The server answered ${response.status} ${response.statusText}`.trim());
}

/** `detail` is a string, or (422) a list of `{loc, msg}` validation errors. */
export function describeDetail(detail: unknown): string | null {
  if (typeof detail === "string" && detail.trim() !== "") return detail.slice(0, 500);
  if (Array.isArray(detail)) {
    const messages = detail
      .map((d) => {
        const item = d as { msg?: unknown; loc?: unknown };
        const where = Array.isArray(item.loc) ? item.loc.filter((p) => p !== "body").join(".") : "";
        return typeof item.msg === "string" ? (where ? `${where}: ${item.msg}` : item.msg) : null;
      })
      .filter((m): m is string => m !== null);
    return messages.length ? messages.join("; ").slice(0, 500) : null;
  }
  return null;
}
