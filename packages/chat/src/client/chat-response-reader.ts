import { type ChatResponse, fromWireEvent } from "../protocol/chat-response";
import { ChunkAssembler, type ChunkAssemblerOptions } from "./chunk-assembler";
import { parseWireEvent } from "./parse-wire-event";
import { type ResumableSseOptions, readResumableSseData } from "./resumable-sse";
import { type SseReaderOptions, readSseData } from "./sse-event-reader";

export type ChatResponseReaderOptions = SseReaderOptions & ChunkAssemblerOptions;

export type ResumableChatResponseReaderOptions = ResumableSseOptions & ChunkAssemblerOptions;

/**
 * Turns the body of POST /api/chat into typed responses: SSE events → validated wire events →
 * ChatResponses, with `chunked_content` image pieces replaced by the one image they make up.
 * The one reader of the stream: the client and the web UI both use it. A body that breaks the
 * protocol (an event that is not JSON, misses a field its type needs, or an image left
 * incomplete) fails with a RagbitsProtocolError; other errors of the body (an abort) pass
 * through unchanged. Stopping early cancels the body.
 */
export function readChatResponses(body: ReadableStream<Uint8Array>, options: ChatResponseReaderOptions = {}): AsyncGenerator<ChatResponse, void, undefined> {
  return chatResponses(readSseData(body, options), options);
}

/**
 * The same for a resumable turn (one whose answer carried `X-Ragbits-Resume-Token`): when the
 * connection drops, it re-attaches with `options.reopen` and goes on where it was, so the
 * responses are the turn's own, each once, and an image whose pieces straddle the drop is still
 * joined (see `readResumableSseData`).
 */
export function readResumableChatResponses(body: ReadableStream<Uint8Array>, options: ResumableChatResponseReaderOptions): AsyncGenerator<ChatResponse, void, undefined> {
  return chatResponses(readResumableSseData(body, options), options);
}

async function* chatResponses(data: AsyncIterable<string>, options: ChunkAssemblerOptions): AsyncGenerator<ChatResponse, void, undefined> {
  const images = new ChunkAssembler(options);
  for await (const text of data) {
    const response = fromWireEvent(parseWireEvent(text));
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
