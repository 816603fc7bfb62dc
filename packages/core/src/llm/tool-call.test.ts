import { ToolCallAccumulator, createToolCall } from "./tool-call";

describe("createToolCall", () => {
  it("parses JSON object arguments and keeps the raw text", () => {
    expect(createToolCall("c1", "f", '{"a":1}')).toEqual({ type: "tool_call", id: "c1", name: "f", arguments: { a: 1 }, rawArguments: '{"a":1}' });
    expect(createToolCall("c1", "f", "")).toMatchObject({ arguments: {}, rawArguments: "" });
    expect(createToolCall("c1", "f", { b: 2 })).toMatchObject({ arguments: { b: 2 }, rawArguments: '{"b":2}' });
  });

  it("reports arguments that are not a JSON object", () => {
    expect(createToolCall("c1", "f", '{"a":').argumentsError).toMatch(/not valid JSON/);
    expect(createToolCall("c1", "f", "[1,2]").argumentsError).toMatch(/not an object/);
  });
});

describe("ToolCallAccumulator", () => {
  it("joins fragments per index and returns the calls in index order", () => {
    const accumulator = new ToolCallAccumulator();
    accumulator.append(1, { id: "b", name: "second", arguments: '{"x"' });
    accumulator.append(0, { id: "a", name: "first", arguments: "" });
    accumulator.append(1, { arguments: ":1}" });
    accumulator.append(0, { arguments: "{}" });
    expect(accumulator.drain().map((call) => [call.id, call.name, call.arguments])).toEqual([
      ["a", "first", {}],
      ["b", "second", { x: 1 }],
    ]);
    expect(accumulator.size).toBe(0);
  });
});
