/**
 * The presets: their fixed settings, credentials from the environment, and GitHub's and Discord's
 * plain-OAuth2 flows end to end (through openid-client) against a stand-in for each on 127.0.0.1
 * that checks what the real ones check: the client secret, the PKCE verifier, the bearer token.
 */
import { createHash } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { type AuthorizationRequest, type OAuth2Provider } from "../oauth2-provider";
import { SignInError } from "../sign-in-error";
import { discordProvider } from "./discord-provider";
import { githubProvider } from "./github-provider";
import { googleProvider } from "./google-provider";
import { microsoftEntraProvider } from "./microsoft-entra-provider";

function withEnv<T>(env: Record<string, string | undefined>, run: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  try {
    return run();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

describe("preset settings", () => {
  it("read the client id and secret from <PROVIDER>_CLIENT_ID / _CLIENT_SECRET, and say which is missing", () => {
    const google = withEnv({ GOOGLE_CLIENT_ID: "gid", GOOGLE_CLIENT_SECRET: "gsecret" }, () => googleProvider());
    expect({ name: google.name, displayName: google.displayName }).toEqual({ name: "google", displayName: "Google" });
    expect(() => withEnv({ GITHUB_CLIENT_ID: "x", GITHUB_CLIENT_SECRET: undefined }, () => githubProvider())).toThrow(/githubProvider: set GITHUB_CLIENT_SECRET \(or pass clientId and clientSecret\)/);
    expect(() => withEnv({ DISCORD_CLIENT_ID: undefined, DISCORD_CLIENT_SECRET: undefined }, () => discordProvider())).toThrow(/set DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET/);
    expect(() => withEnv({ MICROSOFT_CLIENT_ID: undefined, MICROSOFT_CLIENT_SECRET: undefined }, () => microsoftEntraProvider({ clientId: "id" }))).toThrow(/MICROSOFT_CLIENT_SECRET/);
  });

  it("let options win over the environment and over the preset's own settings", () => {
    const github = withEnv({ GITHUB_CLIENT_ID: "env", GITHUB_CLIENT_SECRET: "env" }, () => githubProvider({ name: "gh-corp", displayName: "GitHub Corp", clientId: "mine", clientSecret: "mine" }));
    expect({ name: github.name, displayName: github.displayName, button: github.button }).toEqual({ name: "gh-corp", displayName: "GitHub Corp", button: { color: "#24292F", buttonColor: "#24292F", textColor: "#FFFFFF" } });
  });

  it("refuses a Microsoft tenant that is not an id or domain (it becomes part of the issuer URL)", () => {
    expect(() => microsoftEntraProvider({ tenant: "x/../evil", clientId: "a", clientSecret: "b" })).toThrow(/tenant "x\/..\/evil" is not a tenant id or domain/);
    expect(microsoftEntraProvider({ tenant: "contoso.onmicrosoft.com", clientId: "a", clientSecret: "b" }).name).toBe("microsoft");
  });
});

interface StandIn {
  url: string;
  /** What the token endpoint received, for the assertions. */
  tokenRequests: URLSearchParams[];
  close(): Promise<void>;
}

/** A stand-in for GitHub's or Discord's OAuth2 endpoints and user API. */
async function startStandIn(routes: { authorize: string; token: string; api: Record<string, unknown> }): Promise<StandIn> {
  const challenges = new Map<string, string>();
  const tokenRequests: URLSearchParams[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url!, "http://stand-in");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === routes.authorize) {
      const code = `code-${challenges.size + 1}`;
      challenges.set(code, url.searchParams.get("code_challenge") ?? "");
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state")!);
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === routes.token && req.method === "POST") {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const form = new URLSearchParams(body);
        tokenRequests.push(form);
        const challenge = challenges.get(form.get("code") ?? "");
        const verified = challenge !== undefined && createHash("sha256").update(form.get("code_verifier") ?? "").digest("base64url") === challenge;
        if (form.get("client_secret") !== "the-secret" || !verified) return send(400, { error: "invalid_grant", error_description: "bad code, secret or verifier" });
        challenges.delete(form.get("code")!);
        send(200, { access_token: "the-access-token", token_type: "bearer", scope: "read:user,user:email" });
      });
      return;
    }
    const answer = routes.api[url.pathname];
    if (answer === undefined) return send(404, { message: "Not Found" });
    if (req.headers.authorization !== "Bearer the-access-token") return send(401, { message: "Bad credentials" });
    // GitHub refuses API requests without a User-Agent.
    if (!req.headers["user-agent"]) return send(403, { message: "User-Agent required" });
    send(200, answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokenRequests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The flow as the server runs it: the authorization URL, the provider's redirect back, signIn. */
async function runFlow(provider: OAuth2Provider, overrides: Partial<AuthorizationRequest> = {}) {
  const request: AuthorizationRequest = { state: "s".repeat(43), codeVerifier: "v".repeat(43), nonce: "n".repeat(43), redirectUri: "http://127.0.0.1:1/api/auth/callback/x" };
  const authorize = new URL(await provider.authorizationUrl(request));
  const back = await fetch(authorize, { redirect: "manual" });
  const callback = new URL(back.headers.get("location")!);
  return { authorize, user: await provider.signIn(callback, { ...request, ...overrides }) };
}

describe("githubProvider against a GitHub stand-in", () => {
  let github: StandIn;
  beforeAll(async () => {
    github = await startStandIn({
      authorize: "/login/oauth/authorize",
      token: "/login/oauth/access_token",
      api: {
        "/api/v3/user": { id: 583231, login: "octocat", name: "The Octocat", email: "public@octo.example", avatar_url: "https://avatars.example/u/583231" },
        "/api/v3/user/emails": [
          { email: "other@octo.example", primary: false, verified: true },
          { email: "octo@example.com", primary: true, verified: true },
        ],
      },
    });
  });
  afterAll(() => github.close());

  const provider = (extra: object = {}) => githubProvider({ serverUrl: github.url, clientId: "gh-client", clientSecret: "the-secret", allowInsecureRequests: true, ...extra });

  it("signs in with the code flow and PKCE; the primary verified email makes the allow-list work", async () => {
    const { authorize, user } = await runFlow(provider({ allowedDomains: ["example.com"] }));
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ client_id: "gh-client", scope: "read:user user:email", code_challenge_method: "S256", response_type: "code" });
    expect(user).toEqual({
      user_id: "github_583231",
      username: "octocat",
      email: "octo@example.com",
      full_name: "The Octocat",
      roles: ["user"],
      metadata: { provider: "github", picture: "https://avatars.example/u/583231", profile: `${github.url}/octocat`, email_verified: true },
    });
    expect(github.tokenRequests.at(-1)?.get("grant_type")).toBe("authorization_code");
  });

  it("reports a refused code (a wrong PKCE verifier) as code_rejected", async () => {
    const error = await runFlow(provider(), { codeVerifier: "w".repeat(43) }).catch((caught: unknown) => caught);
    expect(SignInError.isInstance(error) && error.code).toBe("code_rejected");
  });
});

