import { RagbitsProtocolError } from "./client-errors";
import { readSseData } from "./sse-event-reader";
import { bytewise, chunkedStream, collect } from "./test-streams";

describe("readSseData", () => {
  it("joins events and multi-byte characters cut at every byte", async () => {
    const texts = ["zażółć gęślą jaźń", "日本語のテキスト", "emoji 🦜🚀 and a ZWJ 👩‍💻"];
    const wire = texts.map((text) => `data: ${JSON.stringify({ type: "text", content: { text } })}\n\n`).join("");
    const data = await collect(readSseData(chunkedStream(bytewise(wire)).stream));
    expect(data.map((item) => JSON.parse(item).content.text)).toEqual(texts);
  });

  it("skips comments, id:, event: and unknown fields, and accepts CRLF and bare CR line ends", async () => {
    const wire = ": keep-alive\n\nid: 7\nevent: message\ndata: one\r\n\r\nretry: soon\nfoo: bar\ndata: two\r\r: keep-alive\n\n";
    expect(await collect(readSseData(chunkedStream(bytewise(wire)).stream))).toEqual(["one", "two"]);
  });

  it("joins a multi-line data field with newlines, as the SSE spec says", async () => {
    const wire = "data: first\ndata: second\n\n";
    expect(await collect(readSseData(chunkedStream([new TextEncoder().encode(wire)]).stream))).toEqual(["first\nsecond"]);
  });

  it("dispatches a last event whose blank line never came, even when the line itself was cut", async () => {
    const complete = chunkedStream(bytewise('data: {"a":1}\n'));
    expect(await collect(readSseData(complete.stream))).toEqual(['{"a":1}']);
    const cut = chunkedStream(bytewise('data: {"a":1}\n\ndata: {"b":'));
    expect(await collect(readSseData(cut.stream))).toEqual(['{"a":1}', '{"b":']);
  });

  it("fails with a protocol error when one event outgrows the limit", async () => {
    const huge = `data: ${"x".repeat(5000)}`;
    const reader = readSseData(chunkedStream(bytewise(huge).slice(0, 2000).concat([new TextEncoder().encode(huge.slice(2000))])).stream, { maxEventChars: 1000 });
    await expect(collect(reader)).rejects.toThrow(RagbitsProtocolError);
  });

  it("cancels the body when the consumer stops early", async () => {
    const { stream, cancelled } = chunkedStream(bytewise("data: 1\n\ndata: 2\n\ndata: 3\n\n"));
    for await (const data of readSseData(stream)) {
      expect(data).toBe("1");
      break;
    }
    expect(cancelled()).toBe(true);
  });

  it("does not cancel a body it read to the end", async () => {
    const { stream, cancelled } = chunkedStream(bytewise("data: 1\n\n"));
    await collect(readSseData(stream));
    expect(cancelled()).toBe(false);
  });

  it("passes the body's own error (an abort) through unchanged, after the events that came before it", async () => {
    const abort = new DOMException("The operation was aborted.", "AbortError");
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(new TextEncoder().encode('data: {"partial":1}\n\n'));
        else controller.error(abort);
      },
    });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const data of readSseData(body)) seen.push(data);
      })(),
    ).rejects.toBe(abort);
    expect(seen).toEqual(['{"partial":1}']);
  });
});

