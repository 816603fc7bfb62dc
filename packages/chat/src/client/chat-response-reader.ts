import { type ChatResponse, fromWireEvent } from "../protocol/chat-response";
import { ChunkAssembler } from "./chunk-assembler";
import { parseWireEvent } from "./parse-wire-event";
import { type SseReaderOptions, readSseData } from "./sse-event-reader";

/**
 * Turns the body of POST /api/chat into typed responses: SSE events → validated wire events →
 * ChatResponses, with `chunked_content` image pieces replaced by the one image they make up.
 */
export async function* readChatResponses(body: ReadableStream<Uint8Array>, options: SseReaderOptions = {}): AsyncGenerator<ChatResponse, void, undefined> {
  const images = new ChunkAssembler();
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
