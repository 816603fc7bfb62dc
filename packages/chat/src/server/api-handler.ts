import { readSessionId } from "../auth/session-cookie";
import { StoreError } from "../stores/store-error";
import { THEME_HEADER } from "../protocol/config-response";
import { CONVERSATIONS_HEADER } from "../protocol/conversations";
import { type ApiContext, type RouteInput, type Session } from "./api-context";
import { buildConfigResponse } from "./config-response";
import { type ApiRequest } from "./http/api-request";
import { type ApiResponse, type ResponseHeaders, jsonResponse } from "./http/api-response";
import { CorsPolicy } from "./http/cors";
import { HttpError } from "./http/http-error";
import { type ContentSecurityPolicy, securityHeaders } from "./http/security-headers";
import { loginRoute, logoutRoute, userRoute } from "./routes/auth-routes";
import { authorizeRoute, callbackRoute } from "./routes/oauth2-routes";
import { resumableChatRoute } from "./routes/resumable-chat-route";
import { resumeStreamRoute, stopTurnRoute } from "./routes/resume-routes";
import { conversationStore, deleteConversationRoute, listConversationsRoute, readConversationRoute } from "./routes/conversation-routes";
import { feedbackRoute } from "./routes/feedback-route";
import { healthRoute, readyRoute } from "./routes/health-routes";
import { type OpenAICompatibleConfig } from "./routes/openai/openai-compatible-options";
import { openAIError } from "./routes/openai/openai-error";
import { openAIRoutes } from "./routes/openai/openai-routes";
import { themeRoute } from "./routes/theme-route";
import { uploadRoute } from "./routes/upload-route";
import { RoutePattern } from "./route-pattern";
import { UiFiles } from "./ui-files";

type RouteHandler = (input: RouteInput) => Promise<ApiResponse>;

interface Route {
  handler: RouteHandler;
  /** With auth on, only signed-in users get through. */
  signedIn: boolean;
  /** A load balancer's probe: answered at once (no waiting for setup, no session), also while shutting down. */
  probe: boolean;
}

export interface ApiHandlerOptions {
  corsOrigins: readonly string[] | undefined;
  contentSecurityPolicy: ContentSecurityPolicy;
  uiBuildDir: string;
  /** Resolves once the app's `setup()` is done; API requests wait for it. */
  ready: () => Promise<void>;
  /** Serves the OpenAI-compatible endpoint under /v1 (routes/openai). */
  openaiCompatible?: OpenAICompatibleConfig;
}

