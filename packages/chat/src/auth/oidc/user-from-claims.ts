import { type User } from "../../interface/chat-context";
import { SignInError } from "./sign-in-error";

/** What a provider says about the user: ID token and user info claims, or a user API's answer in their shape. */
export type Claims = Record<string, unknown>;

/** How claims become a `User`, and who may sign in. Every provider (and preset) takes these. */
export interface UserMappingOptions {
  /** The claim with the user's stable id (default "sub"). */
  idClaim?: string | undefined;
  /** Put before the id in `user_id` (default `<provider name>_`, as Python Ragbits' "google_…", "discord_…"). */
  userIdPrefix?: string | undefined;
  /** The claim for `username` (default: preferred_username, else the email's local part, else the id). */
  usernameClaim?: string | undefined;
  /** The claim for `email` (default "email"). */
  emailClaim?: string | undefined;
  /** The claim for `full_name` (default "name"). */
  nameClaim?: string | undefined;
  /**
   * The claim with the user's roles, as a dot path into the claims ("roles", "groups",
   * "realm_access.roles"): an array of strings, or one string of space- or comma-separated roles.
   */
  rolesClaim?: string | undefined;
  /** The roles when there is no roles claim or it is absent (default ["user"], as Python Ragbits' OAuth2 users). */
  defaultRoles?: string[] | undefined;
  /** Claims copied into `metadata` when present (default: picture). `provider` is always set. */
  metadataClaims?: string[] | undefined;
  /** Only these emails may sign in (compared case-insensitively). With `allowedDomains`: either one admits. */
  allowedEmails?: string[] | undefined;
  /** Only emails at these domains may sign in ("example.com": exactly that domain, not its subdomains). */
  allowedDomains?: string[] | undefined;
  /**
   * The allow-list counts an email only when the provider marks it verified (`email_verified: true`).
   * Set this for a provider whose emails are always its own and that sends no such claim (one
   * Microsoft Entra ID tenant: the preset sets it when given a tenant id).
   */
  trustUnverifiedEmail?: boolean | undefined;
  /**
   * The last word, after the allow-list: return the User to sign in (changed as you like: roles from
   * your database…), or null to refuse (the UI then says the account is not allowed).
   */
  mapUser?: ((user: User, claims: Claims) => User | null | Promise<User | null>) | undefined;
}

/** Turns verified claims into the signed-in User, applying the allow-list and `mapUser`. */
export async function userFromClaims(providerName: string, claims: Claims, options: UserMappingOptions): Promise<User> {
  const id = stringClaim(claims, options.idClaim ?? "sub");
  if (!id) throw new SignInError("provider_error", `${providerName}: the sign-in carries no "${options.idClaim ?? "sub"}" claim to identify the user`);
  const email = stringClaim(claims, options.emailClaim ?? "email");
  const username = (options.usernameClaim ? stringClaim(claims, options.usernameClaim) : undefined) ?? stringClaim(claims, "preferred_username") ?? emailLocalPart(email) ?? id;
  const metadata: Record<string, unknown> = { provider: providerName };
  for (const name of options.metadataClaims ?? ["picture"]) {
    const value = readClaim(claims, name);
    if (value !== undefined && value !== null) metadata[name] = value;
  }
  if (email) metadata.email_verified = isVerified(claims.email_verified);
  const user: User = {
    user_id: `${options.userIdPrefix ?? `${providerName}_`}${id}`,
    username,
    email: email ?? null,
    full_name: stringClaim(claims, options.nameClaim ?? "name") ?? null,
    roles: (options.rolesClaim ? rolesOf(readClaim(claims, options.rolesClaim)) : undefined) ?? [...(options.defaultRoles ?? ["user"])],
    metadata,
  };
  checkAllowList(providerName, user.email, isVerified(claims.email_verified) || options.trustUnverifiedEmail === true, options);
  if (!options.mapUser) return user;
  const mapped = await options.mapUser(user, claims);
  if (!mapped) throw new SignInError("not_allowed", `${providerName}: mapUser refused user ${user.user_id}`);
  return mapped;
}

function checkAllowList(providerName: string, email: string | null, verified: boolean, options: UserMappingOptions): void {
  const emails = (options.allowedEmails ?? []).map((each) => each.trim().toLowerCase());
  const domains = (options.allowedDomains ?? []).map((each) => each.trim().toLowerCase().replace(/^@/, ""));
  if (emails.length === 0 && domains.length === 0) return;
  if (!email) throw new SignInError("not_allowed", `${providerName}: an allow-list is set, and the provider sent no email`);
  if (!verified) throw new SignInError("not_allowed", `${providerName}: an allow-list is set, and the provider did not verify the email ${email}`);
  const address = email.toLowerCase();
  const domain = address.slice(address.lastIndexOf("@") + 1);
  if (emails.includes(address) || (address.includes("@") && domains.includes(domain))) return;
  throw new SignInError("not_allowed", `${providerName}: ${email} is not on the allow-list`);
}

/** A claim by dot path ("realm_access.roles"); a claim whose own name has dots wins over the path. */
export function readClaim(claims: Claims, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const part of path.split(".")) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function stringClaim(claims: Claims, path: string): string | undefined {
  const value = readClaim(claims, path);
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function rolesOf(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.filter((role): role is string => typeof role === "string" && role !== "");
  if (typeof value === "string") return value.split(/[\s,]+/).filter(Boolean);
  return undefined;
}

// Some providers send the flag as a string.
function isVerified(value: unknown): boolean {
  return value === true || value === "true";
}

function emailLocalPart(email: string | undefined): string | undefined {
  const local = email?.split("@")[0];
  return local ? local : undefined;
}