describe("discordProvider against a Discord stand-in", () => {
  let discord: StandIn;
  beforeAll(async () => {
    discord = await startStandIn({
      authorize: "/oauth2/authorize",
      token: "/api/oauth2/token",
      api: { "/api/users/@me": { id: "80351110224678912", username: "nelly", global_name: "Nelly", email: "nelly@example.com", verified: false, avatar: "8342729096ea3675442027381ff50dfe", discriminator: "0" } },
    });
  });
  afterAll(() => discord.close());

  it("maps the user as Python Ragbits does (discord_<id>, global name, avatar, discriminator)", async () => {
    const { authorize, user } = await runFlow(discordProvider({ serverUrl: discord.url, clientId: "d-client", clientSecret: "the-secret", allowInsecureRequests: true }));
    expect(authorize.searchParams.get("scope")).toBe("identify email");
    expect(user).toEqual({
      user_id: "discord_80351110224678912",
      username: "nelly",
      email: "nelly@example.com",
      full_name: "Nelly",
      roles: ["user"],
      metadata: { provider: "discord", avatar: "8342729096ea3675442027381ff50dfe", discriminator: "0", email_verified: false },
    });
  });

  it("does not count an email Discord has not verified for the allow-list", async () => {
    const error = await runFlow(discordProvider({ serverUrl: discord.url, clientId: "d", clientSecret: "the-secret", allowInsecureRequests: true, allowedEmails: ["nelly@example.com"] })).catch((caught: unknown) => caught);
    expect(SignInError.isInstance(error) && error.code).toBe("not_allowed");
  });
});
