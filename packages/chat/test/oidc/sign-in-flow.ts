/**
 * An OAuth2 sign-in driven over HTTP, as a browser would: the chat server's authorize endpoint, the
 * identity provider's login form, the redirect back to the callback. Redirects are followed by hand,
 * so a test can stop at any step, tamper, or replay. Cookies are kept per origin in a CookieJar.
 */

/** The cookies of one browser, per origin (enough for these tests: no paths, no expiry). */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  header(url: string): string {
    return [...(this.cookies.get(new URL(url).origin) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  store(url: string, response: Response): void {
    const origin = new URL(url).origin;
    const jar = this.cookies.get(origin) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(";", 1)[0]!;
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === "" || /max-age=0\b/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(origin, jar);
  }

  get(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).origin)?.get(name);
  }

  delete(url: string, name: string): void {
    this.cookies.get(new URL(url).origin)?.delete(name);
  }

  /** Another browser that has the same cookies for `url`'s origin (what an attacker copied). */
  copy(url: string): CookieJar {
    const other = new CookieJar();
    other.cookies.set(new URL(url).origin, new Map(this.cookies.get(new URL(url).origin)));
    return other;
  }
}

/** One request without following redirects, with the jar's cookies, storing the ones it sets. */
export async function request(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set("cookie", cookie);
  const response = await fetch(url, { ...init, headers, redirect: "manual" });
  jar.store(url, response);
  return response;
}

export interface Started {
  authorizeUrl: string;
  state: string;
}

/** GET /api/auth/authorize/<provider>: the provider's URL for this attempt, and its state. */
export async function startSignIn(jar: CookieJar, chatUrl: string, provider: string, query = ""): Promise<Started> {
  const response = await request(jar, `${chatUrl}/api/auth/authorize/${provider}${query}`);
  if (response.status !== 200) throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { authorize_url: string; state: string };
  return { authorizeUrl: body.authorize_url, state: body.state };
}

/**
 * At the identity provider: opens the authorization URL, then signs in as `username` (or presses
 * "Deny"), and returns the URL the provider sends the browser back to (the chat's callback).
 */
export async function atProvider(jar: CookieJar, authorizeUrl: string, action: { signInAs: string } | "deny"): Promise<string> {
  let response = await request(jar, authorizeUrl);
  let location = locationOf(response, authorizeUrl);
  // The login page, as a browser would show it.
  response = await request(jar, location);
  if (response.status !== 200) throw new Error(`the provider's login page answered ${response.status}: ${await response.text()}`);
  await response.text();
  const form = action === "deny" ? `${location}/deny` : `${location}/login`;
  response = await request(jar, form, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: action === "deny" ? "" : `login=${encodeURIComponent(action.signInAs)}` });
  location = locationOf(response, form);
  // Back to the provider's authorization endpoint, which now redirects to the client's callback.
  for (let hops = 0; new URL(location).origin === new URL(authorizeUrl).origin; hops++) {
    if (hops > 5) throw new Error("too many redirects at the provider");
    response = await request(jar, location);
    location = locationOf(response, location);
  }
  return location;
}

export interface CallbackResult {
  status: number;
  location: string;
  /** The `error` parameter of the redirect back to the UI, if it is one. */
  error: string | null;
}

/** Follows the provider's redirect to the chat's callback (with this jar's cookies). */
export async function finishSignIn(jar: CookieJar, callbackUrl: string): Promise<CallbackResult> {
  const response = await request(jar, callbackUrl);
  await response.text();
  const location = response.headers.get("location") ?? "";
  return { status: response.status, location, error: location ? new URL(location, callbackUrl).searchParams.get("error") : null };
}

/** The whole sign-in: authorize, sign in at the provider, callback. */
export async function signIn(jar: CookieJar, chatUrl: string, provider: string, username: string): Promise<CallbackResult> {
  const { authorizeUrl } = await startSignIn(jar, chatUrl, provider);
  return finishSignIn(jar, await atProvider(jar, authorizeUrl, { signInAs: username }));
}

/** GET /api/user with the jar's session. */
export async function currentUser(jar: CookieJar, chatUrl: string): Promise<{ status: number; body: any }> {
  const response = await request(jar, `${chatUrl}/api/user`);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

function locationOf(response: Response, from: string): string {
  const location = response.headers.get("location");
  if (response.status < 300 || response.status >= 400 || !location) throw new Error(`expected a redirect from ${from}, got ${response.status}`);
  return new URL(location, from).href;
}
