import { SignInError } from "./sign-in-error";
import { readClaim, userFromClaims } from "./user-from-claims";

const google = { sub: "1098", email: "Ann.Lee@Example.com", email_verified: true, name: "Ann Lee", picture: "https://lh3.example/ann.png", hd: "example.com" };

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!SignInError.isInstance(error)) throw new Error(`expected a SignInError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe("userFromClaims", () => {
  it("maps standard claims as Python Ragbits' OAuth2 users look: <provider>_<id>, the email's local part, role 'user'", async () => {
    expect(await userFromClaims("google", google, { metadataClaims: ["picture", "hd"] })).toEqual({
      user_id: "google_1098",
      username: "Ann.Lee",
      email: "Ann.Lee@Example.com",
      full_name: "Ann Lee",
      roles: ["user"],
      metadata: { provider: "google", picture: "https://lh3.example/ann.png", hd: "example.com", email_verified: true },
    });
  });

  it("takes roles from a configurable claim: a dot path, an array or a space/comma separated string", async () => {
    const keycloak = { sub: "u1", preferred_username: "ann", realm_access: { roles: ["admin", "reader", 7] }, scope_roles: "a b,c" };
    expect((await userFromClaims("kc", keycloak, { rolesClaim: "realm_access.roles" })).roles).toEqual(["admin", "reader"]);
    expect((await userFromClaims("kc", keycloak, { rolesClaim: "scope_roles" })).roles).toEqual(["a", "b", "c"]);
    // A claim whose own name has a dot wins over the path.
    expect(readClaim({ "a.b": 1, a: { b: 2 } }, "a.b")).toBe(1);
    // Absent: the default roles.
    expect((await userFromClaims("kc", keycloak, { rolesClaim: "groups", defaultRoles: [] })).roles).toEqual([]);
    expect((await userFromClaims("kc", keycloak, {})).username).toBe("ann");
  });

  it("uses other claims when told to: id, username, email, name, prefix", async () => {
    const entra = { sub: "pairwise", oid: "0000-1111", upn: "ann@contoso.com", mail: "ann@contoso.com", display: "Ann" };
    expect(await userFromClaims("microsoft", entra, { idClaim: "oid", usernameClaim: "upn", emailClaim: "mail", nameClaim: "display", userIdPrefix: "" })).toMatchObject({
      user_id: "0000-1111",
      username: "ann@contoso.com",
      email: "ann@contoso.com",
      full_name: "Ann",
    });
  });

  it("refuses a sign-in without the id claim", async () => {
    expect(await refusal(userFromClaims("x", { email: "a@b.c" }, {}))).toMatchObject({ code: "provider_error" });
  });

  describe("the allow-list", () => {
    it("admits listed emails (any case) and exact domains, not their subdomains or look-alikes", async () => {
      const options = { allowedEmails: ["Boss@Partner.org"], allowedDomains: ["example.com", "@corp.example"] };
      const signIn = (email: string) => userFromClaims("p", { sub: "1", email, email_verified: true }, options);
      await expect(signIn("boss@partner.org")).resolves.toMatchObject({ email: "boss@partner.org" });
      await expect(signIn("ann.lee@EXAMPLE.com")).resolves.toMatchObject({ user_id: "p_1" });
      await expect(signIn("x@corp.example")).resolves.toMatchObject({ user_id: "p_1" });
      for (const outsider of ["x@sub.example.com", "x@example.com.evil.org", "x@notexample.com", "boss@partner.org.evil", "example.com"]) {
        expect({ outsider, ...(await refusal(signIn(outsider))) }).toMatchObject({ outsider, code: "not_allowed" });
      }
    });

    it("counts only emails the provider verified, unless the provider is trusted to own them", async () => {
      const options = { allowedDomains: ["example.com"] };
      expect(await refusal(userFromClaims("p", { sub: "1", email: "ann@example.com", email_verified: false }, options))).toMatchObject({ code: "not_allowed", message: expect.stringMatching(/did not verify/) });
      expect(await refusal(userFromClaims("p", { sub: "1", email: "ann@example.com" }, options))).toMatchObject({ code: "not_allowed" });
      expect(await refusal(userFromClaims("p", { sub: "1" }, options))).toMatchObject({ code: "not_allowed", message: expect.stringMatching(/no email/) });
      await expect(userFromClaims("p", { sub: "1", email: "ann@example.com", email_verified: "true" }, options)).resolves.toMatchObject({ user_id: "p_1" });
      await expect(userFromClaims("p", { sub: "1", email: "ann@example.com" }, { ...options, trustUnverifiedEmail: true })).resolves.toMatchObject({ user_id: "p_1" });
    });

    it("lets mapUser change the user or refuse it, after the allow-list", async () => {
      const seen: unknown[] = [];
      const mapUser = async (user: { user_id: string; roles: string[] }, claims: Record<string, unknown>) => {
        seen.push(claims.sub);
        return claims.sub === "blocked" ? null : { ...user, roles: [...user.roles, "vip"] } as never;
      };
      expect((await userFromClaims("p", { sub: "ok" }, { mapUser })).roles).toEqual(["user", "vip"]);
      expect(await refusal(userFromClaims("p", { sub: "blocked" }, { mapUser }))).toMatchObject({ code: "not_allowed" });
      expect(await refusal(userFromClaims("p", { sub: "outsider", email: "x@else.org", email_verified: true }, { mapUser, allowedDomains: ["example.com"] }))).toMatchObject({ code: "not_allowed" });
      expect(seen).toEqual(["ok", "blocked"]);
    });
  });
});
