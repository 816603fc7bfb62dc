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

  it("rejects duplicate, out-of-range and inconsistent pieces", () => {
    const [first, second] = pieces("img", "AAAABBBB", 4) as [ChunkedContent, ChunkedContent];
    const assembler = new ChunkAssembler();
    assembler.add(first);
    expect(() => assembler.add(first)).toThrow(/arrived twice/);
    expect(() => assembler.add({ ...second, total_chunks: 3 })).toThrow(/disagree/);
    expect(() => assembler.add({ ...second, mime_type: "data:image/gif;base64" })).toThrow(/disagree/);
    expect(() => assembler.add({ ...second, chunk_index: 2 })).toThrow(/out of range/);
    expect(() => assembler.add({ ...second, chunk_index: -1 })).toThrow(RagbitsProtocolError);
  });
});
