import { type WireEvent } from "../../protocol/chat-response";
import { sseFrame } from "./api-response";

describe("sseFrame", () => {
  it("writes a text event as one data line and a blank line, escaped as JSON", () => {
    expect(sseFrame({ type: "text", content: { text: "Hi" } })).toBe('data: {"type":"text","content":{"text":"Hi"}}\n\n');
    expect(sseFrame({ type: "text", content: { text: 'a "quote"\nline\u2028sep\\ é 😀' } })).toBe('data: {"type":"text","content":{"text":"a \\"quote\\"\\nline\u2028sep\\\\ é 😀"}}\n\n');
    expect(sseFrame({ type: "text", content: { text: "" } })).toBe('data: {"type":"text","content":{"text":""}}\n\n');
  });

  // The short path for text must never change a byte: whatever the event, the frame is JSON.stringify's.
  it.each<[string, unknown]>([
    ["keys in another order", { content: { text: "x" }, type: "text" }],
    ["an extra key on the event", { type: "text", content: { text: "x" }, id: 1 }],
    ["an extra key in the content", { type: "text", content: { text: "x", bold: true } }],
    ["content keys in another order", { type: "text", content: { bold: true, text: "x" } }],
    ["a text that is not a string", { type: "text", content: { text: 42 } }],
    ["no content", { type: "text", content: null }],
    ["a toJSON on the event", { type: "text", content: { text: "x" }, toJSON: () => ({ type: "replaced" }) }],
    ["a toJSON on the content", { type: "text", content: { text: "x", toJSON: () => "replaced" } }],
    ["an inherited toJSON", { type: "text", content: Object.assign(Object.create({ toJSON: () => "inherited" }) as object, { text: "x" }) }],
    ["another event type", { type: "reference", content: { title: "T", content: "c", url: null } }],
    ["a custom event", { type: "my_widget", content: { nested: { deep: [1, 2, 3] } } }],
  ])("writes JSON.stringify's bytes for %s", (_name, event) => {
    expect(sseFrame(event as WireEvent)).toBe(`data: ${JSON.stringify(event)}\n\n`);
  });
});
