/**
 * @ragbits/chat: turn one async generator into a production chat server.
 *
 * Implement `ChatInterface.chat()`, then serve it with `new RagbitsAPI(MyChat).run()` or the
 * `ragbits api run` CLI. The client lives at `@ragbits/chat/client`.
 */

// Writing a chat
export { ChatInterface, type FeedbackType } from "./interface/chat-interface";
export { type ChatContext, type ToolConfirmation, type User } from "./interface/chat-context";
export {
  type FeedbackConfig,
  type FeedbackItemConfig,
  type FormSchema,
  FormSchemaError,
  type JsonSchemaObject,
  type LegacyZodSchemaLike,
  type StandardSchemaLike,
  type UICustomization,
  type UserSettingsConfig,
  toJsonSchema,
} from "./interface/chat-config";
export { type SummaryGenerator, firstWordsSummary } from "./interface/summary-generator";
export { type UploadHandler, type UploadedFile } from "./interface/uploaded-file";
export { type ChatTurn, type StreamChatOptions, type WireContext, streamChat } from "./interface/stream-chat";

// Responses
export * from "./protocol/chat-response";
export * from "./protocol/chat-request";
export * from "./responses/create-responses";

// History persistence
export * from "./history";

// State signing
export { StateSigner, canonicalJson, defaultStateSigner } from "./state/state-signing";

// Serving
export { type FetchRequestOptions, RagbitsAPI, type RagbitsAPIOptions, type RunOptions, type RunningServer } from "./server/ragbits-api";
export { type ContentSecurityPolicy, RELAXED_CSP, STRICT_CSP } from "./server/http/security-headers";
export { ThemeFileError } from "./server/theme-file";
export { HttpError, type HttpErrorOptions } from "./server/http/http-error";
export { type ApiKeyCheck, DEFAULT_OPENAI_MODEL_NAME, type OpenAICompatibleOptions } from "./server/routes/openai/openai-compatible-options";
export { OpenAICompatibleKeysRequiredError, isLoopbackHost } from "./server/routes/openai/loopback-host";

// Authentication
export { type AuthenticationBackend, isAuthenticationBackend } from "./auth/authentication-backend";
export { ListAuthentication, type ListedUser } from "./auth/list-authentication";
export { type LoginRateLimit } from "./auth/login-rate-limiter";

// OAuth2 / OpenID Connect sign-in
export { type AuthMethod, type AuthMethods, MultiAuthenticationBackend, isAuthMethod } from "./auth/oidc/multi-authentication-backend";
export { type AuthorizationRequest, type OAuth2ButtonStyle, type OAuth2Provider, isOAuth2Provider } from "./auth/oidc/oauth2-provider";
export { OpenIdConnectProvider, type OpenIdConnectOptions, type ProviderClientOptions } from "./auth/oidc/openid-connect-provider";
export { OAuth2UserInfoProvider, type OAuth2UserInfoOptions, type UserApiGet } from "./auth/oidc/oauth2-user-info-provider";
export { type Claims, type UserMappingOptions, userFromClaims } from "./auth/oidc/user-from-claims";
export { SignInError, type SignInErrorCode } from "./auth/oidc/sign-in-error";
export { type GoogleProviderOptions, googleProvider } from "./auth/oidc/presets/google-provider";
export { type MicrosoftEntraProviderOptions, microsoftEntraProvider } from "./auth/oidc/presets/microsoft-entra-provider";
export { type GitHubProviderOptions, githubProvider } from "./auth/oidc/presets/github-provider";
export { type DiscordProviderOptions, discordProvider } from "./auth/oidc/presets/discord-provider";

// Server state: sessions, login limits, history and feedback behind one seam (memory, SQLite, PostgreSQL)
export { type CloseOptions } from "./server/ragbits-api";
export { type ServerStores, type StoreKind } from "./stores/server-stores";
export { type OpenStoresOptions, openStores } from "./stores/open-stores";
export { StoreError, type StoreErrorCode, type StoreErrorOptions } from "./stores/store-error";
export { type StoreLogger } from "./stores/store-logger";
export { type DatabaseTarget, describeDatabaseUrl, parseDatabaseUrl } from "./stores/database-url";
export { type SessionStore, DEFAULT_SESSION_TTL_MS } from "./auth/session-store";
export { MemorySessionStore } from "./auth/memory-session-store";
export { type LoginAttemptStore, type LoginFailures } from "./auth/login-attempt-store";
export { MemoryLoginAttemptStore } from "./auth/memory-login-attempt-store";
export { AUTH_STATE_RETENTION_MS, type AuthStateLookup, type AuthStateStore } from "./auth/oidc/auth-state-store";
export { MemoryAuthStateStore } from "./auth/oidc/memory-auth-state-store";
export { DEFAULT_LOGIN_RATE_LIMIT, LoginRateLimiter } from "./auth/login-rate-limiter";
export { MemoryStores } from "./stores/memory/memory-stores";
export { SqliteStores } from "./stores/sqlite/sqlite-stores";
export { SqliteDatabase, type SqliteDatabaseOptions } from "./stores/sqlite/sqlite-database";
export { PostgresStores } from "./stores/postgres/postgres-stores";
export { type PostgresOptions } from "./stores/postgres/postgres-options";

// Observability (OpenTelemetry; docs/observability.md)
export { type TelemetryOptions } from "./telemetry/telemetry-options";
export { type TraceLogFields, traceLogFields } from "./telemetry/trace-log-fields";
