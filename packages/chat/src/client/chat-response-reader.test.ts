import { readChatResponses } from "./chat-response-reader";
import { RagbitsProtocolError } from "./client-errors";
import { bytewise, chunkedStream, collect } from "./test-streams";

const wire = (...events: object[]) => chunkedStream(bytewise(events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join("")));
const piece = (chunk_index: number, data: string) => ({ type: "chunked_content", content: { id: "img", content_type: "image", chunk_index, total_chunks: 2, mime_type: "data:image/png;base64", data } });

describe("readChatResponses", () => {
  it("yields typed responses in order, an image once its pieces are in, custom events as custom", async () => {
    const body = wire({ type: "text", content: { text: "Look:" } }, piece(1, "BB"), { type: "weather", content: { celsius: 21 } }, piece(0, "AA"), { type: "text", content: "old-style" });
    expect(await collect(readChatResponses(body.stream))).toEqual([
      { type: "text", content: { text: "Look:" } },
      { type: "custom", customType: "weather", content: { celsius: 21 } },
      { type: "image", content: { id: "img", url: "data:image/png;base64,AABB" } },
      { type: "text", content: { text: "old-style" } },
    ]);
  });

  it("fails with a protocol error on an event that is not JSON, after the events before it", async () => {
    const body = chunkedStream(bytewise('data: {"type":"text","content":{"text":"ok"}}\n\ndata: not json\n\ndata: {"type":"text","content":{"text":"never"}}\n\n'));
    const seen: unknown[] = [];
    const reading = (async () => {
      for await (const response of readChatResponses(body.stream)) seen.push(response);
    })();
    await expect(reading).rejects.toThrow(RagbitsProtocolError);
    expect(seen).toEqual([{ type: "text", content: { text: "ok" } }]);
    // The rest of the body is not read: the connection is let go.
    expect(body.cancelled()).toBe(true);
  });

  it("fails when the stream ends with an image still missing pieces", async () => {
    await expect(collect(readChatResponses(wire(piece(0, "AA")).stream))).rejects.toThrow('The stream ended before image "img" was complete (1 of 2 pieces)');
  });

  it("applies the image limit it is given", async () => {
    await expect(collect(readChatResponses(wire(piece(0, "AAAAAA")).stream, { maxImageChars: 4 }))).rejects.toThrow(/exceed 4 characters/);
  });
});
