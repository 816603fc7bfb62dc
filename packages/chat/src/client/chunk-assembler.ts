import type { ChunkedContent, ImageResponse } from "../protocol/chat-response";
import { protocolError } from "./client-errors";

/** More pieces than this (each ~100 k characters, so ~1 GB) is not an image but a broken server. */
export const MAX_IMAGE_CHUNKS = 10_000;

/**
 * The most characters buffered for images still missing pieces, all images together. A 40 MB
 * picture is ~53 M base64 characters; past this, memory would grow at the server's whim.
 */
export const DEFAULT_MAX_IMAGE_CHARS = 64 * 1024 * 1024;

/** The `mime_type` of an image piece: the data URL's part before the comma, e.g. "data:image/png;base64". */
const IMAGE_DATA_URL_PREFIX = /^data:image\/[a-z0-9.+-]+(;[^,;]+)*$/i;

export interface ChunkAssemblerOptions {
  /** The most characters buffered for incomplete images; default DEFAULT_MAX_IMAGE_CHARS. */
  maxImageChars?: number;
}

interface PendingImage {
  totalChunks: number;
  mimeType: string;
  pieces: Map<number, string>;
}

/**
 * Rebuilds images the server sent as `chunked_content` pieces (a data: URL cut in ~100 k parts).
 * The rules, the same for every consumer (the client, the web UI):
 * - pieces may arrive in any order and interleave with other images; an image is released only
 *   once all its pieces are in, so callers never see a partial one;
 * - a piece received again with the same data is ignored (a replay changes nothing); with other
 *   data, or pieces of one image that disagree on `total_chunks` or `mime_type`, the stream is
 *   inconsistent: a protocol error;
 * - an index outside [0, total_chunks), more than MAX_IMAGE_CHUNKS pieces, a `mime_type` that is
 *   not a `data:image/…` prefix, or more buffered characters than the limit: a protocol error;
 * - an image still missing pieces when the stream ends is an error (`assertComplete`), never a
 *   silently lost or truncated picture. Whether an image type is safe to display is the caller's
 *   decision (the web UI shows raster types only).
 */
export class ChunkAssembler {
  private readonly pending = new Map<string, PendingImage>();
  private readonly maxImageChars: number;
  private bufferedChars = 0;

  constructor(options: ChunkAssemblerOptions = {}) {
    this.maxImageChars = options.maxImageChars ?? DEFAULT_MAX_IMAGE_CHARS;
  }

  /** Adds one piece; returns the image once it is complete. */
  add(piece: ChunkedContent): ImageResponse | undefined {
    const image = this.pendingImage(piece);
    const known = image.pieces.get(piece.chunk_index);
    if (known !== undefined) {
      if (known === piece.data) return undefined;
      throw inconsistent(piece, `piece ${piece.chunk_index} arrived twice with different data`);
    }
    this.bufferedChars += piece.data.length;
    if (this.bufferedChars > this.maxImageChars) throw inconsistent(piece, `the images being assembled exceed ${this.maxImageChars} characters`);
    image.pieces.set(piece.chunk_index, piece.data);
    if (image.pieces.size < image.totalChunks) return undefined;
    this.pending.delete(piece.id);
    const data = joinPieces(image);
    this.bufferedChars -= data.length;
    return { type: "image", content: { id: piece.id, url: `${image.mimeType},${data}` } };
  }

  /** Throws when the stream ended with an image still missing pieces: it would be lost silently. */
  assertComplete(): void {
    const [first] = this.pending;
    if (!first) return;
    const [id, image] = first;
    throw protocolError(`The stream ended before image "${id}" was complete (${image.pieces.size} of ${image.totalChunks} pieces)`);
  }

  private pendingImage(piece: ChunkedContent): PendingImage {
    const { total_chunks: total, chunk_index: index } = piece;
    if (total < 1 || index < 0 || index >= total) throw inconsistent(piece, `piece ${index} of ${total} is out of range`);
    if (total > MAX_IMAGE_CHUNKS) throw inconsistent(piece, `${total} pieces is more than the ${MAX_IMAGE_CHUNKS} an image may have`);
    if (!IMAGE_DATA_URL_PREFIX.test(piece.mime_type)) throw inconsistent(piece, `mime_type ${JSON.stringify(piece.mime_type.slice(0, 100))} is not a data:image/… prefix`);
    const known = this.pending.get(piece.id);
    if (!known) {
      const image = { totalChunks: total, mimeType: piece.mime_type, pieces: new Map<number, string>() };
      this.pending.set(piece.id, image);
      return image;
    }
    if (known.totalChunks !== total || known.mimeType !== piece.mime_type) throw inconsistent(piece, "its pieces disagree on total_chunks or mime_type");
    return known;
  }
}

function joinPieces(image: PendingImage): string {
  let data = "";
  for (let index = 0; index < image.totalChunks; index++) data += image.pieces.get(index) ?? "";
  return data;
}

function inconsistent(piece: ChunkedContent, problem: string) {
  return protocolError(`Malformed chunked_content for image "${piece.id}": ${problem}`);
}
