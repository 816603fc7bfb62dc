import { OpenIdConnectProvider, type OpenIdConnectOptions } from "../openid-connect-provider";
import { presetCredentials } from "./preset-credentials";

export interface MicrosoftEntraProviderOptions extends Partial<OpenIdConnectOptions> {
  /**
   * The directory (tenant) id or domain, or "organizations" / "common" for any work account (any
   * account, also personal ones, with "common"). Default: MICROSOFT_TENANT_ID, else "organizations".
   */
  tenant?: string | undefined;
}

const MULTI_TENANT = new Set(["common", "organizations", "consumers"]);

/**
 * Sign in with Microsoft Entra ID (Azure AD), OpenID Connect v2.0. Client id and secret from the
 * options or MICROSOFT_CLIENT_ID / MICROSOFT_CLIENT_SECRET. Users: `microsoft_<sub>`, username =
 * preferred_username (the UPN), email = the `email` claim (an optional claim in the app registration),
 * roles = the app roles you assign (the `roles` claim). With one tenant, its emails count for the allow-list (Entra sends no
 * `email_verified`); with "organizations"/"common" they do not, since any tenant can name any address.
 */
export function microsoftEntraProvider(options: MicrosoftEntraProviderOptions = {}): OpenIdConnectProvider {
  const { tenant = process.env.MICROSOFT_TENANT_ID || "organizations", ...rest } = options;
  if (!/^[A-Za-z0-9.-]+$/.test(tenant)) throw new TypeError(`microsoftEntraProvider: tenant "${tenant}" is not a tenant id or domain`);
  return new OpenIdConnectProvider({
    name: "microsoft",
    displayName: "Microsoft",
    issuer: `https://login.microsoftonline.com/${tenant}/v2.0`,
    scopes: ["openid", "email", "profile"],
    emailClaim: "email",
    rolesClaim: "roles",
    metadataClaims: ["tid", "oid"],
    trustUnverifiedEmail: !MULTI_TENANT.has(tenant.toLowerCase()),
    button: { color: "#2F2F2F", buttonColor: "#2F2F2F", textColor: "#FFFFFF" },
    ...rest,
    ...presetCredentials("microsoftEntraProvider", "MICROSOFT", rest),
  });
}
