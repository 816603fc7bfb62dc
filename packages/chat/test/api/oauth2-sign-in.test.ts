/**
 * OAuth2 / OpenID Connect sign-in against a real OpenID Connect provider (the certified oidc-provider
 * package, started on 127.0.0.1 by this file), driven over HTTP as a browser would: the happy path,
 * and every attack and failure the callback must refuse. Runs on both adapters (Express and fetch).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ChatFormat } from "@ragbits/core";
import { type ChatContext, ChatInterface, type ChatResponse, ListAuthentication, MultiAuthenticationBackend, OpenIdConnectProvider, type OpenIdConnectOptions } from "../../src";
import { postChat, startApi, type StartedApi } from "../helpers/start-api";
import { type TestClient, type TestIdentityProvider, startIdentityProvider } from "../oidc/start-identity-provider";
import { CookieJar, atProvider, currentUser, finishSignIn, request, signIn, startSignIn } from "../oidc/sign-in-flow";

class WhoAmI extends ChatInterface {
  async *chat(_message: string, _history: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse(`hello ${context.user?.user_id ?? "nobody"}`);
  }
}

const CHAT_CLIENT = "ragbits-chat";
const OTHER_CLIENT = "other-app";

// "native" clients: oidc-provider then accepts their loopback redirect URIs on any port (RFC 8252),
// which the chat servers of this file get only when they start.
const clients: TestClient[] = [
  { client_id: CHAT_CLIENT, client_secret: "chat-secret", application_type: "native", redirect_uris: ["http://127.0.0.1/api/auth/callback/idp", "http://127.0.0.1/api/auth/callback/second"] },
  { client_id: OTHER_CLIENT, client_secret: "other-secret", application_type: "native", redirect_uris: ["http://127.0.0.1/api/auth/callback/second"] },
];

const accounts = {
  alice: { email: "alice@example.com", email_verified: true, name: "Alice Smith", roles: ["admin", "reader"], picture: "https://example.com/alice.png" },
  bob: { email: "bob@elsewhere.org", email_verified: true, name: "Bob" },
  carol: { email: "carol@example.com", email_verified: false, name: "Carol" },
};

let idp: TestIdentityProvider;
let server: StartedApi;

function provider(overrides: Partial<OpenIdConnectOptions> = {}): OpenIdConnectProvider {
  return new OpenIdConnectProvider({
    name: "idp",
    displayName: "Test IdP",
    issuer: idp.issuer,
    clientId: CHAT_CLIENT,
    clientSecret: "chat-secret",
    scopes: ["openid", "email", "profile", "roles"],
    rolesClaim: "roles",
    allowedDomains: ["example.com"],
    allowInsecureRequests: true,
    button: { color: "#123456" },
    ...overrides,
  });
}

beforeAll(async () => {
  idp = await startIdentityProvider(clients, accounts);
  const users = new ListAuthentication([{ username: "ann", password: "ann-pass" }]);
  // A second provider on the same identity provider, for the state-for-another-provider case.
  const second = provider({ name: "second", displayName: "Second", clientId: OTHER_CLIENT, clientSecret: "other-secret", allowedDomains: undefined });
  server = await startApi(WhoAmI, { auth: new MultiAuthenticationBackend([users, provider(), second]) });
});

afterAll(async () => {
  await server?.close();
  await idp?.close();
});

afterEach(async () => {
  await idp.configure({ clockOffsetMs: 0, codeTtlSeconds: 60, idTokenTtlSeconds: 3600, idTokenAudience: null });
});

function signInFailures(): Array<Record<string, any>> {
  return server.logs.filter((line) => line.msg === "OAuth2 sign-in failed");
}

describe("GET /api/config with OAuth2 providers", () => {
  it("lists both ways to sign in and each provider's button, as Python Ragbits' OAuth2ProviderConfig", async () => {
    const config = await (await fetch(`${server.url}/api/config`)).json();
    expect(config.authentication).toEqual({
      enabled: true,
      auth_types: ["credentials", "oauth2"],
      oauth2_providers: [
        { name: "idp", display_name: "Test IdP", color: "#123456", button_color: "#123456", text_color: "#FFFFFF", icon_svg: null },
        { name: "second", display_name: "Second", color: "#123456", button_color: "#123456", text_color: "#FFFFFF", icon_svg: null },
      ],
    });
  });
});

describe("GET /api/auth/authorize/{provider}", () => {
  it("answers {authorize_url, state}: the code flow with S256 PKCE, a nonce and this server's callback URL", async () => {
    const jar = new CookieJar();
    const response = await request(jar, `${server.url}/api/auth/authorize/idp`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(Object.keys(body).sort()).toEqual(["authorize_url", "state"]);
    const url = new URL(body.authorize_url);
    expect(url.origin).toBe(idp.issuer);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: CHAT_CLIENT,
      response_type: "code",
      redirect_uri: `${server.url}/api/auth/callback/idp`,
      scope: "openid email profile roles",
      state: body.state,
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: "S256",
    });
    // The state and nonce are fresh per attempt.
    const again = await (await request(jar, `${server.url}/api/auth/authorize/idp`)).json();
    expect(again.state).not.toBe(body.state);
    expect(new URL(again.authorize_url).searchParams.get("nonce")).not.toBe(url.searchParams.get("nonce"));
    const binding = response.headers.getSetCookie().find((line) => line.startsWith("ragbits_session_signin="))!;
    expect(binding).toMatch(/HttpOnly/);
    expect(binding).toMatch(/SameSite=Lax/);
    expect(binding).toMatch(/Path=\//);
  });

  it("answers 404 for a provider it does not have", async () => {
    const response = await fetch(`${server.url}/api/auth/authorize/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ detail: "OAuth2 provider 'nope' not found" });
  });
});

describe("signing in at the identity provider", () => {
  it("signs in: the callback starts a session and redirects to the app; claims become the User", async () => {
    const jar = new CookieJar();
    const result = await signIn(jar, server.url, "idp", "alice");
    expect(result).toEqual({ status: 302, location: "/", error: null });
    expect(jar.get(server.url, "ragbits_session")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The binding cookie has done its work.
    expect(jar.get(server.url, "ragbits_session_signin")).toBeUndefined();
    expect(await currentUser(jar, server.url)).toEqual({
      status: 200,
      body: {
        user_id: "idp_alice",
        username: "alice",
        email: "alice@example.com",
        full_name: "Alice Smith",
        roles: ["admin", "reader"],
        metadata: { provider: "idp", picture: "https://example.com/alice.png", email_verified: true },
      },
    });
    const chat = await postChat(server.url, { message: "hi" }, { headers: { cookie: jar.header(server.url) } });
    expect(chat.status).toBe(200);
    expect(chat.events.filter((event) => event.type === "text")).toEqual([{ type: "text", content: { text: "hello idp_alice" } }]);
  });

  it("returns to the page the UI asked for, but never to another site or the API", async () => {
    const cases: Array<[string, string]> = [
      ["/chat/42?tab=history#end", "/chat/42?tab=history#end"],
      ["https://evil.example/phish", "/"],
      ["//evil.example/phish", "/"],
      ["/\\evil.example", "/"],
      ["/api/user", "/"],
    ];
    for (const [returnTo, expected] of cases) {
      const jar = new CookieJar();
      const { authorizeUrl } = await startSignIn(jar, server.url, "idp", `?return_to=${encodeURIComponent(returnTo)}`);
      const result = await finishSignIn(jar, await atProvider(jar, authorizeUrl, { signInAs: "alice" }));
      expect({ returnTo, location: result.location }).toEqual({ returnTo, location: expected });
    }
  });

  it("replaces a session the browser had before (no session fixation)", async () => {
    const jar = new CookieJar();
    await signIn(jar, server.url, "idp", "alice");
    const first = jar.get(server.url, "ragbits_session")!;
    await signIn(jar, server.url, "idp", "alice");
    expect(jar.get(server.url, "ragbits_session")).not.toBe(first);
    const stale = await fetch(`${server.url}/api/user`, { headers: { cookie: `ragbits_session=${first}` } });
    expect(stale.status).toBe(401);
  });
});

describe("the callback refuses", () => {
  async function expectRefused(result: { status: number; location: string; error: string | null }, code: string, jar?: CookieJar): Promise<void> {
    // Back to the UI's login page with the code only: no message, no stack.
    expect(result).toEqual({ status: 302, location: `/login?error=${code}`, error: code });
    if (jar) expect((await currentUser(jar, server.url)).status).toBe(401);
  }

  it("a replayed state: the same callback a second time signs nobody in", async () => {
    const jar = new CookieJar();
    const { authorizeUrl } = await startSignIn(jar, server.url, "idp");
    const callback = await atProvider(jar, authorizeUrl, { signInAs: "alice" });
    expect((await finishSignIn(jar, callback)).location).toBe("/");
    // An attacker who captured the link and the victim's cookies tries again.
    const attacker = jar.copy(server.url);
    attacker.delete(server.url, "ragbits_session");
    const replay = await request(attacker, callback);
    expect(replay.headers.getSetCookie().some((line) => line.startsWith("ragbits_session="))).toBe(false);
    await expectRefused({ status: replay.status, location: replay.headers.get("location")!, error: "state_reused" }, "state_reused", attacker);
  });

  it("a forged state, and a callback without one", async () => {
    const jar = new CookieJar();
    await startSignIn(jar, server.url, "idp");
    await expectRefused(await finishSignIn(jar, `${server.url}/api/auth/callback/idp?code=abc&state=forged-${"x".repeat(40)}`), "invalid_state", jar);
    await expectRefused(await finishSignIn(jar, `${server.url}/api/auth/callback/idp?code=abc`), "invalid_state", jar);
  });

  it("a state handed out for another provider", async () => {
    const jar = new CookieJar();
    const { authorizeUrl } = await startSignIn(jar, server.url, "idp");
    const callback = new URL(await atProvider(jar, authorizeUrl, { signInAs: "alice" }));
    await expectRefused(await finishSignIn(jar, `${server.url}/api/auth/callback/second${callback.search}`), "invalid_state", jar);
  });

  it("a callback link opened in another browser (login CSRF: the attacker's own sign-in planted on a victim)", async () => {
    const attacker = new CookieJar();
    const { authorizeUrl } = await startSignIn(attacker, server.url, "idp");
    const callback = await atProvider(attacker, authorizeUrl, { signInAs: "alice" });
    const victim = new CookieJar();
    await expectRefused(await finishSignIn(victim, callback), "browser_mismatch", victim);
    // A victim with a binding cookie of their own (they started a sign-in too) is refused as well.
    await startSignIn(victim, server.url, "idp");
    const { authorizeUrl: second } = await startSignIn(attacker, server.url, "idp");
    await expectRefused(await finishSignIn(victim, await atProvider(attacker, second, { signInAs: "alice" })), "browser_mismatch", victim);
  });

  it("a denied consent, with the provider's answer in the log", async () => {
    const jar = new CookieJar();
    const { authorizeUrl } = await startSignIn(jar, server.url, "idp");
    const callback = await atProvider(jar, authorizeUrl, "deny");
    expect(new URL(callback).searchParams.get("error")).toBe("access_denied");
    await expectRefused(await finishSignIn(jar, callback), "access_denied", jar);
    expect(signInFailures().at(-1)).toMatchObject({ provider: "idp", code: "access_denied", reason: expect.stringContaining("End-User denied the request") });
  });

  it("an expired authorization code", async () => {
    await idp.configure({ codeTtlSeconds: 1 });
    const jar = new CookieJar();
    const { authorizeUrl } = await startSignIn(jar, server.url, "idp");
    const callback = await atProvider(jar, authorizeUrl, { signInAs: "alice" });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await expectRefused(await finishSignIn(jar, callback), "code_rejected", jar);
    expect(signInFailures().at(-1)?.reason).toMatch(/invalid_grant/);
  });

  it("an ID token for another audience (signed by the provider for the second client)", async () => {
    await idp.configure({ idTokenAudience: OTHER_CLIENT });
    const jar = new CookieJar();
    await expectRefused(await signIn(jar, server.url, "idp", "alice"), "invalid_id_token", jar);
    expect(signInFailures().at(-1)?.reason).toMatch(/"aud"/);
  });

  it("a user the allow-list leaves out: another domain, or an email the provider did not verify", async () => {
    const bob = new CookieJar();
    await expectRefused(await signIn(bob, server.url, "idp", "bob"), "not_allowed", bob);
    const carol = new CookieJar();
    await expectRefused(await signIn(carol, server.url, "idp", "carol"), "not_allowed", carol);
    expect(signInFailures().at(-1)?.reason).toMatch(/did not verify the email carol@example\.com/);
  });

  it("a callback for a provider this server does not have", async () => {
    const jar = new CookieJar();
    await expectRefused(await finishSignIn(jar, `${server.url}/api/auth/callback/elsewhere?code=x&state=y`), "unknown_provider", jar);
  });
});

describe("clock skew between this server and the provider", () => {
  it("accepts an ID token whose expiry is within the 30 s tolerance of this server's clock", async () => {
    // The provider's clock is 20 s behind: its 10-second token looks 10 s expired here.
    await idp.configure({ clockOffsetMs: -20_000, idTokenTtlSeconds: 10 });
    const jar = new CookieJar();
    expect(await signIn(jar, server.url, "idp", "alice")).toEqual({ status: 302, location: "/", error: null });
    expect((await currentUser(jar, server.url)).body.user_id).toBe("idp_alice");
  });

  it("refuses one beyond the tolerance as clock_skew", async () => {
    await idp.configure({ clockOffsetMs: -120_000, idTokenTtlSeconds: 10 });
    const jar = new CookieJar();
    expect(await signIn(jar, server.url, "idp", "alice")).toEqual({ status: 302, location: "/login?error=clock_skew", error: "clock_skew" });
    expect(signInFailures().at(-1)?.reason).toMatch(/"exp"/);
  });
});

describe("an unreachable provider", () => {
  it("answers the authorize request 502 with a message the UI shows, and logs why", async () => {
    const down = new OpenIdConnectProvider({ name: "down", displayName: "Down", issuer: "http://127.0.0.1:9/", clientId: "x", clientSecret: "y", allowInsecureRequests: true, timeoutMs: 2_000 });
    const api = await startApi(WhoAmI, { auth: down });
    try {
      const response = await fetch(`${api.url}/api/auth/authorize/down`);
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ detail: "Sign-in with Down is not available right now; please try again later." });
      expect(api.logs.find((line) => line.msg === "OAuth2 sign-in could not start")).toMatchObject({ provider: "down" });
      // Only OAuth2: no password sign-in.
      expect((await (await fetch(`${api.url}/api/config`)).json()).authentication.auth_types).toEqual(["oauth2"]);
    } finally {
      await api.close();
    }
  });
});

describe("several replicas sharing a database", () => {
  it("finishes a sign-in on another replica than the one that started it; the session is valid on both", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ragbits-oauth2-replicas-"));
    const databaseUrl = `sqlite:${join(dir, "state.db")}`;
    const first = await startApi(WhoAmI, { auth: provider(), databaseUrl });
    const second = await startApi(WhoAmI, { auth: provider(), databaseUrl });
    try {
      const jar = new CookieJar();
      const { authorizeUrl } = await startSignIn(jar, first.url, "idp");
      const callback = new URL(await atProvider(jar, authorizeUrl, { signInAs: "alice" }));
      expect(callback.origin).toBe(first.url);
      // The load balancer sends the callback to the other replica; the browser's cookies are the site's.
      const other = jar.copy(first.url);
      const onSecond = new CookieJar();
      onSecond.store(second.url, new Response(null, { headers: [["set-cookie", `ragbits_session_signin=${other.get(first.url, "ragbits_session_signin")}`]] }));
      expect(await finishSignIn(onSecond, `${second.url}${callback.pathname}${callback.search}`)).toEqual({ status: 302, location: "/", error: null });
      const session = onSecond.get(second.url, "ragbits_session")!;
      for (const replica of [first, second]) {
        const user = await fetch(`${replica.url}/api/user`, { headers: { cookie: `ragbits_session=${session}` } });
        expect((await user.json()).user_id).toBe("idp_alice");
      }
      // And the first replica knows the state was used.
      expect((await finishSignIn(jar, callback.href)).error).toBe("state_reused");
    } finally {
      await first.close();
      await second.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
