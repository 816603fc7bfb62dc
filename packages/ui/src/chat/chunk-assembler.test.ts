import { type ChunkedContent } from "../api/protocol-types";
import { addChunk } from "./chunk-assembler";
import { type ChunkBuffer } from "./chat-types";

const piece = (over: Partial<ChunkedContent>): ChunkedContent => ({
  id: "x",
  content_type: "image",
  chunk_index: 0,
  total_chunks: 2,
  mime_type: "data:image/jpeg;base64",
  data: "",
  ...over,
});

function feed(pieces: ChunkedContent[]) {
  let buffers: Record<string, ChunkBuffer> = {};
  const images: string[] = [];
  for (const p of pieces) {
    const result = addChunk(buffers, p);
    buffers = result.buffers;
    if (result.image) images.push(result.image.url);
  }
  return { buffers, images };
}

describe("addChunk", () => {
  it("completes when every piece arrived, whatever the order, counting repeats once", () => {
    const { images, buffers } = feed([piece({ chunk_index: 1, data: "22" }), piece({ chunk_index: 1, data: "22" }), piece({ chunk_index: 0, data: "11" })]);
    expect(images).toEqual(["data:image/jpeg;base64,1122"]);
    expect(buffers).toEqual({});
  });

  it("keeps separate images apart", () => {
    const { images } = feed([
      piece({ id: "a", chunk_index: 0, data: "A0" }),
      piece({ id: "b", chunk_index: 0, data: "B0", total_chunks: 1 }),
      piece({ id: "a", chunk_index: 1, data: "A1" }),
    ]);
    expect(images).toEqual(["data:image/jpeg;base64,B0", "data:image/jpeg;base64,A0A1"]);
  });

  it("handles a real 102,400-character split", () => {
    const payload = "Q".repeat(250_000);
    const size = 102_400;
    const parts: ChunkedContent[] = [];
    for (let i = 0; i * size < payload.length; i++) parts.push(piece({ chunk_index: i, total_chunks: 3, data: payload.slice(i * size, (i + 1) * size) }));
    expect(feed(parts.reverse()).images).toEqual([`data:image/jpeg;base64,${payload}`]);
  });

  it("does not mutate the buffers it was given", () => {
    const first = addChunk({}, piece({ chunk_index: 0, data: "a" }));
    const snapshot = JSON.stringify(first.buffers);
    addChunk(first.buffers, piece({ chunk_index: 1, data: "b" }));
    expect(JSON.stringify(first.buffers)).toBe(snapshot);
  });

  it("drops pieces with impossible indexes and images of unsafe types", () => {
    expect(feed([piece({ chunk_index: 5 }), piece({ chunk_index: -1 }), piece({ total_chunks: 0 })]).buffers).toEqual({});
    expect(feed([piece({ total_chunks: 1, mime_type: "data:text/html;base64", data: "PHNjcmlwdD4=" })]).images).toEqual([]);
    expect(feed([piece({ total_chunks: 1, mime_type: "data:image/svg+xml;base64", data: "PHN2Zz4=" })]).images).toEqual([]);
  });
});