interface PatternRoute extends Route {
  method: string;
  pattern: RoutePattern;
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * GET /api/config. The body stays byte-exact Ragbits; what our UI needs beyond it travels in
 * headers: whether a theme exists (so it asks /api/theme only when there is one; Python Ragbits'
 * UI, seeing no header, asks anyway) and whether the signed-in user's conversations are kept on the
 * server (/api/conversations; without the header a UI keeps them in the browser, as Ragbits' does).
 */
const configRoute: RouteHandler = async ({ context }) =>
  jsonResponse(buildConfigResponse(context.chat, { debugMode: context.debugMode, auth: context.auth }), 200, {
    [THEME_HEADER]: context.themePath ? "css" : "none",
    [CONVERSATIONS_HEADER]: conversationStore(context) ? "server" : "none",
  });

/**
 * The whole HTTP API, transport-neutral: an `ApiRequest` in, an `ApiResponse` out. Routing,
 * sessions, CORS, security headers and error answers live here once; the Express/node:http and
 * fetch adapters only translate requests and write responses.
 */
export class ApiHandler {
  /** Exact paths, looked up in one step: `${method} ${lower-case path}`. */
  private readonly routes = new Map<string, Route>();
  /** Paths with parameters (`/api/conversations/:id`), tried in order when no exact path matches. */
  private readonly patterns: PatternRoute[] = [];
  private readonly cors: CorsPolicy | undefined;
  private readonly commonHeaders: ResponseHeaders;
  private readonly ui: UiFiles;
  /** Paths answered by routes (the rest is the UI): /api, and /v1 when the OpenAI-compatible endpoint is on. */
  private readonly apiPaths: RegExp;
  private setupDone = false;

  constructor(
    private readonly context: ApiContext,
    private readonly options: ApiHandlerOptions,
  ) {
    this.cors = options.corsOrigins?.length ? new CorsPolicy(options.corsOrigins) : undefined;
    this.commonHeaders = securityHeaders(options.contentSecurityPolicy);
    this.ui = new UiFiles(options.uiBuildDir);
    this.add("GET", "/api/health", healthRoute, false, { probe: true });
    this.add("GET", "/api/ready", readyRoute, false, { probe: true });
    this.add("GET", "/api/config", configRoute, false);
    this.add("POST", "/api/chat", resumableChatRoute, true);
    this.add("GET", "/api/chat/:message_id/stream", resumeStreamRoute, true);
    this.add("POST", "/api/chat/:message_id/stop", stopTurnRoute, true);
    this.add("POST", "/api/feedback", feedbackRoute, true);
    this.add("POST", "/api/upload", uploadRoute, true);
    this.add("GET", "/api/theme", themeRoute, false);
    this.add("GET", "/api/user", userRoute, false);
    // Answered 404 unless auth is on and the history is a HistoryStore (see conversationStore).
    this.add("GET", "/api/conversations", listConversationsRoute, true);
    this.add("GET", "/api/conversations/:id", readConversationRoute, true);
    this.add("DELETE", "/api/conversations/:id", deleteConversationRoute, true);
    if (context.auth) {
      this.add("POST", "/api/auth/login", loginRoute, false);
      this.add("POST", "/api/auth/logout", logoutRoute, false);
      this.add("GET", "/api/auth/authorize/:provider", authorizeRoute, false);
      this.add("GET", "/api/auth/callback/:provider", callbackRoute, false);
    }
    // Guarded by their own API keys, not by the UI's sign-in.
    for (const route of options.openaiCompatible ? openAIRoutes(options.openaiCompatible) : []) this.add(route.method, route.path, route.handler, false);
    this.apiPaths = options.openaiCompatible ? /^\/(?:api|v1)(?:\/|$)/i : /^\/api(?:\/|$)/i;
  }

  /** Answers one request; never throws (every failure is an HTTP answer). */
  async handle(request: ApiRequest): Promise<ApiResponse> {
    let response: ApiResponse;
    try {
      response = this.cors?.preflight(request) ?? (await this.dispatch(request));
    } catch (error) {
      response = this.errorResponse(error, request);
    }
    // Every route builds a fresh headers object, so adding to it here is safe.
    Object.assign(response.headers, this.commonHeaders);
    if (this.cors) Object.assign(response.headers, this.cors.headers(request));
    return response;
  }

  private add(method: string, path: string, handler: RouteHandler, signedIn: boolean, { probe = false }: { probe?: boolean } = {}): void {
    const route = { handler, signedIn, probe };
    if (RoutePattern.hasParams(path)) this.patterns.push({ ...route, method, pattern: new RoutePattern(path) });
    else this.routes.set(`${method} ${path}`, route);
  }

  /** The route for a method and path (trailing slash already removed), with the path's parameters. */
  private match(method: string, path: string): { route: Route; params: Readonly<Record<string, string>> } | undefined {
    const exact = this.routes.get(`${method} ${path.toLowerCase()}`);
    if (exact) return { route: exact, params: NO_PARAMS };
    for (const route of this.patterns) {
      if (route.method !== method) continue;
      const params = route.pattern.match(path);
      if (params) return { route, params };
    }
    return undefined;
  }

  private async dispatch(request: ApiRequest): Promise<ApiResponse> {
    // Like Express's routing: case-insensitive, a trailing slash ignored, HEAD answered as GET.
    const path = request.path.length > 1 && request.path.endsWith("/") ? request.path.slice(0, -1) : request.path;
    const isApi = this.apiPaths.test(path);
    if (!isApi) return this.serveUi(request);
    const method = request.method === "HEAD" ? "GET" : request.method;
    const matched = this.match(method, path);
    const route = matched?.route;
    if (route?.probe) return route.handler({ request, session: {}, context: this.context, params: NO_PARAMS });
    // A replica that is stopping takes no new work: the client (or the load balancer) tries another one.
    if (this.context.lifecycle.shuttingDown) throw new HttpError(503, "The server is shutting down; please try again.", { headers: { "retry-after": "1" } });
    if (!this.setupDone) {
      await this.options.ready();
      this.setupDone = true;
    }
    if (!matched || !route) throw this.notFound(request, path);
    const session = await this.session(request);
    if (route.signedIn && this.context.auth && !session.user) throw new HttpError(401, "Not authenticated");
    return route.handler({ request, session, context: this.context, params: matched.params });
  }

  /** 404; under /v1 in OpenAI's own shape, which the OpenAI SDKs raise as NotFoundError. */
  private notFound(request: ApiRequest, path: string): HttpError {
    if (this.options.openaiCompatible && /^\/v1(?:\/|$)/i.test(path)) {
      return openAIError(404, `Invalid URL (${request.method} ${request.path})`, "invalid_request_error");
    }
    return new HttpError(404, `Not found: ${request.method} ${request.path}`);
  }

  private async serveUi(request: ApiRequest): Promise<ApiResponse> {
    const file = request.method === "GET" || request.method === "HEAD" ? await this.ui.serve(request) : undefined;
    if (!file) throw new HttpError(404, `Not found: ${request.method} ${request.path}`);
    return file;
  }

  private async session(request: ApiRequest): Promise<Session> {
    const auth = this.context.auth;
    if (!auth) return {};
    const sessionId = readSessionId(request.header("cookie"), auth.cookie.name);
    // The store is asked every time (no cache): a logout on any replica ends the session on all of them.
    const user = sessionId ? await auth.sessions.get(sessionId) : undefined;
    return user ? { user, sessionId } : {};
  }

  /** Every failure as JSON: known ones as their 4xx, anything else a logged 500 that says nothing more. */
  private errorResponse(error: unknown, request: ApiRequest): ApiResponse {
    if (HttpError.isInstance(error)) return jsonResponse(error.body, error.status, { ...error.headers });
    // The database is down: say so at once (the store logged the outage once); the client may retry.
    if (StoreError.isUnavailable(error)) return jsonResponse({ detail: "The database is unavailable; please try again shortly." }, 503, { "retry-after": "5" });
    this.context.logger.error({ err: error, method: request.method, path: request.path }, "request failed");
    return jsonResponse({ detail: "Internal server error" }, 500);
  }
}
