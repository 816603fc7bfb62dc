/**
 * A real OpenID Connect provider for the tests: the certified `oidc-provider` package on 127.0.0.1,
 * run in a child process (it is an ES module; Jest's CommonJS runtime could not load it in-process).
 *
 * Started with one argument, a JSON configuration: `{ clients: [...], accounts: { id: claims } }`.
 * Prints `READY <issuer URL>` once it listens. The login page is a plain HTML form (username, "Sign in",
 * "Deny") that a browser or an HTTP client fills in; signing in grants every requested scope.
 *
 * Test-only controls (never part of a real provider), POST /__test/settings with JSON:
 * - `clockOffsetMs`: this provider's clock runs that far ahead (negative: behind) of the real one;
 * - `codeTtlSeconds`, `idTokenTtlSeconds`: how long authorization codes and ID tokens live;
 * - `idTokenAudience`: re-sign the next ID tokens with this audience (a token the provider signed for
 *   another client, as a mix-up or substitution attack would deliver), or null to stop.
 */
import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { createServer } from "node:http";
import { URLSearchParams } from "node:url";
import Provider from "oidc-provider";

const config = JSON.parse(process.argv[2] ?? "{}");
const accounts = config.accounts ?? {};

const settings = { clockOffsetMs: 0, codeTtlSeconds: 60, idTokenTtlSeconds: 3600, idTokenAudience: null };

// The provider reads the time through Date.now (epochTime): shifting it shifts every iat/exp it writes.
const realNow = Date.now.bind(Date);
Date.now = () => realNow() + settings.clockOffsetMs;

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: "jwk" }), kid: `test-${randomUUID()}`, alg: "RS256", use: "sig" };
const signingKey = createPrivateKey({ key: signingJwk, format: "jwk" });

const server = createServer();
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients ?? [],
  jwks: { keys: [signingJwk] },
  cookies: { keys: ["test-identity-provider-cookie-key"] },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "preferred_username", "picture"], roles: ["roles", "groups"] },
  scopes: ["openid", "email", "profile", "roles", "offline_access"],
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: (_ctx, accountId) => {
    const claims = accounts[accountId];
    return claims ? { accountId, claims: async () => ({ sub: accountId, ...claims }) } : undefined;
  },
  ttl: {
    AuthorizationCode: () => settings.codeTtlSeconds,
    IdToken: () => settings.idTokenTtlSeconds,
    AccessToken: 3600,
    Grant: 3600,
    Interaction: 3600,
    Session: 3600,
  },
  renderError: (ctx, out) => {
    ctx.type = "html";
    ctx.body = `<!doctype html><title>Error</title><h1 id="idp-error">${escapeHtml(out.error)}</h1><p>${escapeHtml(out.error_description ?? "")}</p>`;
  },
});

// The audience substitution happens on the token endpoint's answer, after the provider built it.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === "/token" && settings.idTokenAudience && ctx.body && typeof ctx.body.id_token === "string") {
    ctx.body = { ...ctx.body, id_token: resign(ctx.body.id_token, { aud: settings.idTokenAudience, azp: settings.idTokenAudience }) };
  }
});

const providerCallback = provider.callback();

server.on("request", (req, res) => {
  const url = new URL(req.url, issuer);
  handle(req, res, url).catch((error) => {
    process.stderr.write(`identity provider: ${error.stack ?? error}\n`);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end("internal error");
  });
});

async function handle(req, res, url) {
  if (url.pathname === "/__test/settings" && req.method === "POST") {
    Object.assign(settings, JSON.parse(await readBody(req)));
    return sendJson(res, 200, settings);
  }
  const match = /^\/interaction\/([^/]+)(?:\/(login|deny))?$/.exec(url.pathname);
  if (!match) return providerCallback(req, res);
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== match[1]) return sendHtml(res, 400, "<h1>Interaction mismatch</h1>");
  if (req.method === "GET" && !match[2]) return sendHtml(res, 200, loginPage(details.uid, details.params.client_id));
  if (req.method === "POST" && match[2] === "deny") {
    return provider.interactionFinished(req, res, { error: "access_denied", error_description: "End-User denied the request" }, { mergeWithLastSubmission: false });
  }
  if (req.method === "POST" && match[2] === "login") {
    const login = new URLSearchParams(await readBody(req)).get("login") ?? "";
    if (!accounts[login]) return sendHtml(res, 200, loginPage(details.uid, details.params.client_id, `Unknown user "${login}"`));
    // Signing in grants what was asked for: no separate consent screen.
    const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
    grant.addOIDCScope(String(details.params.scope ?? "openid"));
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }
  return sendHtml(res, 405, "<h1>Method not allowed</h1>");
}

function loginPage(uid, clientId, error) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Test identity provider</title></head><body>
<h1>Sign in to continue to ${escapeHtml(clientId)}</h1>
${error ? `<p id="idp-login-error">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${uid}/login">
  <label>Username <input id="idp-username" name="login" autocomplete="off"></label>
  <button id="idp-sign-in" type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${uid}/deny"><button id="idp-deny" type="submit">Deny</button></form>
</body></html>`;
}

/** The same claims with some replaced, signed again with the provider's own key. */
function resign(jwt, changes) {
  const [header, payload] = jwt.split(".");
  const claims = { ...JSON.parse(Buffer.from(payload, "base64url").toString("utf8")), ...changes };
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${input}.${sign("sha256", Buffer.from(input), signingKey).toString("base64url")}`;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function sendHtml(res, status, html) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(html);
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

process.stdout.write(`READY ${issuer}\n`);
// The test that started it closes its stdin when done: stop then, even if it forgot to kill us.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
