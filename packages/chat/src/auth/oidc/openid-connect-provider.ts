import type * as OpenIdClient from "openid-client";
import { type User } from "../../interface/chat-context";
import { type FlowStep, describeFlowError } from "./describe-flow-error";
import { type OpenIdClientModule, loadOpenIdClient } from "./load-openid-client";
import { type AuthorizationRequest, type OAuth2ButtonStyle, type OAuth2Provider, checkProviderName } from "./oauth2-provider";
import { type Claims, type UserMappingOptions, userFromClaims } from "./user-from-claims";

/** Settings every built-in provider shares: the client, the callback, timeouts, the user mapping. */
export interface ProviderClientOptions extends UserMappingOptions {
  /** The URL segment and the `metadata.provider` of its users (lower-case letters, digits, "-", "_"). */
  name: string;
  /** The button's text: "Sign in with <displayName>" (default: the name, capitalized). */
  displayName?: string | undefined;
  clientId: string;
  /** The client secret (confidential clients, which a server is). Never logged. */
  clientSecret?: string | undefined;
  /** The scopes to ask for. */
  scopes?: string[] | undefined;
  /** The callback URL registered at the provider (default `<baseUrl>/api/auth/callback/<name>`). */
  redirectUri?: string | undefined;
  /** Extra authorization request parameters (`prompt: "select_account"`, Google's `hd`…). */
  authorizationParams?: Record<string, string> | undefined;
  button?: OAuth2ButtonStyle | undefined;
  /** How long one request to the provider may take (default 10 000 ms). */
  timeoutMs?: number | undefined;
  /**
   * Allow http:// provider URLs. Only for a provider on this machine during development and tests:
   * tokens would otherwise cross the network unencrypted.
   */
  allowInsecureRequests?: boolean | undefined;
}

export interface OpenIdConnectOptions extends ProviderClientOptions {
  /** The issuer: its `/.well-known/openid-configuration` describes the rest (discovery). */
  issuer: string;
  /** Default ["openid", "email", "profile"]. */
  scopes?: string[] | undefined;
  /**
   * How far the ID token's times (exp, nbf) may be off this server's clock, in seconds (default 30).
   * A larger skew is refused as "clock_skew": keep the server's clock in sync (NTP).
   */
  clockToleranceSeconds?: number | undefined;
  /** Also ask the user info endpoint (when the provider has one) for claims the ID token leaves out (default true). */
  fetchUserInfo?: boolean | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Any OpenID Connect provider (Keycloak, Auth0, Okta, Google, Microsoft Entra ID, …): discovery,
 * the authorization code flow with PKCE, `state` and `nonce` checked, the ID token verified (signature
 * with the provider's keys, issuer, audience, expiry within the clock tolerance) by openid-client.
 * Claims from the ID token, completed by the user info endpoint, become the User.
 */
export class OpenIdConnectProvider implements OAuth2Provider {
  readonly name: string;
  readonly displayName: string;
  readonly button: OAuth2ButtonStyle;
  readonly redirectUri: string | undefined;
  private readonly options: OpenIdConnectOptions;
  private configuration: Promise<OpenIdClient.Configuration> | undefined;

  constructor(options: OpenIdConnectOptions) {
    this.name = checkProviderName(options.name);
    if (!options.clientId) throw new TypeError(`OAuth2 provider "${options.name}": clientId is required`);
    try {
      new URL(options.issuer);
    } catch {
      throw new TypeError(`OAuth2 provider "${options.name}": issuer "${options.issuer}" is not a URL`);
    }
    this.displayName = options.displayName ?? capitalize(options.name);
    this.button = options.button ?? {};
    this.redirectUri = options.redirectUri;
    this.options = options;
  }

  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const [oidc, config] = await this.connect();
    const parameters: Record<string, string> = {
      ...this.options.authorizationParams,
      redirect_uri: request.redirectUri,
      scope: (this.options.scopes ?? ["openid", "email", "profile"]).join(" "),
      code_challenge: await oidc.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: "S256",
      state: request.state,
      nonce: request.nonce,
    };
    return oidc.buildAuthorizationUrl(config, parameters).href;
  }

  async signIn(callbackUrl: URL, request: AuthorizationRequest): Promise<User> {
    const [oidc, config] = await this.connect();
    let step: FlowStep = "token exchange";
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims() as Claims | undefined;
      if (!idClaims) throw new Error("the token response has no ID token");
      let claims: Claims = idClaims;
      if (this.options.fetchUserInfo !== false && config.serverMetadata().userinfo_endpoint) {
        step = "user info";
        // The user info must be about the ID token's subject (openid-client checks): the ID token's own claims win.
        const info = await oidc.fetchUserInfo(config, tokens.access_token, String(idClaims.sub));
        claims = { ...(info as Claims), ...idClaims };
      }
      return await userFromClaims(this.name, claims, this.options);
    } catch (error) {
      throw describeFlowError(this.name, step, error);
    }
  }

  /** openid-client and the discovered configuration, once; a failed discovery is tried again next time. */
  private async connect(): Promise<[OpenIdClientModule, OpenIdClient.Configuration]> {
    const oidc = await loadOpenIdClient();
    this.configuration ??= this.discover(oidc).catch((error: unknown) => {
      this.configuration = undefined;
      throw describeFlowError(this.name, "discovery", error);
    });
    return [oidc, await this.configuration];
  }

  private async discover(oidc: OpenIdClientModule): Promise<OpenIdClient.Configuration> {
    const { issuer, clientId, clientSecret, timeoutMs = DEFAULT_TIMEOUT_MS, clockToleranceSeconds = 30, allowInsecureRequests = false } = this.options;
    const metadata: Partial<OpenIdClient.ClientMetadata> = { [oidc.clockTolerance]: clockToleranceSeconds };
    if (clientSecret) metadata.client_secret = clientSecret;
    const config = await oidc.discovery(new URL(issuer), clientId, metadata, undefined, {
      timeout: Math.ceil(timeoutMs / 1000),
      ...(allowInsecureRequests ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
    config.timeout = Math.ceil(timeoutMs / 1000);
    return config;
  }
}

export function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
