import { RagbitsProtocolError } from "./client-errors";
import { parseWireEvent } from "./parse-wire-event";

function protocolFailure(data: string): RagbitsProtocolError {
  try {
    parseWireEvent(data);
  } catch (error) {
    if (RagbitsProtocolError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a protocol error");
}

describe("parseWireEvent", () => {
  it("reads an event and keeps unknown types and extra fields for the caller", () => {
    expect(parseWireEvent('{"type":"text","content":{"text":"hi","extra":1}}')).toEqual({ type: "text", content: { text: "hi", extra: 1 } });
    expect(parseWireEvent('{"type":"weather","content":{"celsius":21}}')).toEqual({ type: "weather", content: { celsius: 21 } });
    expect(parseWireEvent('{"type":"clear_message","content":{}}')).toEqual({ type: "clear_message", content: {} });
  });

  it("rejects text that is not JSON, quoting it truncated", () => {
    const data = `{"type":"text","content":{"text":"${"x".repeat(10_000)}`;
    const error = protocolFailure(data);
    expect(error.message).toContain("not JSON");
    expect(error.message.length).toBeLessThan(400);
    expect(error.text?.startsWith('{"type":"text"')).toBe(true);
    expect(error.text?.length).toBeLessThan(600);
    expect(error.text).toContain(`(${data.length} characters)`);
  });

  it("rejects an event without a string type or an object content", () => {
    for (const data of ["[1,2]", '"text"', '{"content":{}}', '{"type":3,"content":{}}', '{"type":"text"}', '{"type":"text","content":[]}']) {
      expect(protocolFailure(data).message).toContain("Malformed event");
    }
  });

  it("rejects a known event whose fields the client relies on are missing or mistyped", () => {
    expect(protocolFailure('{"type":"text","content":{"txt":"hi"}}').message).toContain('"text"');
    expect(protocolFailure('{"type":"state_update","content":{"state":{},"signature":5}}').message).toContain('"signature"');
    expect(protocolFailure('{"type":"chunked_content","content":{"id":"a","content_type":"image","chunk_index":0.5,"total_chunks":1,"mime_type":"m","data":""}}').message).toContain('"chunk_index"');
    expect(protocolFailure('{"type":"followup_messages","content":{"messages":["a",2]}}').message).toContain('"messages"');
  });

  it("reads the bare-value events of older Ragbits servers in today's shape", () => {
    expect(parseWireEvent('{"type":"message_id","content":"old-id"}')).toEqual({ type: "message_id", content: { message_id: "old-id" } });
    expect(parseWireEvent('{"type":"conversation_id","content":"old-conv"}')).toEqual({ type: "conversation_id", content: { conversation_id: "old-conv" } });
    expect(parseWireEvent('{"type":"conversation_summary","content":"Old title"}')).toEqual({ type: "conversation_summary", content: { summary: "Old title" } });
    expect(parseWireEvent('{"type":"text","content":"plain "}')).toEqual({ type: "text", content: { text: "plain " } });
    expect(parseWireEvent('{"type":"followup_messages","content":["Next?"]}')).toEqual({ type: "followup_messages", content: { messages: ["Next?"] } });
    // Only those shapes: a bare value of another type, or a list where text belongs, is still malformed.
    expect(protocolFailure('{"type":"reference","content":"Doc"}').message).toContain("Malformed event");
    expect(protocolFailure('{"type":"followup_messages","content":["a",2]}').message).toContain('"messages"');
    expect(protocolFailure('{"type":"my_event","content":"bare"}').message).toContain("Malformed event");
  });
});
