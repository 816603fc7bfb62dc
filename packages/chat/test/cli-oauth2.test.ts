/**
 * `ragbits api run --auth <module>` with OAuth2 providers: a module that exports a
 * MultiAuthenticationBackend (password users, a generic OpenID Connect provider, a preset whose client
 * comes from GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET), `--base-url` for the callback URL, and a whole
 * sign-in through the CLI's server against the test OpenID Connect provider.
 */
import { type TestIdentityProvider, startIdentityProvider } from "./oidc/start-identity-provider";
import { CookieJar, atProvider, currentUser, finishSignIn, startSignIn } from "./oidc/sign-in-flow";
import { spawnCli, stopAll, waitForExit, waitForUrl } from "./cli-fixtures/cli-process";
import { get } from "./cli-fixtures/http";
import { UserProject } from "./cli-fixtures/user-project";

const SSO_TS = `import { ListAuthentication, MultiAuthenticationBackend, OpenIdConnectProvider, googleProvider } from "@ragbits/chat";

export default new MultiAuthenticationBackend([
  new ListAuthentication([{ username: "ada", password: "analytical-engine" }]),
  new OpenIdConnectProvider({
    name: "corp",
    displayName: "Corp SSO",
    issuer: process.env.CORP_ISSUER!,
    clientId: "cli-chat",
    clientSecret: process.env.CORP_CLIENT_SECRET,
    allowedDomains: ["example.com"],
    allowInsecureRequests: true,
  }),
  googleProvider(),
]);
`;

const PUBLIC_URL = "https://chat.example.com";

let project: UserProject;
let idp: TestIdentityProvider;

beforeAll(async () => {
  project = new UserProject();
  project.write("sso.ts", SSO_TS);
  idp = await startIdentityProvider([{ client_id: "cli-chat", client_secret: "corp-secret", redirect_uris: [`${PUBLIC_URL}/api/auth/callback/corp`] }], {
    grace: { email: "grace@example.com", email_verified: true, name: "Grace Hopper" },
  });
});

afterAll(async () => {
  await stopAll();
  await idp?.close();
  project?.remove();
});

const env = () => ({ CORP_ISSUER: idp.issuer, CORP_CLIENT_SECRET: "corp-secret", GOOGLE_CLIENT_ID: "google-id", GOOGLE_CLIENT_SECRET: "google-secret" });

it("serves every provider of the module, with callback URLs under --base-url, and signs in through it", async () => {
  const server = spawnCli(["api", "run", "main.ts:EchoChat", "--port", "0", "--auth", "sso.ts:default", "--base-url", `${PUBLIC_URL}/`], project.dir, env());
  const url = await waitForUrl(server);
  const config = await (await get(`${url}/api/config`)).json();
  expect(config.authentication.auth_types).toEqual(["credentials", "oauth2"]);
  expect(config.authentication.oauth2_providers.map((provider: { name: string; display_name: string }) => [provider.name, provider.display_name])).toEqual([
    ["corp", "Corp SSO"],
    ["google", "Google"],
  ]);

  const jar = new CookieJar();
  const { authorizeUrl } = await startSignIn(jar, url, "corp");
  expect(new URL(authorizeUrl).searchParams.get("redirect_uri")).toBe(`${PUBLIC_URL}/api/auth/callback/corp`);
  // The provider sends the browser to the public URL; the reverse proxy in front hands it to this server.
  const callback = new URL(await atProvider(jar, authorizeUrl, { signInAs: "grace" }));
  expect(callback.origin).toBe(PUBLIC_URL);
  expect(await finishSignIn(jar, `${url}${callback.pathname}${callback.search}`)).toEqual({ status: 302, location: "/", error: null });
  expect((await currentUser(jar, url)).body).toMatchObject({ user_id: "corp_grace", full_name: "Grace Hopper" });
});

it("stops at start with what to set when a preset's client is not configured", async () => {
  const { GOOGLE_CLIENT_ID: _id, GOOGLE_CLIENT_SECRET: _secret, ...withoutGoogle } = env();
  const server = spawnCli(["api", "run", "main.ts:EchoChat", "--port", "0", "--auth", "sso.ts:default"], project.dir, { ...withoutGoogle, GOOGLE_CLIENT_ID: "", GOOGLE_CLIENT_SECRET: "" });
  const exit = await waitForExit(server);
  expect(exit.code).not.toBe(0);
  expect(exit.stderr).toMatch(/googleProvider: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET \(or pass clientId and clientSecret\)/);
});
