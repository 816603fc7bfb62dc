import { type ChatResponse, type ChunkedContentResponse } from "../protocol/chat-response";

/** Size of one `chunked_content` piece (as Ragbits cuts them). */
export const IMAGE_CHUNK_SIZE = 102_400;

/**
 * A `data:` image URL can be megabytes: it travels as `chunked_content` pieces the client
 * reassembles, so no single SSE event is huge. Other responses pass through unchanged.
 */
export function splitDataImage(response: ChatResponse): ChatResponse[] | undefined {
  if (response.type !== "image" || !response.content.url.startsWith("data:")) return undefined;
  const { id, url } = response.content;
  const comma = url.indexOf(",");
  const mimeType = comma === -1 ? url : url.slice(0, comma);
  const payload = comma === -1 ? "" : url.slice(comma + 1);
  const total = Math.max(1, Math.ceil(payload.length / IMAGE_CHUNK_SIZE));
  const pieces: ChunkedContentResponse[] = [];
  for (let index = 0; index < total; index++) {
    pieces.push({
      type: "chunked_content",
      content: { id, content_type: "image", chunk_index: index, total_chunks: total, mime_type: mimeType, data: payload.slice(index * IMAGE_CHUNK_SIZE, (index + 1) * IMAGE_CHUNK_SIZE) },
    });
  }
  return pieces;
}
