/**
 * openid-client 6 is an ES module only. Both builds of the package must load it when a sign-in
 * starts: the ESM build with import(), the CommonJS build with require() (Node.js loads ES modules
 * that way from 20.19 on). Run in real Node processes (Jest's own module system is not Node's),
 * against the built dist/ and the test OpenID Connect provider.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { type TestIdentityProvider, startIdentityProvider } from "./oidc/start-identity-provider";

const run = promisify(execFile);
const dist = join(__dirname, "..", "dist");

let idp: TestIdentityProvider;

beforeAll(async () => {
  idp = await startIdentityProvider([{ client_id: "builds", client_secret: "s", redirect_uris: ["http://127.0.0.1:1/api/auth/callback/idp"] }], {});
});

afterAll(() => idp?.close());

/** The script each build runs: a provider's authorization URL, which needs openid-client and discovery. */
function script(load: string): string {
  return `${load}
const provider = new OpenIdConnectProvider({ name: "idp", issuer: process.env.ISSUER, clientId: "builds", clientSecret: "s", allowInsecureRequests: true });
provider.authorizationUrl({ state: "s".repeat(43), codeVerifier: "v".repeat(43), nonce: "n".repeat(43), redirectUri: "http://127.0.0.1:1/api/auth/callback/idp" })
  .then((url) => console.log(url), (error) => { console.error(error.message); process.exit(1); });`;
}

it.each([
  ["CommonJS (require)", ["-e", script(`const { OpenIdConnectProvider } = require(${JSON.stringify(join(dist, "index.cjs"))});`)]],
  ["ESM (import)", ["--input-type=module", "-e", script(`import { OpenIdConnectProvider } from ${JSON.stringify(join(dist, "index.js"))};`)]],
])("the %s build loads openid-client and discovers the provider", async (_build, args) => {
  const { stdout, stderr } = await run(process.execPath, args, { env: { ...process.env, ISSUER: idp.issuer }, timeout: 20_000 });
  const url = new URL(stdout.trim());
  expect(url.origin).toBe(idp.issuer);
  expect(url.searchParams.get("code_challenge_method")).toBe("S256");
  expect(url.searchParams.get("client_id")).toBe("builds");
  // No "ExperimentalWarning: CommonJS module ... is loading ES Module" or similar noise for the user.
  expect(stderr).toBe("");
});
