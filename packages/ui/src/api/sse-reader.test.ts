import { type RawChatEvent } from "./protocol-types";
import { parseEventData, readEventStream } from "./sse-reader";
import { bodyOf, controllableBody, sse } from "../test-support/sse-body";

async function readAll(chunks: (string | Uint8Array)[]) {
  const events: RawChatEvent[] = [];
  const malformed: string[] = [];
  await readEventStream(bodyOf(chunks), { onEvent: (e) => events.push(e), onMalformed: (d) => malformed.push(d) });
  return { events, malformed };
}

describe("readEventStream", () => {
  it("reads every data line as a {type, content} event, in order", async () => {
    const { events } = await readAll([sse([{ type: "text", content: { text: "Hel" } }, { type: "text", content: { text: "lo" } }])]);
    expect(events).toEqual([
      { type: "text", content: { text: "Hel" } },
      { type: "text", content: { text: "lo" } },
    ]);
  });

  it("joins events split across network chunks at any byte", async () => {
    const wire = sse([
      { type: "message_id", content: { message_id: "m1" } },
      { type: "text", content: { text: "a long enough text to be cut" } },
      { type: "usage", content: { usage: {} } },
    ]);
    for (const size of [1, 2, 3, 7, 13]) {
      const chunks: string[] = [];
      for (let i = 0; i < wire.length; i += size) chunks.push(wire.slice(i, i + size));
      const { events } = await readAll(chunks);
      expect(events.map((e) => e.type)).toEqual(["message_id", "text", "usage"]);
      expect(events[1]!.content).toEqual({ text: "a long enough text to be cut" });
    }
  });

  it("decodes multi-byte UTF-8 characters split between chunks", async () => {
    const bytes = new TextEncoder().encode(sse([{ type: "text", content: { text: "zażółć 🙂 日本" } }]));
    // Cut inside every multi-byte sequence: one byte per chunk.
    const chunks = Array.from(bytes, (b) => new Uint8Array([b]));
    const { events } = await readAll(chunks);
    expect(events).toEqual([{ type: "text", content: { text: "zażółć 🙂 日本" } }]);
  });

  it("ignores keep-alive comments and id lines, and accepts CRLF line ends", async () => {
    const wire = ': keep-alive\r\n\r\nid: 1\r\ndata: {"type":"text","content":{"text":"x"}}\r\n\r\n: ping\n\n';
    const { events, malformed } = await readAll([wire]);
    expect(events).toEqual([{ type: "text", content: { text: "x" } }]);
    expect(malformed).toEqual([]);
  });

  it("keeps a last event the server did not end with a blank line", async () => {
    const { events } = await readAll(['data: {"type":"text","content":{"text":"a"}}\n\ndata: {"type":"text","content":{"text":"b"}}\n']);
    expect(events.map((e) => (e.content as { text: string }).text)).toEqual(["a", "b"]);
  });

  it("reports payloads that are not event objects and carries on", async () => {
    const { events, malformed } = await readAll(['data: not json\n\ndata: [1,2]\n\ndata: {"content":{}}\n\n', sse([{ type: "text", content: { text: "ok" } }])]);
    expect(malformed).toEqual(["not json", "[1,2]", '{"content":{}}']);
    expect(events).toEqual([{ type: "text", content: { text: "ok" } }]);
  });

  it("rejects with the abort error when the request is aborted mid-stream", async () => {
    const abort = new AbortController();
    const body = controllableBody(abort.signal);
    const events: RawChatEvent[] = [];
    const reading = readEventStream(body.stream, { onEvent: (e) => events.push(e) });
    body.push(sse([{ type: "text", content: { text: "partial" } }]));
    await new Promise((r) => setImmediate(r));
    abort.abort();
    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
    expect(events).toEqual([{ type: "text", content: { text: "partial" } }]);
  });
});

describe("parseEventData", () => {
  it("defaults missing content to an empty object", () => {
    expect(parseEventData('{"type":"clear_message"}')).toEqual({ type: "clear_message", content: {} });
  });

  it("rejects non-string types", () => {
    expect(parseEventData('{"type":5,"content":{}}')).toBeNull();
    expect(parseEventData("null")).toBeNull();
  });
});
