import { METHODS } from "node:http";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { type RawRequest } from "./http-client";

/**
 * Generators of hostile HTTP requests against every /api route: JSON that is malformed, of the wrong
 * shape, huge, deeply nested, full of prototype-pollution keys or invalid UTF-8; wrong or missing
 * content types and encodings; random methods, paths, query strings and cookies; multipart bodies
 * that lie. Each request says which route it targets and what it was meant to exercise.
 */

/** The body limit of the server under test: bodies around and above it are generated. */
export const BODY_LIMIT_BYTES = 16 * 1024;
export const UPLOAD_LIMIT_BYTES = 8 * 1024;

/** A JSON value as a tree we serialise ourselves, so keys like "__proto__" are spelled exactly as chosen. */
export type JsonTree = null | boolean | number | string | { raw: string } | JsonTree[] | { entries: Array<[string, JsonTree]> };

export const DANGEROUS_KEYS = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "__defineGetter__", "isPrototypeOf", "then"];

/** Key spellings the parser must see through: `\u005f_proto__` is "__proto__". */
const KEY_ESCAPES: Record<string, string> = { __proto__: "\\u005f_proto__", constructor: "constr\\u0075ctor" };

export function serialize(tree: JsonTree, escapeKeys = false): string {
  if (tree === null || typeof tree === "boolean") return String(tree);
  if (typeof tree === "number") return Number.isFinite(tree) ? JSON.stringify(tree) : "null";
  if (typeof tree === "string") return JSON.stringify(tree);
  if (Array.isArray(tree)) return `[${tree.map((item) => serialize(item, escapeKeys)).join(",")}]`;
  if ("raw" in tree) return tree.raw;
  return `{${tree.entries.map(([key, value]) => `${escapeKeys && KEY_ESCAPES[key] ? `"${KEY_ESCAPES[key]}"` : JSON.stringify(key)}:${serialize(value, escapeKeys)}`).join(",")}}`;
}

const obj = (...entries: Array<[string, JsonTree] | undefined>): JsonTree => ({ entries: entries.filter((entry): entry is [string, JsonTree] => entry !== undefined) });

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom("", " ", "\u0000", "\ud800", "\udfff", "\ud83d\ude00", "e\u0301", "\u202e", "../../etc/passwd", "<script>alert(1)</script>", "%00", "Infinity", "NaN", "{{7*7}}", "${7*7}", "null", "Europe/Warsaw", "Mars/Olympus", "UTC", "__proto__"),
  },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 20_000 }).map((length) => "x".repeat(length)) },
);

const rawNumber = fc.constantFrom("1e400", "-1e400", "-0", "1E-400", "123456789012345678901234567890", "0.1e1", "9007199254740993");

/** Any JSON value, with dangerous keys, odd numbers and hostile strings. */
export const jsonTree: fc.Arbitrary<JsonTree> = fc.letrec<{ value: JsonTree }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    rawNumber.map((raw) => ({ raw })),
    hostileString,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...DANGEROUS_KEYS), fc.string({ maxLength: 8 })), tie("value")), { maxLength: 4 }).map((entries) => ({ entries })),
  ),
})).value;

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 3 });
const field = (name: string, arbitrary: fc.Arbitrary<JsonTree>) => maybe(arbitrary).map((value): [string, JsonTree] | undefined => (value === undefined ? undefined : [name, value]));
const dangerousEntries = fc.array(fc.tuple(fc.constantFrom(...DANGEROUS_KEYS), jsonTree), { maxLength: 2 });

const historyItem: fc.Arbitrary<JsonTree> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.oneof(fc.constantFrom("user", "assistant", "system", "tool", "robot", ""), jsonTree), fc.oneof(hostileString, jsonTree), maybe(jsonTree)).map(([role, content, extra]) => obj(["role", role], ["content", content], extra === undefined ? undefined : ["extra", extra])) },
  { weight: 1, arbitrary: jsonTree },
);

const contextTree: fc.Arbitrary<JsonTree> = fc
  .tuple(
    field("conversation_id", fc.oneof(hostileString, jsonTree)),
    field("message_id", fc.oneof(hostileString, jsonTree)),
    field("state", jsonTree),
    field("signature", fc.oneof(fc.base64String({ maxLength: 44 }), jsonTree)),
    field("timezone", fc.oneof(fc.constantFrom("Europe/Warsaw", "UTC", "Mars/Olympus", "", "../../etc/localtime", "x".repeat(65)), hostileString)),
    field("user_settings", jsonTree),
    field("tool_confirmations", fc.oneof(fc.array(fc.tuple(jsonTree, jsonTree).map(([id, confirmed]) => obj(["confirmation_id", id], ["confirmed", confirmed])), { maxLength: 3 }), jsonTree)),
    field("user", jsonTree),
    field("session_id", jsonTree),
    dangerousEntries,
  )
  .map(([...parts]) => {
    const dangerous = parts.pop() as Array<[string, JsonTree]>;
    return obj(...(parts as Array<[string, JsonTree] | undefined>), ...dangerous);
  });

