import { type RouteInput } from "../api-context";
import { type BodyResponse, jsonResponse } from "../http/api-response";
import { HttpError } from "../http/http-error";
import { mediaType, readBytes } from "../http/read-body";

/** Room for the multipart framing around the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
const MAX_PARTS = 20;

/** POST /api/upload: one multipart `file` field, size-limited, handed to the app's `uploadHandler`. */
export async function uploadRoute({ request, context }: RouteInput): Promise<BodyResponse> {
  const handler = context.chat.uploadHandler;
  if (!handler) throw new HttpError(400, "File upload not supported");
  if (mediaType(request) !== "multipart/form-data") throw new HttpError(415, "Content-Type must be multipart/form-data with a `file` field");
  const limit = context.uploadLimitBytes;
  const tooLarge = () => new HttpError(413, `Upload rejected: the file is larger than ${limit} bytes`);
  let bytes: Uint8Array;
  try {
    bytes = await readBytes(request, limit + MULTIPART_OVERHEAD_BYTES);
  } catch (error) {
    throw HttpError.isInstance(error) && error.status === 413 ? tooLarge() : error;
  }
  const form = await parseMultipart(bytes, request.header("content-type")!);
  const entries = [...form.entries()];
  if (entries.length > MAX_PARTS) throw new HttpError(400, `Upload rejected: more than ${MAX_PARTS} parts`);
  const files = entries.filter(([, value]) => typeof value !== "string");
  if (files.length > 1) throw new HttpError(400, "Upload rejected: send one file per request");
  const misplaced = files.find(([name]) => name !== "file");
  if (misplaced) throw new HttpError(400, `Upload rejected: unexpected file field "${misplaced[0]}"; send the file as \`file\``);
  const file = form.get("file");
  if (file === null || typeof file === "string") {
    throw new HttpError(422, undefined, { body: { detail: [{ type: "missing", loc: ["body", "file"], msg: "Field required", input: null }], body: null } });
  }
  if (file.size > limit) throw tooLarge();
  await handler({ filename: file.name, mimeType: file.type || "application/octet-stream", size: file.size, data: Buffer.from(await file.arrayBuffer()) });
  return jsonResponse({ status: "success", filename: file.name });
}

/** The platform's own multipart parser (the same in Node, Bun, Deno and edge runtimes). */
async function parseMultipart(bytes: Uint8Array, contentType: string): Promise<FormData> {
  if (hasControlBytesInPartHeaders(bytes, contentType)) throw new HttpError(400, "Malformed multipart body: a part header holds control characters");
  try {
    return await new Response(bytes as BodyInit, { headers: { "content-type": contentType } }).formData();
  } catch (error) {
    throw new HttpError(400, `Malformed multipart body: ${(error as Error).message}`);
  }
}

/**
 * Part headers may not hold control characters (a NUL in a file name is an attack on whatever stores
 * the file). Parsers differ — some refuse such a part, some quietly replace the byte — so we refuse
 * it ourselves, the same on every runtime. Only header blocks are scanned, never file contents.
 */
function hasControlBytesInPartHeaders(bytes: Uint8Array, contentType: string): boolean {
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) return false;
  const delimiter = `--${boundary[1] ?? boundary[2]}\r\n`;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  for (let at = text.indexOf(delimiter); at !== -1; at = text.indexOf(delimiter, at + delimiter.length)) {
    const headersStart = at + delimiter.length;
    const headersEnd = text.indexOf("\r\n\r\n", headersStart);
    if (CONTROL_BYTES.test(text.slice(headersStart, headersEnd === -1 ? text.length : headersEnd))) return true;
  }
  return false;
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_BYTES = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
