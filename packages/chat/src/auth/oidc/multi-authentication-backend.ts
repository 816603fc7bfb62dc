import { type User } from "../../interface/chat-context";
import { type AuthenticationBackend, isAuthenticationBackend } from "../authentication-backend";
import { type OAuth2Provider, isOAuth2Provider } from "./oauth2-provider";

/** What RagbitsAPI's `auth` takes: a password backend, one sign-in provider, or several of both. */
export type AuthMethod = AuthenticationBackend | OAuth2Provider;

/**
 * Several ways to sign in at once (Python Ragbits' MultiAuthenticationBackend): password backends
 * (tried in order; the first that knows the user wins) and OAuth2 / OpenID Connect providers, each
 * a button on the login page. Every way ends in the same kind of session.
 *
 * ```ts
 * new RagbitsAPI(MyChat, { auth: new MultiAuthenticationBackend([new ListAuthentication(users), googleProvider(), githubProvider()]) });
 * ```
 */
export class MultiAuthenticationBackend implements AuthenticationBackend {
  readonly credentials: readonly AuthenticationBackend[];
  readonly providers: readonly OAuth2Provider[];

  constructor(methods: readonly AuthMethod[]) {
    if (methods.length === 0) throw new TypeError("MultiAuthenticationBackend needs at least one backend or provider");
    const credentials: AuthenticationBackend[] = [];
    const providers: OAuth2Provider[] = [];
    for (const method of methods) {
      if (isMultiAuthenticationBackend(method)) {
        credentials.push(...method.credentials);
        providers.push(...method.providers);
      } else if (isOAuth2Provider(method)) providers.push(method);
      else if (isAuthenticationBackend(method)) credentials.push(method);
      else throw new TypeError("MultiAuthenticationBackend: each entry must be an AuthenticationBackend (authenticate(username, password)) or an OAuth2 provider");
    }
    const names = new Set<string>();
    for (const provider of providers) {
      if (names.has(provider.name)) throw new TypeError(`MultiAuthenticationBackend: two OAuth2 providers are named "${provider.name}"`);
      names.add(provider.name);
    }
    this.credentials = credentials;
    this.providers = providers;
  }

  /** Username and password, checked by each password backend in turn; null when none knows them. */
  async authenticate(username: string, password: string): Promise<User | null> {
    for (const backend of this.credentials) {
      const user = await backend.authenticate(username, password);
      if (user) return user;
    }
    return null;
  }
}

/** RagbitsAPI's `auth`, taken apart: the password backend (if any) and the sign-in providers by name. */
export interface AuthMethods {
  credentials: AuthenticationBackend | undefined;
  providers: ReadonlyMap<string, OAuth2Provider>;
}

export function authMethods(auth: AuthMethod): AuthMethods {
  const multi = isMultiAuthenticationBackend(auth) ? auth : new MultiAuthenticationBackend([auth]);
  return {
    credentials: multi.credentials.length > 0 ? multi : undefined,
    providers: new Map(multi.providers.map((provider) => [provider.name, provider])),
  };
}

/** A password backend, an OAuth2 provider, or a MultiAuthenticationBackend: what `auth` and `--auth` accept. */
export function isAuthMethod(value: unknown): value is AuthMethod {
  return isOAuth2Provider(value) || isAuthenticationBackend(value);
}

// By shape, not instanceof: the app may have loaded another copy of this package (ESM and CommonJS builds).
function isMultiAuthenticationBackend(value: unknown): value is MultiAuthenticationBackend {
  const candidate = value as MultiAuthenticationBackend | null;
  return typeof candidate === "object" && candidate !== null && Array.isArray(candidate.credentials) && Array.isArray(candidate.providers) && isAuthenticationBackend(candidate);
}
