/**
 * What differs between providers for structured output and tools: where the request carries the
 * schema, how tools and tool results look on the wire. Each expectation is written out from the
 * provider's documentation, not computed by the code under test.
 */
export interface StructuredHarness {
  /** The native structured-output field of the request, for a schema sent under `name`. */
  expectNativeOutput(body: any, name: string, schema: object): void;
  /** JSON mode: the field that asks for JSON without a schema (none for Anthropic). */
  expectJsonMode(body: any): void;
  /** A forced call of the output tool `name` with `schema` as its parameters. */
  expectForcedTool(body: any, name: string, schema: object): void;
  /** The parameter schemas of the tools offered, by name. */
  toolSchemas(body: any): Record<string, unknown>;
  /** The tool results a request carries, in order: the id (or tool name, for Ollama) and the content. */
  toolResults(body: any): Array<{ ref: string; content: string }>;
  /** The assistant's tool calls a request carries, in order. */
  toolCallsInHistory(body: any): Array<{ name: string; arguments: unknown }>;
  /** Whether the mock upstream can refuse in this provider's format. */
  refuses: boolean;
  /** How tool results refer to their call: by call id, or (Ollama) by tool name. */
  resultRef: "id" | "name";
  /** Whether the schema is sent closed (`additionalProperties: false` on every object) or as zod wrote it. */
  nativeSchema: "closed" | "as-is";
  forcedToolSchema: "closed" | "as-is";
}

const openAI: StructuredHarness = {
  expectNativeOutput: (body, name, schema) => expect(body.response_format).toEqual({ type: "json_schema", json_schema: { name, schema, strict: true } }),
  expectJsonMode: (body) => expect(body.response_format).toEqual({ type: "json_object" }),
  expectForcedTool: (body, name, schema) => {
    expect(body.tools).toEqual([{ type: "function", function: { name, parameters: schema, strict: true } }]);
    expect(body.tool_choice).toEqual({ type: "function", function: { name } });
    expect(body).not.toHaveProperty("response_format");
  },
  toolSchemas: (body) => Object.fromEntries(body.tools.map((tool: any) => [tool.function.name, tool.function.parameters])),
  toolResults: (body) => body.messages.filter((message: any) => message.role === "tool").map((message: any) => ({ ref: message.tool_call_id, content: message.content })),
  toolCallsInHistory: (body) =>
    body.messages.flatMap((message: any) => (message.tool_calls ?? []).map((call: any) => ({ name: call.function.name, arguments: JSON.parse(call.function.arguments) }))),
  refuses: true,
  resultRef: "id",
  nativeSchema: "closed",
  forcedToolSchema: "closed",
};

export const structuredHarnesses: Record<string, StructuredHarness> = {
  openai: openAI,
  azure: openAI,
  anthropic: {
    expectNativeOutput: (body, _name, schema) => {
      expect(body.output_config).toEqual({ format: { type: "json_schema", schema } });
      expect(body).not.toHaveProperty("tool_choice");
    },
    expectJsonMode: (body) => {
      expect(body).not.toHaveProperty("output_config");
      expect(body.system).toMatch(/JSON Schema/);
    },
    expectForcedTool: (body, name, schema) => {
      expect(body.tools).toEqual([{ name, description: "Give the answer: call this tool with it.", input_schema: schema }]);
      expect(body.tool_choice).toEqual({ type: "tool", name });
      expect(body).not.toHaveProperty("output_config");
    },
    toolSchemas: (body) => Object.fromEntries(body.tools.map((tool: any) => [tool.name, tool.input_schema])),
    toolResults: (body) =>
      body.messages.flatMap((message: any) => (message.role === "user" ? message.content.filter((block: any) => block.type === "tool_result").map((block: any) => ({ ref: block.tool_use_id, content: block.content })) : [])),
    toolCallsInHistory: (body) =>
      body.messages.flatMap((message: any) => (message.role === "assistant" ? message.content.filter((block: any) => block.type === "tool_use").map((block: any) => ({ name: block.name, arguments: block.input })) : [])),
    refuses: true,
    resultRef: "id",
    nativeSchema: "closed",
    forcedToolSchema: "as-is",
  },
  ollama: {
    expectNativeOutput: (body, _name, schema) => expect(body.format).toEqual(schema),
    expectJsonMode: (body) => expect(body.format).toBe("json"),
    expectForcedTool: (body, name, schema) => {
      // Ollama cannot force a tool: the output tool is the only one offered.
      expect(body.tools).toEqual([{ type: "function", function: { name, description: "Give the answer: call this tool with it.", parameters: schema } }]);
      expect(body).not.toHaveProperty("format");
    },
    toolSchemas: (body) => Object.fromEntries(body.tools.map((tool: any) => [tool.function.name, tool.function.parameters])),
    toolResults: (body) => body.messages.filter((message: any) => message.role === "tool").map((message: any) => ({ ref: message.tool_name, content: message.content })),
    toolCallsInHistory: (body) => body.messages.flatMap((message: any) => (message.tool_calls ?? []).map((call: any) => ({ name: call.function.name, arguments: call.function.arguments }))),
    refuses: false,
    resultRef: "name",
    nativeSchema: "as-is",
    forcedToolSchema: "as-is",
  },
};
