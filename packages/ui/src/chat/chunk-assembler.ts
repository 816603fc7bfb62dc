import { type ChunkedContent } from "../api/protocol-types";
import { isSafeImageDataUrl } from "../util/safe-url";
import { type ChunkBuffer, type ImageItem } from "./chat-types";

// A data: URL of more pieces than this (each 102,400 characters, so ~1 GB) is not an image.
const MAX_CHUNKS = 10_000;

export interface ChunkResult {
  buffers: Record<string, ChunkBuffer>;
  /** The finished image, once the last missing piece arrived. */
  image?: ImageItem;
}

/**
 * Adds one `chunked_content` piece. Pieces may arrive in any order and repeat; the image is
 * complete when every index in [0, total_chunks) has arrived, and is then a `data:` URL made of
 * `mime_type` + "," + the pieces in index order. Returns new buffers (inputs are not mutated).
 */
export function addChunk(buffers: Record<string, ChunkBuffer>, piece: ChunkedContent): ChunkResult {
  if (!isValidPiece(piece)) return { buffers };
  const existing = buffers[piece.id];
  const buffer: ChunkBuffer = existing && existing.total === piece.total_chunks
    ? { ...existing, parts: { ...existing.parts } }
    : { total: piece.total_chunks, mimeType: piece.mime_type, parts: {}, received: 0 };
  if (buffer.parts[piece.chunk_index] === undefined) buffer.received += 1;
  buffer.parts[piece.chunk_index] = piece.data;

  const rest = { ...buffers };
  if (buffer.received < buffer.total) {
    rest[piece.id] = buffer;
    return { buffers: rest };
  }
  delete rest[piece.id];
  const url = assemble(buffer);
  return url ? { buffers: rest, image: { id: piece.id, url } } : { buffers: rest };
}

function assemble(buffer: ChunkBuffer): string | null {
  const pieces: string[] = [];
  for (let i = 0; i < buffer.total; i++) pieces.push(buffer.parts[i] ?? "");
  const url = `${buffer.mimeType},${pieces.join("")}`;
  return isSafeImageDataUrl(url) ? url : null;
}

function isValidPiece(piece: ChunkedContent): boolean {
  return (
    typeof piece?.id === "string" &&
    typeof piece.data === "string" &&
    typeof piece.mime_type === "string" &&
    Number.isInteger(piece.total_chunks) &&
    piece.total_chunks > 0 &&
    piece.total_chunks <= MAX_CHUNKS &&
    Number.isInteger(piece.chunk_index) &&
    piece.chunk_index >= 0 &&
    piece.chunk_index < piece.total_chunks
  );
}
