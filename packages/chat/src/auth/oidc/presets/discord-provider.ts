import { OAuth2UserInfoProvider, type OAuth2UserInfoOptions, type UserApiGet } from "../oauth2-user-info-provider";
import { type Claims } from "../user-from-claims";
import { presetCredentials } from "./preset-credentials";

export interface DiscordProviderOptions extends Partial<Omit<OAuth2UserInfoOptions, "fetchClaims">> {
  /** Where Discord is (default https://discord.com); for a stand-in in tests. */
  serverUrl?: string | undefined;
}

interface DiscordUser {
  id: string;
  username: string;
  global_name?: string | null;
  email?: string | null;
  verified?: boolean;
  avatar?: string | null;
  discriminator?: string | null;
}

/**
 * Sign in with Discord (as Python Ragbits' Discord provider): OAuth2, the user from /users/@me with
 * scopes `identify email`. Client id and secret from the options or DISCORD_CLIENT_ID /
 * DISCORD_CLIENT_SECRET. Users: `discord_<id>`, username, full_name = the global name, email with
 * Discord's `verified` flag; `metadata.avatar` and `metadata.discriminator` as in Python Ragbits.
 */
export function discordProvider(options: DiscordProviderOptions = {}): OAuth2UserInfoProvider {
  const { serverUrl = "https://discord.com", ...rest } = options;
  const server = serverUrl.replace(/\/+$/, "");
  return new OAuth2UserInfoProvider({
    name: "discord",
    displayName: "Discord",
    authorizationEndpoint: `${server}/oauth2/authorize`,
    tokenEndpoint: `${server}/api/oauth2/token`,
    scopes: ["identify", "email"],
    metadataClaims: ["avatar", "discriminator"],
    button: { color: "#5865F2", buttonColor: "#5865F2", textColor: "#FFFFFF" },
    ...rest,
    ...presetCredentials("discordProvider", "DISCORD", rest),
    fetchClaims: (get) => discordClaims(get, server),
  });
}

async function discordClaims(get: UserApiGet, server: string): Promise<Claims> {
  const user = (await get(`${server}/api/users/@me`)) as DiscordUser;
  return {
    sub: user.id,
    preferred_username: user.username,
    name: user.global_name ?? undefined,
    email: user.email ?? undefined,
    email_verified: user.verified === true,
    avatar: user.avatar ?? undefined,
    discriminator: user.discriminator ?? undefined,
  };
}
