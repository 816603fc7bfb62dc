import { OAuth2UserInfoProvider, type OAuth2UserInfoOptions, type UserApiGet } from "../oauth2-user-info-provider";
import { type Claims } from "../user-from-claims";
import { presetCredentials } from "./preset-credentials";

export interface GitHubProviderOptions extends Partial<Omit<OAuth2UserInfoOptions, "fetchClaims">> {
  /** GitHub Enterprise Server: its URL (the API is then `<serverUrl>/api/v3`). Default https://github.com. */
  serverUrl?: string | undefined;
}

interface GitHubUser {
  id: number;
  login: string;
  name?: string | null;
  email?: string | null;
  avatar_url?: string | null;
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/**
 * Sign in with GitHub: OAuth2 (GitHub issues no ID token), the user from its REST API. Client id and
 * secret from the options or GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET. Users: `github_<id>`, username =
 * the login, email = the primary email and whether GitHub verified it (scope `user:email`), so the
 * allow-list works with GitHub too.
 */
export function githubProvider(options: GitHubProviderOptions = {}): OAuth2UserInfoProvider {
  const { serverUrl = "https://github.com", ...rest } = options;
  const server = serverUrl.replace(/\/+$/, "");
  const api = server === "https://github.com" ? "https://api.github.com" : `${server}/api/v3`;
  return new OAuth2UserInfoProvider({
    name: "github",
    displayName: "GitHub",
    authorizationEndpoint: `${server}/login/oauth/authorize`,
    tokenEndpoint: `${server}/login/oauth/access_token`,
    scopes: ["read:user", "user:email"],
    metadataClaims: ["picture", "profile"],
    button: { color: "#24292F", buttonColor: "#24292F", textColor: "#FFFFFF" },
    ...rest,
    ...presetCredentials("githubProvider", "GITHUB", rest),
    fetchClaims: (get) => gitHubClaims(get, api),
  });
}

async function gitHubClaims(get: UserApiGet, api: string): Promise<Claims> {
  const user = (await get(`${api}/user`)) as GitHubUser;
  // The profile's public email may be unverified or missing: the emails endpoint says which is verified.
  const emails = (await get(`${api}/user/emails`).catch(() => [])) as GitHubEmail[];
  const primary = Array.isArray(emails) ? emails.find((each) => each.primary) : undefined;
  return {
    sub: String(user.id),
    preferred_username: user.login,
    name: user.name ?? undefined,
    email: primary?.email ?? user.email ?? undefined,
    email_verified: primary?.verified === true,
    picture: user.avatar_url ?? undefined,
    profile: `${api === "https://api.github.com" ? "https://github.com" : api.replace(/\/api\/v3$/, "")}/${user.login}`,
  };
}
