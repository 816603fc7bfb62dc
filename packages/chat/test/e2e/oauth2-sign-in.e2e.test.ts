/**
 * OAuth2 / OpenID Connect sign-in through the built UI in real Chromium, against a real OpenID
 * Connect provider (the certified oidc-provider package on 127.0.0.1): the login page's provider
 * button, the provider's own login page, the callback, the signed-in chat; and the errors the UI
 * shows when the provider refuses or the allow-list does.
 */
import { ListAuthentication, MultiAuthenticationBackend, OpenIdConnectProvider } from "../../src";
import { CookieJar, atProvider, startSignIn } from "../oidc/sign-in-flow";
import { type TestClient, type TestIdentityProvider, startIdentityProvider } from "../oidc/start-identity-provider";
import { type Browser, launchBrowser } from "./browser";
import { type UiSession, openUi, screenshot, sendMessage, waitForAnswer } from "./ui-page";

jest.setTimeout(60_000);

let idp: TestIdentityProvider;
let browser: Browser;
let ui: UiSession;

beforeAll(async () => {
  // A "native" client: oidc-provider accepts its loopback redirect URI on any port (RFC 8252).
  const client: TestClient = { client_id: "ragbits-chat", client_secret: "chat-secret", application_type: "native", redirect_uris: ["http://127.0.0.1/api/auth/callback/idp"] };
  idp = await startIdentityProvider([client], {
    alice: { email: "alice@example.com", email_verified: true, name: "Alice Liddell", roles: ["reader"] },
    mallory: { email: "mallory@elsewhere.org", email_verified: true, name: "Mallory" },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await idp?.close();
});

beforeEach(async () => {
  // A fresh browser session per test: no cookies from the provider or the chat.
  await browser.context.clearCookies();
  const provider = new OpenIdConnectProvider({
    name: "idp",
    displayName: "Test IdP",
    issuer: idp.issuer,
    clientId: "ragbits-chat",
    clientSecret: "chat-secret",
    scopes: ["openid", "email", "profile", "roles"],
    rolesClaim: "roles",
    allowedDomains: ["example.com"],
    allowInsecureRequests: true,
    button: { color: "#0B57D0", textColor: "#FFFFFF" },
  });
  const auth = new MultiAuthenticationBackend([new ListAuthentication([{ username: "ann", password: "ann-pass" }]), provider]);
  ui = await openUi(browser, { auth }, "button.sign-in-provider");
});

afterEach(async () => {
  const { cspViolations, pageErrors } = ui;
  await ui.close();
  // The login page's buttons (colors set through the DOM) need nothing the strict CSP forbids.
  expect(cspViolations).toEqual([]);
  expect(pageErrors).toEqual([]);
});

describe("signing in with an OpenID Connect provider in Chromium", () => {
  it("shows the provider's button beside the password form, signs in at the provider, and lands in the chat", async () => {
    const { page, chat, url } = ui;
    const button = page.locator("button.sign-in-provider");
    expect(await button.textContent()).toBe("Sign in with Test IdP");
    expect(await button.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(11, 87, 208)");
    expect(await page.locator("#login-username").count()).toBe(1);
    await screenshot(page, "oauth2-login-page.png");

    await button.click();
    // The provider's own login page.
    await page.locator("#idp-username").waitFor();
    expect(new URL(page.url()).origin).toBe(idp.issuer);
    await page.locator("#idp-username").fill("alice");
    await page.locator("#idp-sign-in").click();

    // Back in the chat, signed in.
    await page.locator("#composer-input").waitFor();
    expect(page.url()).toBe(`${url}/`);
    expect(await page.locator(".user-name").textContent()).toBe("Alice Liddell");
    await sendMessage(page, "who am I?");
    await waitForAnswer(page);
    expect(chat.contexts.at(-1)!.user).toMatchObject({ user_id: "idp_alice", username: "alice", email: "alice@example.com", roles: ["reader"] });

    // The session is a normal one: it survives a reload, and signing out returns to the login page.
    await page.reload();
    await page.locator("#composer-input").waitFor();
    await page.locator("button[aria-label='Sign out']").click();
    await page.locator("button.sign-in-provider").waitFor();
  });

  it("says so when the user denies the provider's request, and the address is the app's again", async () => {
    const { page, url } = ui;
    await page.locator("button.sign-in-provider").click();
    await page.locator("#idp-deny").click();
    const alert = page.locator(".login-card [role='alert']");
    await alert.waitFor();
    expect(await alert.textContent()).toBe("Sign-in was cancelled at the provider. To use the chat, sign in and allow access.");
    expect(page.url()).toBe(`${url}/`);
    await screenshot(page, "oauth2-login-denied.png");
    // Trying again works.
    await page.locator("button.sign-in-provider").click();
    await page.locator("#idp-username").fill("alice");
    await page.locator("#idp-sign-in").click();
    await page.locator("#composer-input").waitFor();
  });

  it("tells a user the allow-list leaves out that the account is not allowed", async () => {
    const { page } = ui;
    await page.locator("button.sign-in-provider").click();
    await page.locator("#idp-username").fill("mallory");
    await page.locator("#idp-sign-in").click();
    const alert = page.locator(".login-card [role='alert']");
    await alert.waitFor();
    expect(await alert.textContent()).toBe("This account is not allowed to use this chat. Sign in with another account, or ask the administrator for access.");
    expect(await page.locator("#composer-input").count()).toBe(0);
  });

  it("refuses a callback link opened in a browser that did not start the sign-in (login CSRF)", async () => {
    const { page, url } = ui;
    // The attacker's own sign-in (over HTTP, in the attacker's own "browser"), stopped before the callback.
    const attacker = new CookieJar();
    const { authorizeUrl } = await startSignIn(attacker, url, "idp");
    const callback = await atProvider(attacker, authorizeUrl, { signInAs: "alice" });
    expect(new URL(callback).searchParams.get("code")).toBeTruthy();
    // The victim's browser opens it: not signed in, and told to start again.
    await page.goto(callback);
    const alert = page.locator(".login-card [role='alert']");
    await alert.waitFor();
    expect(await alert.textContent()).toBe("The sign-in was started in another browser or tab that is gone. Please start it again here.");
    expect(await page.locator("#composer-input").count()).toBe(0);
  });
});
