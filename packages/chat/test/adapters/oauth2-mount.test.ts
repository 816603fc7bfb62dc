/**
 * OAuth2 sign-in with the API mounted under a path of an Express app (`app.use("/chat", api.router())`):
 * the callback URL, the return to the app and the error page all carry the mount path.
 */
import { type Server } from "node:http";
import { type AddressInfo } from "node:net";
import express from "express";
import pino from "pino";
import { OpenIdConnectProvider, RagbitsAPI, StateSigner } from "../../src";
import { ScriptedChat } from "../helpers/scripted-chat";
import { CookieJar, atProvider, currentUser, finishSignIn, startSignIn } from "../oidc/sign-in-flow";
import { type TestIdentityProvider, startIdentityProvider } from "../oidc/start-identity-provider";

let idp: TestIdentityProvider;
let api: RagbitsAPI;
let server: Server;
let base: string;

beforeAll(async () => {
  // "native": oidc-provider accepts this loopback redirect URI on any port (RFC 8252).
  idp = await startIdentityProvider([{ client_id: "mounted", client_secret: "s", application_type: "native", redirect_uris: ["http://127.0.0.1/chat/api/auth/callback/idp"] }], {
    ann: { email: "ann@example.com", email_verified: true, name: "Ann" },
  });
  const chat = new ScriptedChat(function* (turn, self) {
    yield self.createTextResponse(`Echo: ${turn.message}`);
  });
  const auth = new OpenIdConnectProvider({ name: "idp", issuer: idp.issuer, clientId: "mounted", clientSecret: "s", allowInsecureRequests: true });
  api = new RagbitsAPI(chat, { auth, logger: pino({ level: "silent" }), stateSigner: new StateSigner("mount-secret") });
  const app = express();
  app.get("/", (_req, res) => void res.send("the app's own page"));
  app.use("/chat", api.router());
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await api.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await idp.close();
});

it("uses the mount path in the callback URL, the return to the app and the login error page", async () => {
  const jar = new CookieJar();
  const { authorizeUrl } = await startSignIn(jar, `${base}/chat`, "idp");
  expect(new URL(authorizeUrl).searchParams.get("redirect_uri")).toBe(`${base}/chat/api/auth/callback/idp`);
  expect(await finishSignIn(jar, await atProvider(jar, authorizeUrl, { signInAs: "ann" }))).toEqual({ status: 302, location: "/chat/", error: null });
  expect((await currentUser(jar, `${base}/chat`)).body).toMatchObject({ user_id: "idp_ann" });
  expect(await finishSignIn(jar, `${base}/chat/api/auth/callback/idp?code=x&state=forged`)).toEqual({ status: 302, location: "/chat/login?error=invalid_state", error: "invalid_state" });
  // A return path outside the mount goes to the mount's root instead.
  const again = new CookieJar();
  const started = await startSignIn(again, `${base}/chat`, "idp", "?return_to=%2Fadmin");
  expect((await finishSignIn(again, await atProvider(again, started.authorizeUrl, { signInAs: "ann" }))).location).toBe("/chat/");
});
