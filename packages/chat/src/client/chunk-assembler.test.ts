import { type ChunkedContent } from "../protocol/chat-response";
import { ChunkAssembler } from "./chunk-assembler";
import { RagbitsProtocolError } from "./client-errors";

function pieces(id: string, data: string, size: number, mimeType = "data:image/png;base64"): ChunkedContent[] {
  const total = Math.max(1, Math.ceil(data.length / size));
  return Array.from({ length: total }, (_, index) => ({ id, content_type: "image", chunk_index: index, total_chunks: total, mime_type: mimeType, data: data.slice(index * size, (index + 1) * size) }));
}

describe("ChunkAssembler", () => {
  it("releases the image only when its last piece arrives", () => {
    const assembler = new ChunkAssembler();
    const [first, second, third] = pieces("img", "AAAABBBBCC", 4);
    expect(assembler.add(first!)).toBeUndefined();
    expect(assembler.add(second!)).toBeUndefined();
    expect(assembler.add(third!)).toEqual({ type: "image", content: { id: "img", url: "data:image/png;base64,AAAABBBBCC" } });
    expect(() => assembler.assertComplete()).not.toThrow();
  });

  it("reorders pieces that arrive out of order and interleaved with another image", () => {
    const assembler = new ChunkAssembler();
    const a = pieces("a", "0123456789", 3);
    const b = pieces("b", "abcdef", 2, "data:image/jpeg;base64");
    const arrival = [a[3], b[2], a[1], b[0], a[0], b[1], a[2]] as ChunkedContent[];
    const released = arrival.map((piece) => assembler.add(piece)).filter(Boolean);
    expect(released).toEqual([
      { type: "image", content: { id: "b", url: "data:image/jpeg;base64,abcdef" } },
      { type: "image", content: { id: "a", url: "data:image/png;base64,0123456789" } },
    ]);
  });

  it("starts afresh when an id is reused after its image completed", () => {
    const assembler = new ChunkAssembler();
    for (const piece of pieces("same", "one", 2)) assembler.add(piece);
    const again = pieces("same", "two", 2).map((piece) => assembler.add(piece));
    expect(again[1]?.content.url).toBe("data:image/png;base64,two");
  });

  it("reports an image still missing pieces when the stream ends", () => {
    const assembler = new ChunkAssembler();
    assembler.add(pieces("img", "AAAABBBB", 4)[1]!);
    expect(() => assembler.assertComplete()).toThrow(new RagbitsProtocolError('The stream ended before image "img" was complete (1 of 2 pieces)'));
  });

  it("rejects conflicting duplicate, out-of-range and inconsistent pieces", () => {
    const [first, second] = pieces("img", "AAAABBBB", 4) as [ChunkedContent, ChunkedContent];
    const assembler = new ChunkAssembler();
    assembler.add(first);
    expect(() => assembler.add({ ...first, data: "ZZZZ" })).toThrow(/arrived twice with different data/);
    expect(() => assembler.add({ ...second, total_chunks: 3 })).toThrow(/disagree/);
    expect(() => assembler.add({ ...second, mime_type: "data:image/gif;base64" })).toThrow(/disagree/);
    expect(() => assembler.add({ ...second, chunk_index: 2 })).toThrow(/out of range/);
    expect(() => assembler.add({ ...second, chunk_index: -1 })).toThrow(RagbitsProtocolError);
  });

  it("ignores a piece received again with the same data, whatever the order", () => {
    const assembler = new ChunkAssembler();
    const [first, second] = pieces("x", "1122", 2) as [ChunkedContent, ChunkedContent];
    expect(assembler.add(second)).toBeUndefined();
    expect(assembler.add(second)).toBeUndefined();
    expect(assembler.add(first)).toEqual({ type: "image", content: { id: "x", url: "data:image/png;base64,1122" } });
    expect(() => assembler.assertComplete()).not.toThrow();
  });

  it("reassembles a real 102,400-character split arriving last piece first", () => {
    const payload = `${"Q".repeat(250_000)}==`;
    const assembler = new ChunkAssembler();
    const released = pieces("big", payload, 102_400, "data:image/jpeg;base64")
      .reverse()
      .map((piece) => assembler.add(piece));
    expect(released.slice(0, 2)).toEqual([undefined, undefined]);
    expect(released[2]?.content.url).toBe(`data:image/jpeg;base64,${payload}`);
  });

  it("accepts only data:image/… prefixes as the mime type", () => {
    for (const mimeType of ["data:text/html;base64", "text/html", "data:image/png;base64,AAAA", "javascript:alert(1)//image/png", ""]) {
      expect(() => new ChunkAssembler().add({ ...pieces("i", "AAAA", 4)[0]!, mime_type: mimeType })).toThrow(/not a data:image\/… prefix/);
    }
    // Whether a type is safe to show is the consumer's call: SVG is an image and is assembled.
    const svg = new ChunkAssembler().add(pieces("s", "PHN2Zz4=", 8, "data:image/svg+xml;base64")[0]!);
    expect(svg?.content.url).toBe("data:image/svg+xml;base64,PHN2Zz4=");
  });

  it("refuses more pieces than an image may have", () => {
    const piece: ChunkedContent = { id: "huge", content_type: "image", chunk_index: 0, total_chunks: 10_001, mime_type: "data:image/png;base64", data: "AA" };
    expect(() => new ChunkAssembler().add(piece)).toThrow(new RagbitsProtocolError('Malformed chunked_content for image "huge": 10001 pieces is more than the 10000 an image may have'));
    expect(new ChunkAssembler().add({ ...piece, total_chunks: 10_000, chunk_index: 9_999 })).toBeUndefined();
  });

  it("limits the characters buffered for incomplete images, all images together, and frees them once complete", () => {
    const assembler = new ChunkAssembler({ maxImageChars: 10 });
    const [a0, a1] = pieces("a", "AAAABBBB", 4) as [ChunkedContent, ChunkedContent];
    const [b0, b1] = pieces("b", "CCCCDDDD", 4) as [ChunkedContent, ChunkedContent];
    assembler.add(a0);
    expect(assembler.add(a1)?.content.url).toBe("data:image/png;base64,AAAABBBB");
    assembler.add(b0);
    assembler.add({ ...a0, id: "c" });
    expect(() => assembler.add(b1)).toThrow(/exceed 10 characters/);
  });
});

