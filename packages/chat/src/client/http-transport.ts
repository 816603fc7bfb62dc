import { protocolError } from "./client-errors";
import { httpErrorFromResponse } from "./http-error-response";
import { type Redactor, headerRedactor } from "@ragbits/core/redact";
import { RequestScope } from "./request-scope";

/** Any fetch: the global one, undici's, a test double, or a wrapper adding retries or logging. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

// DOM's HeadersInit and RequestCredentials, spelled through globals that Node's own types declare as
// well: a Node project without the DOM lib must be able to compile against these declarations.
type HeadersInit = NonNullable<ConstructorParameters<typeof Headers>[0]>;
type RequestCredentials = RequestInit["credentials"];

/** Static headers, or a function called before each request (e.g. to refresh a token). */
export type HeadersOption = HeadersInit | (() => HeadersInit | Promise<HeadersInit>);

export interface TransportOptions {
  /** The server's origin (and path prefix, when mounted under one); "" means same origin in a browser. */
  baseUrl: string;
  fetch?: FetchLike | undefined;
  headers?: HeadersOption | undefined;
  /** fetch's `credentials`: "include" sends the session cookie cross-origin. */
  credentials?: RequestCredentials | undefined;
}

export interface SendOptions {
  body?: unknown;
  accept: string;
  signal?: AbortSignal;
  /** Headers of this request (after the configured ones, which they override). */
  headers?: Record<string, string>;
}

/** A request whose answer was 2xx. Whoever receives it must `dispose()` its scope. */
export interface OpenResponse {
  response: Response;
  scope: RequestScope;
  redact: Redactor;
}

/**
 * The one way the client talks HTTP: builds the URL and headers, sends through the configured
 * fetch within a RequestScope, and turns every failure into a typed client error.
 */
export class HttpTransport {
  private readonly baseUrl: string;

  constructor(private readonly options: TransportOptions) {
    rejectCredentialsInUrl(options.baseUrl);
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  /** Sends a request; resolves once a 2xx answer's headers arrived. */
  async open(method: string, path: string, options: SendOptions): Promise<OpenResponse> {
    const url = `${this.baseUrl}${path}`;
    // Resolved before the scope: a failing headers function is the caller's own error, passed on as is.
    const userHeaders = new Headers(await this.userHeaders());
    const redact = headerRedactor(userHeaders);
    const scope = new RequestScope(`${method} ${describeUrl(url)}`, options.signal);
    try {
      scope.throwIfAborted();
      const response = await this.send(url, { method, headers: requestHeaders(userHeaders, options), body: jsonBody(options.body), signal: scope.signal });
      if (!response.ok) throw await httpErrorFromResponse(response, scope.request, redact);
      return { response, scope, redact };
    } catch (error) {
      scope.dispose();
      throw scope.toClientError(error);
    }
  }

  /** A JSON request and its JSON answer. */
  async requestJson<T>(method: string, path: string, options: Omit<SendOptions, "accept">): Promise<T> {
    const { response, scope, redact } = await this.open(method, path, { ...options, accept: "application/json" });
    try {
      const text = await response.text();
      try {
        return JSON.parse(text) as T;
      } catch {
        throw protocolError(`${scope.request} answered ${response.status} with a body that is not JSON`, redact(text));
      }
    } catch (error) {
      throw scope.toClientError(error);
    } finally {
      scope.dispose();
    }
  }

  private async userHeaders(): Promise<HeadersInit> {
    const { headers } = this.options;
    return typeof headers === "function" ? await headers() : (headers ?? {});
  }

  private send(url: string, init: RequestInit): Promise<Response> {
    if (this.options.credentials) init.credentials = this.options.credentials;
    // Called unbound: a browser's fetch throws "Illegal invocation" when called as a method of another object.
    const fetchImpl = this.options.fetch ?? ((input: string, requestInit: RequestInit) => globalThis.fetch(input, requestInit));
    return fetchImpl(url, init);
  }
}

function requestHeaders(userHeaders: Headers, options: SendOptions): Headers {
  const headers = new Headers({ accept: options.accept });
  if (options.body !== undefined) headers.set("content-type", "application/json");
  userHeaders.forEach((value, name) => headers.set(name, value));
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  return headers;
}

function jsonBody(body: unknown): string | undefined {
  return body === undefined ? undefined : JSON.stringify(body);
}

/** The URL as errors show it: no query string or user info, which may carry credentials. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    // A relative URL (same-origin use in a browser).
    return url.split(/[?#]/)[0] ?? url;
  }
}

/**
 * fetch refuses a URL with `user:password@`, and its error message repeats the URL: a secret in
 * baseUrl would end up in every error. Refused up front, without echoing it.
 */
function rejectCredentialsInUrl(baseUrl: string): void {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    return; // relative: same origin in a browser
  }
  if (parsed.username || parsed.password) {
    throw new TypeError(`baseUrl must not contain credentials (${parsed.protocol}//***@${parsed.host}); send them with the headers option, e.g. { authorization: "Basic …" }`);
  }
}
