import { randomBytes } from "node:crypto";
import { bindingCookie, bindingHash, bindingValue, clearedBindingCookie, isSameBrowser } from "../../auth/oidc/browser-binding";
import { type OAuth2Provider } from "../../auth/oidc/oauth2-provider";
import { SIGN_IN_TTL_MS } from "../../auth/oidc/pending-sign-ins";
import { safeReturnPath } from "../../auth/oidc/return-path";
import { SignInError, type SignInErrorCode } from "../../auth/oidc/sign-in-error";
import { sessionCookie } from "../../auth/session-cookie";
import { type AuthContext, type RouteInput } from "../api-context";
import { type ApiRequest } from "../http/api-request";
import { type BodyResponse, jsonResponse } from "../http/api-response";
import { HttpError } from "../http/http-error";
import { hostHeaderName, isLoopbackHost } from "./openai/loopback-host";

/**
 * GET /api/auth/authorize/{provider} → `{authorize_url, state}` (as Python Ragbits). Starts a sign-in:
 * a fresh state, PKCE verifier and nonce, kept server-side (sealed, in the stores) so the callback may
 * reach any replica; the browser gets the binding cookie. `?return_to=<path>` says where to go after.
 */
export async function authorizeRoute({ request, context, params }: RouteInput): Promise<BodyResponse> {
  const auth = requireAuth(context.auth);
  const provider = auth.providers.get(params.provider ?? "");
  if (!provider) throw new HttpError(404, `OAuth2 provider '${params.provider ?? ""}' not found`);
  const query = new URLSearchParams(request.query ?? "");
  const sign = { state: randomToken(), codeVerifier: randomToken(), nonce: randomToken(), redirectUri: redirectUri(auth, request, provider) };
  let authorizeUrl: string;
  try {
    authorizeUrl = await provider.authorizationUrl(sign);
  } catch (error) {
    context.logger.warn({ err: error, provider: provider.name }, "OAuth2 sign-in could not start");
    throw new HttpError(502, `Sign-in with ${provider.displayName} is not available right now; please try again later.`);
  }
  const binding = bindingValue(request.header("cookie"), auth.cookie);
  await auth.pendingSignIns.save(sign.state, {
    provider: provider.name,
    redirectUri: sign.redirectUri,
    returnTo: safeReturnPath(query.get("return_to"), request.mountPath),
    codeVerifier: sign.codeVerifier,
    nonce: sign.nonce,
    browserHash: bindingHash(binding),
  });
  return jsonResponse({ authorize_url: authorizeUrl, state: sign.state }, 200, { "set-cookie": bindingCookie(binding, auth.cookie, SIGN_IN_TTL_MS), "cache-control": "no-store" });
}

/**
 * GET /api/auth/callback/{provider}: where the provider sends the browser back. Checks the state
 * (known, unused, unexpired, for this provider, from this browser), lets the provider exchange the
 * code and verify what comes back, starts a session in the session store and redirects to the app.
 * Every failure redirects to the UI's login page with `?error=<code>` (and a log line with the reason).
 */
export async function callbackRoute({ request, session, context, params }: RouteInput): Promise<BodyResponse> {
  const auth = requireAuth(context.auth);
  const query = new URLSearchParams(request.query ?? "");
  const providerName = params.provider ?? "";
  try {
    const provider = auth.providers.get(providerName);
    if (!provider) throw new SignInError("unknown_provider", `no OAuth2 provider is named "${providerName}"`);
    const state = query.get("state");
    if (!state) throw providerError(query) ?? new SignInError("invalid_state", "the callback carries no state");
    const found = await auth.pendingSignIns.take(state);
    if (found.status !== "found") throw stateError(found.status);
    const pending = found.pending;
    if (pending.provider !== provider.name) throw new SignInError("invalid_state", `the state was handed out for provider "${pending.provider}"`);
    if (!isSameBrowser(request.header("cookie"), auth.cookie, pending.browserHash)) {
      throw new SignInError("browser_mismatch", "the callback comes from another browser than the one that started the sign-in (no or another binding cookie)");
    }
    const refused = providerError(query);
    if (refused) throw refused;
    if (!query.get("code")) throw new SignInError("missing_code", "the callback carries no authorization code");
    const callbackUrl = new URL(pending.redirectUri);
    callbackUrl.search = request.query ?? "";
    const user = await provider.signIn(callbackUrl, { state, codeVerifier: pending.codeVerifier, nonce: pending.nonce, redirectUri: pending.redirectUri });
    // A new session id on every sign-in: an id planted before is useless afterwards.
    if (session.sessionId) await auth.sessions.delete(session.sessionId);
    const sessionId = await auth.sessions.create(user, auth.cookie.maxAgeMs);
    context.logger.info({ provider: provider.name, userId: user.user_id }, "signed in with OAuth2");
    return redirect(pending.returnTo, [sessionCookie(sessionId, auth.cookie), clearedBindingCookie(auth.cookie)]);
  } catch (error) {
    const failure = SignInError.isInstance(error) ? error : undefined;
    const code: SignInErrorCode = failure?.code ?? "server_error";
    if (failure) context.logger.warn({ provider: providerName, code, reason: failure.message }, "OAuth2 sign-in failed");
    else context.logger.error({ err: error, provider: providerName }, "OAuth2 sign-in failed");
    return redirect(`${request.mountPath}/login?error=${code}`, []);
  }
}

function stateError(status: "used" | "expired" | "unknown"): SignInError {
  if (status === "used") return new SignInError("state_reused", "the callback's state was used already (a replayed sign-in link)");
  if (status === "expired") return new SignInError("state_expired", "the sign-in was started too long ago");
  return new SignInError("invalid_state", "the callback's state was never handed out by this server");
}

/** The provider's own error answer (`?error=access_denied`), if the callback carries one. */
function providerError(query: URLSearchParams): SignInError | undefined {
  const error = query.get("error");
  if (!error) return undefined;
  const description = (query.get("error_description") ?? "").slice(0, 300);
  return new SignInError(error === "access_denied" ? "access_denied" : "provider_error", `the provider answered "${error.slice(0, 100)}"${description ? `: ${description}` : ""}`);
}

function requireAuth(auth: AuthContext | undefined): AuthContext {
  if (!auth || auth.providers.size === 0) throw new HttpError(404, "Not found");
  return auth;
}

/**
 * This server's callback URL for a provider: the provider's own `redirectUri`, else
 * `<baseUrl>/api/auth/callback/<name>`. Without a base URL, a request to a loopback address (a
 * developer's machine) names it; any other Host header is not trusted for this.
 */
function redirectUri(auth: AuthContext, request: ApiRequest, provider: OAuth2Provider): string {
  if (provider.redirectUri) return provider.redirectUri;
  const callbackPath = `/api/auth/callback/${provider.name}`;
  if (auth.baseUrl) return `${auth.baseUrl}${callbackPath}`;
  const host = request.header("host");
  if (host && isLoopbackHost(hostHeaderName(host))) return `http://${host}${request.mountPath}${callbackPath}`;
  throw new HttpError(500, "OAuth2 sign-in needs this server's public URL: set RAGBITS_BASE_URL (or RagbitsAPI's baseUrl), e.g. https://chat.example.com");
}

function redirect(location: string, cookies: string[]): BodyResponse {
  return { status: 302, headers: { location, "cache-control": "no-store", ...(cookies.length ? { "set-cookie": cookies } : {}) }, body: null };
}

/** 256 random bits, URL-safe: state, PKCE verifier (43 characters, as RFC 7636 asks) and nonce. */
function randomToken(): string {
  return randomBytes(32).toString("base64url");
}
