import { type User } from "../../interface/chat-context";

/**
 * How the UI draws a provider's button: GET /api/config's `oauth2_providers` entries carry these
 * (as Python Ragbits' `OAuth2ProviderConfig`: `color`, `button_color`, `text_color`, `icon_svg`).
 */
export interface OAuth2ButtonStyle {
  /** The brand color. */
  color?: string | null;
  /** The button's background (default: `color`). */
  buttonColor?: string | null;
  /** The button's text color (default white). */
  textColor?: string | null;
  /** An SVG icon (markup). Our UI shows it as an image, so it can never run script. */
  iconSvg?: string | null;
}

/** What one sign-in needs at the provider, made fresh for every attempt and kept on the server. */
export interface AuthorizationRequest {
  /** The CSRF token the provider hands back in the callback. */
  state: string;
  /** The PKCE verifier (its S256 challenge goes into the authorization URL). */
  codeVerifier: string;
  /** Binds the ID token to this attempt (OpenID Connect; plain OAuth2 providers ignore it). */
  nonce: string;
  /** This server's callback URL, exactly as registered at the provider. */
  redirectUri: string;
}

/**
 * One OAuth2 / OpenID Connect sign-in provider ("Sign in with Google"). The server does the flow's
 * bookkeeping (state, PKCE verifier, nonce, the pending sign-in in the stores, the browser binding);
 * a provider only builds the authorization URL and turns the callback into a User.
 *
 * Built-in: `OpenIdConnectProvider` (any OpenID Connect provider, by discovery), `OAuth2UserInfoProvider`
 * (plain OAuth2 with a user API), and the presets `googleProvider`, `microsoftEntraProvider`,
 * `githubProvider`, `discordProvider`. Pass one as RagbitsAPI's `auth`, or several (with a password
 * backend) in a `MultiAuthenticationBackend`.
 */
export interface OAuth2Provider {
  /** The URL segment (`/api/auth/authorize/<name>`, `/api/auth/callback/<name>`): lower case letters, digits, `-`, `_`. */
  readonly name: string;
  /** The button's text: "Sign in with <displayName>". */
  readonly displayName: string;
  readonly button: OAuth2ButtonStyle;
  /**
   * The callback URL registered at the provider, when it must be a fixed one. Otherwise the server
   * uses `<baseUrl>/api/auth/callback/<name>` (RagbitsAPI's `baseUrl`, RAGBITS_BASE_URL).
   */
  readonly redirectUri?: string | undefined;
  /** The provider's authorization URL for this attempt. May throw a SignInError ("provider_unavailable"). */
  authorizationUrl(request: AuthorizationRequest): Promise<string>;
  /**
   * Finishes the sign-in: `callbackUrl` is the registered redirect URI with the query the provider
   * sent back (code, state, iss). Exchanges the code, verifies what came back, returns the User;
   * throws a SignInError for every expected failure (a refused code, a bad ID token, the allow-list).
   */
  signIn(callbackUrl: URL, request: AuthorizationRequest): Promise<User>;
}

const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isOAuth2Provider(value: unknown): value is OAuth2Provider {
  const candidate = value as OAuth2Provider | null;
  return typeof candidate === "object" && candidate !== null && typeof candidate.name === "string" && typeof candidate.authorizationUrl === "function" && typeof candidate.signIn === "function";
}

/** A provider name that is safe in a URL path and distinct from every other: refused at start-up otherwise. */
export function checkProviderName(name: string): string {
  if (!PROVIDER_NAME.test(name)) throw new TypeError(`OAuth2 provider name "${name}": use 1-64 lower-case letters, digits, "-" or "_" (it is a URL segment)`);
  return name;
}
