import { ListAuthentication } from "../list-authentication";
import { MultiAuthenticationBackend, authMethods, isAuthMethod } from "./multi-authentication-backend";
import { OpenIdConnectProvider } from "./openid-connect-provider";

const oidc = (name: string) => new OpenIdConnectProvider({ name, issuer: "https://id.example.com", clientId: "c" });

describe("MultiAuthenticationBackend", () => {
  it("tries each password backend in turn and knows its providers by name", async () => {
    const first = new ListAuthentication([{ username: "ann", password: "one" }]);
    const second = new ListAuthentication([{ username: "ann", password: "two" }, { username: "bob", password: "b" }]);
    const multi = new MultiAuthenticationBackend([first, oidc("keycloak"), second]);
    expect((await multi.authenticate("ann", "one"))?.username).toBe("ann");
    expect((await multi.authenticate("ann", "two"))?.username).toBe("ann");
    expect((await multi.authenticate("bob", "b"))?.username).toBe("bob");
    expect(await multi.authenticate("bob", "wrong")).toBeNull();
    expect(multi.providers.map((provider) => provider.name)).toEqual(["keycloak"]);
  });

  it("splits RagbitsAPI's auth into the password backend and the providers", () => {
    const users = new ListAuthentication([{ username: "ann", password: "x" }]);
    expect(authMethods(users)).toEqual({ credentials: expect.anything(), providers: new Map() });
    const only = authMethods(oidc("okta"));
    expect(only.credentials).toBeUndefined();
    expect([...only.providers.keys()]).toEqual(["okta"]);
    const nested = authMethods(new MultiAuthenticationBackend([new MultiAuthenticationBackend([users, oidc("a")]), oidc("b")]));
    expect([...nested.providers.keys()]).toEqual(["a", "b"]);
  });

  it("refuses what cannot work: nothing, two providers of one name, something that is neither", () => {
    expect(() => new MultiAuthenticationBackend([])).toThrow(/at least one/);
    expect(() => new MultiAuthenticationBackend([oidc("dup"), oidc("dup")])).toThrow(/two OAuth2 providers are named "dup"/);
    expect(() => new MultiAuthenticationBackend([{} as never])).toThrow(/AuthenticationBackend .* or an OAuth2 provider/);
    expect(() => oidc("Has Space")).toThrow(/lower-case letters/);
    expect(isAuthMethod(oidc("x"))).toBe(true);
    expect(isAuthMethod({ authenticate: "no" })).toBe(false);
  });
});
