import type * as OpenIdClient from "openid-client";
import { type User } from "../../interface/chat-context";
import { type FlowStep, describeFlowError } from "./describe-flow-error";
import { type OpenIdClientModule, loadOpenIdClient } from "./load-openid-client";
import { type AuthorizationRequest, type OAuth2ButtonStyle, type OAuth2Provider, checkProviderName } from "./oauth2-provider";
import { type ProviderClientOptions, capitalize } from "./openid-connect-provider";
import { SignInError } from "./sign-in-error";
import { type Claims, userFromClaims } from "./user-from-claims";

/** Reads a JSON API with the user's access token (Authorization: Bearer …); rejects on a non-2xx answer. */
export type UserApiGet = (url: string) => Promise<unknown>;

export interface OAuth2UserInfoOptions extends ProviderClientOptions {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /**
   * Asks the provider's API who signed in, in OpenID Connect claim names: `sub` (required), `email`,
   * `email_verified`, `name`, `preferred_username`, `picture`, and anything `rolesClaim` or
   * `metadataClaims` should find.
   */
  fetchClaims: (get: UserApiGet) => Promise<Claims>;
  /** Names the server in openid-client's checks (default: the authorization endpoint's origin). */
  issuer?: string | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * A provider that speaks plain OAuth2 (no ID token) and says who signed in through its own API, like
 * GitHub and Discord: the authorization code flow with PKCE and `state` (by openid-client), then
 * `fetchClaims` with the access token. The presets `githubProvider` and `discordProvider` build one.
 */
export class OAuth2UserInfoProvider implements OAuth2Provider {
  readonly name: string;
  readonly displayName: string;
  readonly button: OAuth2ButtonStyle;
  readonly redirectUri: string | undefined;
  private readonly options: OAuth2UserInfoOptions;
  private configuration: OpenIdClient.Configuration | undefined;

  constructor(options: OAuth2UserInfoOptions) {
    this.name = checkProviderName(options.name);
    if (!options.clientId) throw new TypeError(`OAuth2 provider "${options.name}": clientId is required`);
    for (const url of [options.authorizationEndpoint, options.tokenEndpoint]) {
      try {
        new URL(url);
      } catch {
        throw new TypeError(`OAuth2 provider "${options.name}": "${url}" is not a URL`);
      }
    }
    this.displayName = options.displayName ?? capitalize(options.name);
    this.button = options.button ?? {};
    this.redirectUri = options.redirectUri;
    this.options = options;
  }

  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const [oidc, config] = await this.connect();
    return oidc.buildAuthorizationUrl(config, {
      ...this.options.authorizationParams,
      redirect_uri: request.redirectUri,
      scope: (this.options.scopes ?? []).join(" "),
      code_challenge: await oidc.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: "S256",
      state: request.state,
    }).href;
  }

  async signIn(callbackUrl: URL, request: AuthorizationRequest): Promise<User> {
    const [oidc, config] = await this.connect();
    let step: FlowStep = "token exchange";
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: request.codeVerifier, expectedState: request.state });
      step = "user info";
      const claims = await this.options.fetchClaims((url) => this.get(url, tokens.access_token));
      return await userFromClaims(this.name, claims, this.options);
    } catch (error) {
      throw describeFlowError(this.name, step, error);
    }
  }

  private async connect(): Promise<[OpenIdClientModule, OpenIdClient.Configuration]> {
    const oidc = await loadOpenIdClient();
    if (!this.configuration) {
      const { authorizationEndpoint, tokenEndpoint, clientId, clientSecret, timeoutMs = DEFAULT_TIMEOUT_MS } = this.options;
      const issuer = this.options.issuer ?? new URL(authorizationEndpoint).origin;
      const config = new oidc.Configuration({ issuer, authorization_endpoint: authorizationEndpoint, token_endpoint: tokenEndpoint }, clientId, clientSecret ? { client_secret: clientSecret } : {});
      config.timeout = Math.ceil(timeoutMs / 1000);
      if (this.options.allowInsecureRequests) oidc.allowInsecureRequests(config);
      this.configuration = config;
    }
    return [oidc, this.configuration];
  }

  private async get(url: string, accessToken: string): Promise<unknown> {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json", "user-agent": "ragbits-chat" },
      signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    if (!response.ok) {
      await response.body?.cancel();
      const code = response.status >= 500 || response.status === 429 ? "provider_unavailable" : "provider_error";
      throw new SignInError(code, `${this.name}: the user API answered ${response.status} for ${new URL(url).pathname}`);
    }
    return response.json();
  }
}
