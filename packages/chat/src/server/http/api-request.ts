/**
 * One HTTP request as every route sees it, whatever carried it (node:http/Express or a web `Request`).
 * Adapters build it; routes never touch a transport's own objects.
 */
export interface ApiRequest {
  /** Upper case. */
  readonly method: string;
  /** The URL path below the mount point, not decoded, without the query: `/api/chat`. */
  readonly path: string;
  /** The query string without its `?`, not decoded (`limit=20&cursor=…`); empty or absent when there is none. */
  readonly query?: string;
  /** Where the API is mounted (`""` at the root): the UI's `<base>` points there. */
  readonly mountPath: string;
  /** A request header by its lower-case name; repeated headers joined as HTTP joins them. */
  header(name: string): string | undefined;
  /** The client's address when the transport knows it (login rate limiting keys on it). */
  readonly remoteAddress: string | undefined;
  /**
   * Aborted when the client goes away before its answer was written, when the transport can tell
   * (a route that works before answering, like a non-streaming completion, stops with it).
   */
  readonly signal?: AbortSignal;
  /** The raw body bytes, as they arrive; read at most once. */
  body(): AsyncIterable<Uint8Array>;
}
