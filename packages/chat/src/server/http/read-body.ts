import { type ApiRequest } from "./api-request";
import { HttpError } from "./http-error";

/** Deeper JSON is refused: recursive code (signing, logging, persistence) must not overflow the stack. */
export const MAX_JSON_DEPTH = 64;

/** Content encodings every runtime can undo (DecompressionStream); anything else is a 415. */
const DECOMPRESSION_FORMATS: Record<string, CompressionFormat | null> = { identity: null, gzip: "gzip", "x-gzip": "gzip", deflate: "deflate" };

/** Whether the request carries a body at all (an empty POST is answered as a missing field, not a 415). */
export function hasBody(request: ApiRequest): boolean {
  return request.header("transfer-encoding") !== undefined || Number(request.header("content-length") ?? 0) > 0;
}

/** The media type without parameters, lower case: `application/json`. */
export function mediaType(request: ApiRequest): string {
  return (request.header("content-type") ?? "").split(";", 1)[0]!.trim().toLowerCase();
}

/**
 * The body's bytes, decompressed, at most `limit` of them (a small gzip bomb is refused as soon as
 * it inflates past the limit, not after). 413 past the limit, 415 for an unknown encoding, 400 for
 * a body that can't be read.
 */
export async function readBytes(request: ApiRequest, limit: number, limitLabel: string | number = limit): Promise<Uint8Array> {
  const declared = Number(request.header("content-length") ?? 0);
  const tooLarge = () => new HttpError(413, `Request body is larger than the limit (${limitLabel})`);
  if (declared > limit) throw tooLarge();
  const encoding = (request.header("content-encoding") ?? "identity").trim().toLowerCase();
  if (!(encoding in DECOMPRESSION_FORMATS)) throw new HttpError(415, `Unsupported content encoding "${encoding}": use gzip, deflate or none`);
  const format = DECOMPRESSION_FORMATS[encoding];
  const source = format ? decompress(request.body(), format) : request.body();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      size += chunk.byteLength;
      // Leaving the loop cancels the source: a bomb stops inflating here.
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (error) {
    if (HttpError.isInstance(error)) throw error;
    throw new HttpError(400, `Could not read the request body: ${format ? `it is not valid ${encoding} data` : (error as Error).message}`);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/** The body as text in its declared charset (UTF-8 by default; invalid bytes become U+FFFD). */
export async function readText(request: ApiRequest, limit: number, limitLabel?: string | number): Promise<string> {
  const decoder = textDecoder(request.header("content-type"));
  return decoder.decode(await readBytes(request, limit, limitLabel));
}

/**
 * A JSON body: size-limited, `__proto__` keys dropped (they are how prototype pollution gets in
 * through merges), nesting bounded. A body that is not JSON is 415; malformed JSON is 400.
 * No body at all reads as `undefined` (the schema then says what is missing).
 */
export async function readJson(request: ApiRequest, limit: number, limitLabel?: string | number): Promise<unknown> {
  if (!hasBody(request)) return undefined;
  const type = mediaType(request);
  if (type !== "application/json" && !(type.startsWith("application/") && type.endsWith("+json"))) {
    throw new HttpError(415, "Content-Type must be application/json");
  }
  const text = await readText(request, limit, limitLabel);
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (error) {
    throw new HttpError(400, `Malformed JSON body: ${(error as Error).message}`);
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH) throw new HttpError(422, `JSON nesting deeper than ${MAX_JSON_DEPTH} levels`);
  return value;
}

/** JSON.parse, dropping `__proto__` keys. The reviver (slow) runs only when such a key could be present. */
export function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  // Any "__proto__" key is spelled literally or with \u escapes.
  if (!text.includes("proto") && !text.includes("\\u")) return JSON.parse(text);
  return JSON.parse(text, (key, value) => (key === "__proto__" ? undefined : value));
}

/** Nesting depth, iteratively (a recursive walk would itself overflow on hostile input). */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth > max) max = depth;
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return max;
}

const utf8 = new TextDecoder("utf-8");

function textDecoder(contentType: string | undefined): TextDecoder {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1]?.toLowerCase();
  if (!charset || charset === "utf-8" || charset === "utf8") return utf8;
  try {
    return new TextDecoder(charset);
  } catch {
    throw new HttpError(415, `Unsupported charset "${charset}": send UTF-8`);
  }
}

function decompress(body: AsyncIterable<Uint8Array>, format: CompressionFormat): AsyncIterable<Uint8Array> {
  const iterator = body[Symbol.asyncIterator]();
  const compressed = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return compressed.pipeThrough(new DecompressionStream(format) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>) as unknown as AsyncIterable<Uint8Array>;
}