export const chatBodyTree: fc.Arbitrary<JsonTree> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(field("message", fc.oneof({ weight: 4, arbitrary: hostileString }, { weight: 1, arbitrary: jsonTree })), field("history", fc.oneof(fc.array(historyItem, { maxLength: 4 }), jsonTree)), field("context", fc.oneof({ weight: 3, arbitrary: contextTree }, { weight: 1, arbitrary: jsonTree })), dangerousEntries)
      .map(([message, history, context, dangerous]) => obj(message, history, context, ...dangerous)),
  },
  { weight: 1, arbitrary: jsonTree },
);

export const feedbackBodyTree: fc.Arbitrary<JsonTree> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(field("message_id", fc.oneof(hostileString, jsonTree)), field("feedback", fc.oneof(fc.constantFrom("like", "dislike", "love", ""), jsonTree)), field("payload", jsonTree), dangerousEntries)
      .map(([id, feedback, payload, dangerous]) => obj(id, feedback, payload, ...dangerous)),
  },
  { weight: 1, arbitrary: jsonTree },
);

export const loginBodyTree: fc.Arbitrary<JsonTree> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(field("username", fc.oneof(fc.constantFrom("ann", "ANN", "root", ""), hostileString, jsonTree)), field("password", fc.oneof(hostileString, jsonTree)), dangerousEntries)
      .map(([username, password, dangerous]) => obj(username, password, ...dangerous)),
  },
  { weight: 1, arbitrary: jsonTree },
);

/** Ways to turn a JSON tree into bytes that a server must survive. */
const jsonBytes = (tree: fc.Arbitrary<JsonTree>): fc.Arbitrary<{ body: Buffer; shape: string }> =>
  fc.oneof(
    { weight: 6, arbitrary: tree.map((value) => ({ body: Buffer.from(serialize(value)), shape: "json" })) },
    { weight: 1, arbitrary: tree.map((value) => ({ body: Buffer.from(serialize(value, true)), shape: "json, escaped keys" })) },
    {
      weight: 2,
      arbitrary: fc.tuple(tree, fc.nat(), fc.constantFrom("truncate", "insert", "replace"), fc.string({ minLength: 1, maxLength: 3 })).map(([value, at, how, junk]) => {
        const text = serialize(value);
        const cut = text.length === 0 ? 0 : at % text.length;
        const broken = how === "truncate" ? text.slice(0, cut) : how === "insert" ? text.slice(0, cut) + junk + text.slice(cut) : text.slice(0, cut) + junk + text.slice(cut + 1);
        return { body: Buffer.from(broken), shape: "malformed json" };
      }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 30, max: 4_000 }), fc.constantFrom("[", '{"a":', '{"message":"x","context":{"state":')).map(([depth, opener]) => {
        const closer = [...opener.replace(/[^{[]/g, "")].reverse().map((bracket) => (bracket === "{" ? "}" : "]")).join("");
        return { body: Buffer.from(opener.repeat(depth) + "1" + closer.repeat(depth)), shape: `nested ${depth} deep` };
      }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(tree, fc.constantFrom([0xff], [0xc0, 0xaf], [0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe, 0xff])).map(([value, bytes]) => {
        const text = serialize(obj(["message", "before"], ["context", value]));
        const at = text.indexOf("before") + 3;
        return { body: Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bytes), Buffer.from(text.slice(at))]), shape: "invalid utf-8" };
      }),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.integer({ min: BODY_LIMIT_BYTES + 1, max: 4 * BODY_LIMIT_BYTES }).map((size) => ({ body: Buffer.from(serialize(obj(["message", "y".repeat(size)]))), shape: "over the body limit" })),
        fc.integer({ min: 500, max: 3_000 }).map((count) => ({ body: Buffer.from(serialize(obj(["message", "hi"], ["history", Array.from({ length: count }, () => obj(["role", "user"], ["content", "a"]))]))), shape: "huge array" })),
        fc.integer({ min: 1_000, max: BODY_LIMIT_BYTES - 100 }).map((size) => ({ body: Buffer.from(serialize(obj(["message", "z".repeat(size)]))), shape: "huge string under the limit" })),
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom("", " ", "\n", "null", "0", "[]", '"text"', "{}", '{"message":"a","message":{"__proto__":{"polluted":true}}}', '{"__proto__":{"polluted":true},"message":"x"}').map((text) => ({ body: Buffer.from(text), shape: "edge json" })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ body: Buffer.from(bytes), shape: "random bytes" })) },
  );

const jsonContentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant("application/json") },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "application/json; charset=latin1",
      "application/json; charset=utf-16",
      "application/json; charset=bogus",
      "application/vnd.api+json",
      "APPLICATION/JSON",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=xyz",
      "multipart/form-data",
      "application/octet-stream",
      "text/html; charset=utf-8",
      "application/json, text/plain",
      ";;;",
      "",
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const contentEncoding = fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom("gzip", "gzip-garbage", "deflate", "br", "identity", "bogus", "gzip, gzip") });

function encode(body: Buffer, encoding: string | undefined): { body: Buffer; header?: string } {
  if (encoding === undefined) return { body };
  if (encoding === "gzip") return { body: gzipSync(body), header: "gzip" };
  if (encoding === "gzip-garbage") return { body, header: "gzip" };
  return { body, header: encoding };
}

const boundary = "----ragbits-fuzz-boundary";

/** Multipart bodies for /api/upload: honest, lying, oversized, malformed. */
const multipartBody: fc.Arbitrary<{ body: Buffer; contentType: string; shape: string }> = fc.oneof(
  fc.tuple(fc.constantFrom("file", "document", "files[]", "__proto__", ""), fc.oneof(fc.constantFrom("notes.txt", "../../etc/passwd", "a\u0000b.txt", "ż😀.txt", "", "x".repeat(300)), fc.string({ maxLength: 20 })), fc.integer({ min: 0, max: 2 * UPLOAD_LIMIT_BYTES }), fc.constantFrom("text/plain", "application/octet-stream", "image/png", "")).map(([name, filename, size, type]) => {
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename.replace(/["\r\n]/g, "_")}"\r\n${type ? `Content-Type: ${type}\r\n` : ""}\r\n`;
    return { body: Buffer.concat([Buffer.from(head), Buffer.alloc(size, 0x61), Buffer.from(`\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}`, shape: size > UPLOAD_LIMIT_BYTES ? "upload over the limit" : "upload" };
  }),
  fc.integer({ min: 1, max: 40 }).map((fields) => {
    const parts = Array.from({ length: fields }, (_, index) => `--${boundary}\r\nContent-Disposition: form-data; name="field${index}"\r\n\r\nvalue${index}\r\n`).join("");
    return { body: Buffer.from(`${parts}--${boundary}--\r\n`), contentType: `multipart/form-data; boundary=${boundary}`, shape: "many fields" };
  }),
  fc.constantFrom(
    { body: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nno closing boundary`), contentType: `multipart/form-data; boundary=${boundary}`, shape: "unterminated multipart" },
    { body: Buffer.from("not multipart at all"), contentType: `multipart/form-data; boundary=${boundary}`, shape: "garbage multipart" },
    { body: Buffer.from(`--${boundary}\r\n\r\n--${boundary}--\r\n`), contentType: `multipart/form-data; boundary=${boundary}`, shape: "part without headers" },
    { body: Buffer.from(`--other\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nx\r\n--other--\r\n`), contentType: `multipart/form-data; boundary=${boundary}`, shape: "wrong boundary" },
    { body: Buffer.from("x"), contentType: "multipart/form-data", shape: "multipart without boundary" },
    { body: Buffer.from("x"), contentType: `multipart/form-data; boundary=${"b".repeat(200)}`, shape: "long boundary" },
  ),
);

export type Route = "chat" | "feedback" | "upload" | "config" | "user" | "theme" | "login" | "logout" | "unknown";

export interface HostileRequest extends RawRequest {
  route: Route;
  /** What the request exercises, for the report of a failure. */
  shape: string;
  /** Send the valid session cookie (auth server only; never with logout). */
  withSession: boolean;
}

const ROUTE_PATHS: Record<Route, string> = {
  chat: "/api/chat",
  feedback: "/api/feedback",
  upload: "/api/upload",
  config: "/api/config",
  user: "/api/user",
  theme: "/api/theme",
  login: "/api/auth/login",
  logout: "/api/auth/logout",
  unknown: "/api/nope",
};

/** Methods node:http can send (CONNECT opens a tunnel instead of a request). */
const OTHER_METHODS = METHODS.filter((method) => method !== "CONNECT");

const pathVariant = (path: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(path) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(`${path}/`, `${path}//`, path.replace("/api/", "/api//"), path.replace("/api/", "/API/"), `${path};x=1`, `${path}%00`, path.replace("/api/", "/api/./"), path.replace("/api/", "/api/%2e/"), `${path}/..`, `${path}%2f..%2f..`, `/api/${"a/".repeat(50)}`, "/api", `/api/${"%".repeat(3)}`),
    },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom("?", "?__proto__[polluted]=1&", "?constructor[prototype][polluted]=1&", "?a[b][c][d][e][f]=1&", "?x=%E0%A4%A&"), fc.webSegment()).map(([query, extra]) => `${path}${query}${extra}`) },
    { weight: 1, arbitrary: fc.webSegment().map((segment) => `/api/${segment}`) },
  );

