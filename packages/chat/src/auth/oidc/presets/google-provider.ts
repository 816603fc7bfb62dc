import { OpenIdConnectProvider, type OpenIdConnectOptions } from "../openid-connect-provider";
import { presetCredentials } from "./preset-credentials";

export type GoogleProviderOptions = Partial<OpenIdConnectOptions>;

/**
 * Sign in with Google (OpenID Connect). Client id and secret from the options or GOOGLE_CLIENT_ID /
 * GOOGLE_CLIENT_SECRET. Users: `google_<sub>`, username = the email's local part (as Python Ragbits),
 * `metadata.hd` = the Google Workspace domain. Limit sign-in to your Workspace with
 * `allowedDomains: ["example.com"]` (Google verifies those emails).
 */
export function googleProvider(options: GoogleProviderOptions = {}): OpenIdConnectProvider {
  return new OpenIdConnectProvider({
    name: "google",
    displayName: "Google",
    issuer: "https://accounts.google.com",
    scopes: ["openid", "email", "profile"],
    metadataClaims: ["picture", "hd"],
    button: { color: "#4285F4", buttonColor: "#FFFFFF", textColor: "#1F1F1F" },
    ...options,
    ...presetCredentials("googleProvider", "GOOGLE", options),
  });
}
