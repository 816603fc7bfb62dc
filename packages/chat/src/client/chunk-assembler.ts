import { type ChunkedContent, type ImageResponse } from "../protocol/chat-response";
import { protocolError } from "./client-errors";

interface PendingImage {
  totalChunks: number;
  mimeType: string;
  pieces: Map<number, string>;
}

/**
 * Rebuilds images the server sent as `chunked_content` pieces (a data: URL cut in ~100 k parts).
 * Pieces may arrive in any order and interleave with other images; an image is released only
 * once all its pieces are in, so callers never see a partial one.
 */
export class ChunkAssembler {
  private readonly pending = new Map<string, PendingImage>();

  /** Adds one piece; returns the image once it is complete. */
  add(piece: ChunkedContent): ImageResponse | undefined {
    const image = this.pendingImage(piece);
    if (image.pieces.has(piece.chunk_index)) throw inconsistent(piece, `piece ${piece.chunk_index} arrived twice`);
    image.pieces.set(piece.chunk_index, piece.data);
    if (image.pieces.size < image.totalChunks) return undefined;
    this.pending.delete(piece.id);
    return { type: "image", content: { id: piece.id, url: `${image.mimeType},${joinPieces(image)}` } };
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