const cookieHeader = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom("ragbits_session=", "ragbits_session=forged-session-id", "__proto__=x; ragbits_session=y", "ragbits_session=%E0%A4%A", "a=b; a=c; ragbits_session=1; ragbits_session=2", ";;=;", "ragbits_session=" + "A".repeat(4000)) },
  { weight: 1, arbitrary: fc.base64String({ minLength: 1, maxLength: 60 }).map((id) => `ragbits_session=${id}`) },
);

const methodFor = (preferred: string) => fc.oneof({ weight: 6, arbitrary: fc.constant(preferred) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) });

function request(route: Route, method: string, path: string, shape: string, body: Buffer | undefined, contentType: string | undefined, encoding: string | undefined, cookie: string | undefined, withSession: boolean): HostileRequest {
  const headers: Record<string, string> = {};
  let payload = body;
  if (payload !== undefined && method !== "GET" && method !== "HEAD") {
    const encoded = encode(payload, encoding);
    payload = encoded.body;
    if (encoded.header) headers["content-encoding"] = encoded.header;
    if (contentType !== undefined) headers["content-type"] = contentType;
  } else {
    payload = undefined;
  }
  if (cookie !== undefined) headers.cookie = cookie;
  return { route, method, path, shape: `${shape}${encoding ? `, content-encoding ${encoding}` : ""}`, headers, body: payload, withSession };
}

const jsonRoute = (route: Route, tree: fc.Arbitrary<JsonTree>) =>
  fc
    .tuple(methodFor("POST"), pathVariant(ROUTE_PATHS[route]), jsonBytes(tree), jsonContentType, contentEncoding, cookieHeader, fc.boolean())
    .map(([method, path, { body, shape }, contentType, encoding, cookie, withSession]) => request(route, method, path, shape, body, contentType, encoding, cookie, withSession && route !== "logout"));

const getRoute = (route: Route) =>
  fc
    .tuple(methodFor("GET"), pathVariant(ROUTE_PATHS[route]), fc.option(jsonBytes(jsonTree), { nil: undefined }), jsonContentType, cookieHeader, fc.boolean())
    .map(([method, path, body, contentType, cookie, withSession]) => request(route, method, path, body ? `body ${body.shape}` : "no body", body?.body, contentType, undefined, cookie, withSession));

const uploadRoute = fc
  .tuple(methodFor("POST"), pathVariant(ROUTE_PATHS.upload), fc.oneof({ weight: 4, arbitrary: multipartBody }, { weight: 1, arbitrary: jsonBytes(jsonTree).map(({ body, shape }) => ({ body, contentType: "application/json", shape })) }), contentEncoding, cookieHeader, fc.boolean())
  .map(([method, path, { body, contentType, shape }, encoding, cookie, withSession]) => request("upload", method, path, shape, body, contentType, encoding, cookie, withSession));

/** A request to any /api route, weighted towards the ones that read a body. */
export const hostileRequest: fc.Arbitrary<HostileRequest> = fc.oneof(
  { weight: 6, arbitrary: jsonRoute("chat", chatBodyTree) },
  { weight: 3, arbitrary: jsonRoute("feedback", feedbackBodyTree) },
  { weight: 3, arbitrary: uploadRoute },
  { weight: 3, arbitrary: jsonRoute("login", loginBodyTree) },
  { weight: 1, arbitrary: jsonRoute("logout", jsonTree) },
  { weight: 1, arbitrary: getRoute("config") },
  { weight: 1, arbitrary: getRoute("user") },
  { weight: 1, arbitrary: getRoute("theme") },
  { weight: 1, arbitrary: fc.oneof(jsonRoute("unknown", jsonTree), getRoute("unknown")) },
);

/** Path segments that try to climb out of the UI folder, in every spelling servers have fallen for. */
const traversalSegment = fc.constantFrom(
  "..",
  "%2e%2e",
  "%2E%2E",
  ".%2e",
  "%2e.",
  "%252e%252e",
  "..%2f..",
  "..%5c..",
  "..\\..",
  "%c0%ae%c0%ae",
  "%uff0e%uff0e",
  "...",
  ".",
  "%00",
  "..%00",
  "..;",
  "assets",
  "secret.txt",
  "etc",
  "passwd",
  "index.html",
  "app.js",
  "",
  "%2f",
  "%5c",
  "~",
  "%7e",
  "%",
  "%E0%A4%A",
);

export const traversalPath: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom("/", "/assets/", "/api/../", "/assets/../../", "//", "/%2e%2e/", "\\"), fc.array(traversalSegment, { minLength: 1, maxLength: 8 }), fc.constantFrom("/", "%2f", "%5c", "\\", "//"))
  .map(([prefix, segments, separator]) => `${prefix}${segments.join(separator)}`);
