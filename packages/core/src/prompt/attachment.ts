import { type ContentPart } from "./chat-format";

/** How closely an image is looked at (OpenAI's `detail`; other providers ignore it). */
export type ImageDetail = "auto" | "low" | "high";

/**
 * A file sent with a prompt: an image or a PDF, by URL or as bytes with its MIME type. It becomes
 * each provider's own content part: OpenAI/Azure `image_url` and `file`, Anthropic `image` and
 * `document`, Ollama `images` (Ollama takes images only, as bytes).
 */
export type Attachment =
  | { url: string; mimeType?: string | undefined; filename?: string | undefined; detail?: ImageDetail | undefined }
  | { data: Uint8Array | ArrayBuffer | string; mimeType: string; filename?: string | undefined; detail?: ImageDetail | undefined };

const PDF = "application/pdf";

/** The content part for an attachment: an image part for images, a file part for anything else (PDFs). */
export function attachmentToContentPart(attachment: Attachment): ContentPart {
  const mimeType = mimeTypeOf(attachment);
  const url = "url" in attachment ? attachment.url : `data:${mimeType};base64,${toBase64(attachment.data)}`;
  if (mimeType === undefined || mimeType.startsWith("image/")) {
    return attachment.detail ? { type: "image_url", image_url: { url, detail: attachment.detail } } : { type: "image_url", image_url: { url } };
  }
  const file: { filename?: string; file_data?: string; file_url?: string } = url.startsWith("data:") ? { file_data: url } : { file_url: url };
  const filename = attachment.filename ?? (mimeType === PDF ? "document.pdf" : undefined);
  if (filename) file.filename = filename;
  return { type: "file", file };
}

/** The attachment's MIME type: given, from a data: URL, or from the URL's extension; `undefined` = an image of unknown type. */
function mimeTypeOf(attachment: Attachment): string | undefined {
  if (attachment.mimeType) return attachment.mimeType;
  if (!("url" in attachment)) return undefined;
  const data = /^data:([^;,]+)/.exec(attachment.url);
  if (data) return data[1];
  const path = attachment.url.split(/[?#]/)[0] ?? "";
  if (/\.pdf$/i.test(path)) return PDF;
  return undefined;
}

/** Bytes as base64, in Node (Buffer) and in browsers (btoa); a string is taken to be base64 already. */
function toBase64(data: Uint8Array | ArrayBuffer | string): string {
  if (typeof data === "string") return data;
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (typeof Buffer !== "undefined") return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  let binary = "";
  for (let index = 0; index < bytes.length; index += 0x8000) binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return btoa(binary);
}
