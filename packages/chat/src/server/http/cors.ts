import { THEME_HEADER } from "../../protocol/config-response";
import { CONVERSATIONS_HEADER } from "../../protocol/conversations";
import { RESUME_TOKEN_HEADER } from "../../protocol/resumable-stream";
import { type ApiRequest } from "./api-request";
import { type BodyResponse, type ResponseHeaders } from "./api-response";

const ALLOWED_METHODS = "GET,HEAD,POST,DELETE,OPTIONS";
const PREFLIGHT_MAX_AGE_S = "600";

/**
 * CORS for the configured origins only (with credentials: the session cookie). A request from any
 * other origin gets no CORS header at all, so the browser refuses it; a refused preflight is a
 * plain 204 that grants nothing.
 */
export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins);
  }

  /** The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`), or undefined. */
  preflight(request: ApiRequest): BodyResponse | undefined {
    if (request.method !== "OPTIONS" || request.header("access-control-request-method") === undefined) return undefined;
    const headers: ResponseHeaders = { vary: "Origin, Access-Control-Request-Headers", "content-length": "0" };
    const granted = this.allowedOrigin(request);
    if (granted) {
      Object.assign(headers, this.grant(granted), { "access-control-allow-methods": ALLOWED_METHODS, "access-control-max-age": PREFLIGHT_MAX_AGE_S });
      const requested = request.header("access-control-request-headers");
      if (requested) headers["access-control-allow-headers"] = requested;
    }
    return { status: 204, headers, body: null };
  }

  /** Headers to add to an ordinary answer. */
  headers(request: ApiRequest): ResponseHeaders {
    const granted = this.allowedOrigin(request);
    return granted ? { ...this.grant(granted), vary: "Origin" } : { vary: "Origin" };
  }

  private allowedOrigin(request: ApiRequest): string | undefined {
    const origin = request.header("origin");
    return origin !== undefined && this.origins.has(origin) ? origin : undefined;
  }

  private grant(origin: string): ResponseHeaders {
    return { "access-control-allow-origin": origin, "access-control-allow-credentials": "true", "access-control-expose-headers": `${THEME_HEADER}, ${CONVERSATIONS_HEADER}, ${RESUME_TOKEN_HEADER}` };
  }
}
