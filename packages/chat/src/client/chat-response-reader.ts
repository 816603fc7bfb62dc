import { type ChatResponse, fromWireEvent } from "../protocol/chat-response";
import { ChunkAssembler, type ChunkAssemblerOptions } from "./chunk-assembler";
import { parseWireEvent } from "./parse-wire-event";
import { type SseReaderOptions, readSseData } from "./sse-event-reader";

export type ChatResponseReaderOptions = SseReaderOptions & ChunkAssemblerOptions;

/**
 * Turns the body of POST /api/chat into typed responses: SSE events → validated wire events →
 * ChatResponses, with `chunked_content` image pieces replaced by the one image they make up.
 * The one reader of the stream: the client and the web UI both use it. A body that breaks the
 * protocol (an event that is not JSON, misses a field its type needs, or an image left
 * incomplete) fails with a RagbitsProtocolError; other errors of the body (an abort) pass
 * through unchanged. Stopping early cancels the body.
 */
export async function* readChatResponses(body: ReadableStream<Uint8Array>, options: ChatResponseReaderOptions = {}): AsyncGenerator<ChatResponse, void, undefined> {
  const images = new ChunkAssembler(options);
  for await (const data of readSseData(body, options)) {
    const response = fromWireEvent(parseWireEvent(data));
    // Only images are defined as chunked content; anything else is handed over as it came.
    if (response.type !== "chunked_content" || response.content.content_type !== "image") {
      yield response;
      continue;
    }
    const image = images.add(response.content);
    if (image) yield image;
  }
  images.assertComplete();
}
