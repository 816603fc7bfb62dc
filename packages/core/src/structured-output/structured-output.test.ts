import { z } from "zod";
import { LLMInvalidPromptError, LLMOutputParsingError, LLMRefusalError } from "../errors/llm-error";
import { FallbackLLM } from "../lite-llm/fallback-llm";
import { MockLLM } from "../mock/mock-llm";
import { toAnthropicOutputSchema } from "../providers/anthropic/anthropic-schema";
import { toOpenAIRequestBody } from "../providers/openai/openai-request";
import { toOpenAIStrictSchema } from "../providers/openai/openai-schema";
import { toJsonSchema, wrapRoot } from "./json-schema";
import { parseOutput } from "./parse-output";
import { PartialOutput } from "./partial-output";
import { toOutputRequest } from "./output-request";

const context = { provider: "test", model: "m" };

describe("JSON Schema from zod", () => {
  it("takes the schema's input side, without $schema or safe-integer bounds", () => {
    expect(toJsonSchema(z.object({ n: z.number().int(), label: z.string().default("x") }))).toEqual({
      type: "object",
      properties: { n: { type: "integer" }, label: { type: "string", default: "x" } },
      required: ["n"],
    });
  });

  it("explains what cannot be converted", () => {
    expect(() => toOutputRequest(z.object({ when: z.date() }), {}, context)).toThrow(new LLMInvalidPromptError({ ...context, message: "the output schema cannot be sent to the model: the schema cannot be expressed as JSON Schema: Date cannot be represented in JSON Schema" }));
    const zod3Like = { "~standard": { version: 1, vendor: "zod", validate: () => ({ value: 1 }) } };
    expect(() => toOutputRequest(zod3Like as never, {}, context)).toThrow(/zod 4\.2 or later is needed/);
  });

  it("wraps a non-object root as { value }, keeping recursive references pointing at the old root", () => {
    expect(wrapRoot({ type: "array", items: { type: "string" } })).toEqual({ type: "object", properties: { value: { type: "array", items: { type: "string" } } }, required: ["value"], additionalProperties: false });
    expect(wrapRoot({ type: "array", items: { $ref: "#" } })).toEqual({
      type: "object",
      properties: { value: { $ref: "#/$defs/__root" } },
      required: ["value"],
      additionalProperties: false,
      $defs: { __root: { type: "array", items: { $ref: "#/$defs/__root" } } },
    });
    expect(toOutputRequest(z.array(z.string()), { name: "follow ups!" }, context)).toMatchObject({ name: "follow_ups_", wrapped: true });
  });
});

describe("OpenAI strict mode", () => {
  it("closes objects, turns oneOf into anyOf and describes constraints strict mode does not take", () => {
    const { schema, problems } = toOpenAIStrictSchema(toJsonSchema(z.object({ name: z.string().min(2).describe("Full name"), kind: z.discriminatedUnion("t", [z.object({ t: z.literal("a") }), z.object({ t: z.literal("b") })]) })));
    expect(problems).toEqual([]);
    expect(schema).toEqual({
      type: "object",
      properties: {
        name: { type: "string", description: "Full name (minLength: 2)" },
        kind: {
          anyOf: [
            { type: "object", properties: { t: { type: "string", const: "a" } }, required: ["t"], additionalProperties: false },
            { type: "object", properties: { t: { type: "string", const: "b" } }, required: ["t"], additionalProperties: false },
          ],
        },
      },
      required: ["name", "kind"],
      additionalProperties: false,
    });
  });

  it("sends a schema that cannot be strict without strict, and refuses it clearly when strict was asked for", () => {
    const schema = z.object({ name: z.string(), nickname: z.string().optional(), extra: z.looseObject({}) });
    const flavor = { model: "gpt-4o-mini", maxTokensField: "max_completion_tokens" as const, providerOptionsKey: "openai" };
    const auto = toOpenAIRequestBody({ messages: [], options: {}, output: toOutputRequest(schema, {}, context) }, flavor, context);
    expect((auto.response_format as { json_schema: { strict: boolean } }).json_schema.strict).toBe(false);
    expect(() => toOpenAIRequestBody({ messages: [], options: {}, output: toOutputRequest({ schema, strict: true }, {}, context) }, flavor, context)).toThrow(
      'output schema "output" cannot use OpenAI strict mode: /properties/nickname: "nickname" is optional; strict mode needs every property required (use .nullable() instead of .optional()); /properties/extra: an open object (additionalProperties) cannot be strict; strict mode needs every object closed. Change the schema, or pass strict: false',
    );
  });
});

describe("Anthropic output schemas", () => {
  it("closes objects and moves unsupported constraints into the description; recursion is a problem", () => {
    expect(toAnthropicOutputSchema(toJsonSchema(z.object({ age: z.number().min(0).max(150), tags: z.array(z.string()).min(2) })))).toEqual({
      schema: {
        type: "object",
        properties: { age: { type: "number", description: "(minimum: 0, maximum: 150)" }, tags: { type: "array", items: { type: "string" }, description: "(minItems: 2)" } },
        required: ["age", "tags"],
        additionalProperties: false,
      },
      problems: [],
    });
    type Node = { name: string; children: Node[] };
    const Tree: z.ZodType<Node> = z.object({ name: z.string(), children: z.array(z.lazy(() => Tree)) });
    expect(toAnthropicOutputSchema(toJsonSchema(Tree)).problems).toEqual(["the schema is recursive (uses $ref), which structured outputs do not support"]);
  });
});

describe("parseOutput", () => {
  const output = toOutputRequest(z.object({ a: z.number() }), {}, context);

  it("reads JSON alone, fenced, or after a sentence", async () => {
    expect(await parseOutput('{"a": 1}', output, context, "stop")).toEqual({ a: 1 });
    expect(await parseOutput('Sure!\n```json\n{"a": 2}\n```', output, context, "stop")).toEqual({ a: 2 });
    expect(await parseOutput('Here it is: {"a": 3}. Anything else?', output, context, "stop")).toEqual({ a: 3 });
  });

  it("says when the JSON was cut off by the token limit", async () => {
    const failure = await parseOutput('{"a": ', output, context, "length").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LLMOutputParsingError);
    expect((failure as Error).message).toBe('test (m): the answer was cut off: the answer stopped at the token limit (finish reason "length") before its JSON was complete: raise maxTokens');
  });

  it("unwraps { value } for non-object roots, and takes a bare value too", async () => {
    const list = toOutputRequest(z.array(z.string()), {}, context);
    expect(await parseOutput('{"value": ["x"]}', list, context, "stop")).toEqual(["x"]);
    expect(await parseOutput('["y"]', list, context, "stop")).toEqual(["y"]);
  });
});

describe("PartialOutput", () => {
  it("yields a value only when the JSON so far says something new; numbers only once complete", () => {
    const partial = new PartialOutput(false);
    const pushes = ['Sure: {"n', 'ame": "Ad', 'a", ', '"age": 3', "6", ', "tags": [', '"x"', "]}"].map((chunk) => partial.push(chunk));
    expect(pushes).toEqual([{}, { name: "Ad" }, { name: "Ada" }, undefined, undefined, { name: "Ada", age: 36, tags: [] }, { name: "Ada", age: 36, tags: ["x"] }, undefined]);
    expect(partial.current).toEqual({ name: "Ada", age: 36, tags: ["x"] });
  });
});

describe("structured output on MockLLM", () => {
  const City = z.object({ city: z.string() });

  it("gives up after the repairs it was allowed, with the last answer and the usage of every attempt", async () => {
    const llm = new MockLLM({ response: '{"town": "Paris"}', usage: { promptTokens: 10, completionTokens: 2 } });
    const failure = await llm.generate("Where?", { output: City, repair: 2 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LLMOutputParsingError);
    expect((failure as LLMOutputParsingError).partial?.usage).toMatchObject({ promptTokens: 30, completionTokens: 6 });
    expect((failure as LLMOutputParsingError).partial?.metadata.outputRepairs).toBe(2);
    expect(llm.calls).toHaveLength(3);
    expect(llm.calls[2]!.messages.slice(-2)).toEqual([
      { role: "assistant", content: '{"town": "Paris"}' },
      { role: "user", content: "Your answer could not be used: city: Invalid input: expected string, received undefined. Answer again with only the corrected JSON, matching the schema." },
    ]);
  });

  it("is an LLMRefusalError when the model refuses", async () => {
    await expect(new MockLLM({ refusal: "No." }).generate("Where?", { output: City })).rejects.toBeInstanceOf(LLMRefusalError);
  });

  it("has no output when the model answers with tool calls instead", async () => {
    const llm = new MockLLM({ output: { city: "Paris" }, toolCalls: [{ name: "lookup", arguments: {} }] });
    const result = await llm.generateWithMetadata("Where?", { output: City, tools: [{ type: "function", function: { name: "lookup" } }] });
    expect(result.output).toBeUndefined();
    expect(result.toolCalls).toHaveLength(1);
  });

  it("puts the schema in the system message in JSON mode", async () => {
    const llm = new MockLLM({ output: { city: "Oslo" } });
    await llm.generate([{ role: "system", content: "Be brief." }, { role: "user", content: "Where?" }], { output: { schema: City, mode: "json" } });
    expect(llm.calls[0]!.messages[0]).toEqual({
      role: "system",
      content: 'Be brief.\n\nAnswer with a single JSON object and nothing else: no prose, no code fences. It must match this JSON Schema:\n{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}',
    });
  });

  it("streams through a fallback chain: the answering model's partial values and output", async () => {
    const chain = new FallbackLLM([new MockLLM({ modelName: "down", maxRetries: 0, responseStream: [] }), new MockLLM({ modelName: "up", output: { city: "Rome" } })]);
    jest.spyOn(chain.models[0]!, "doStream").mockImplementation(() => {
      throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    });
    const stream = chain.generateStreaming("Where?", { output: City });
    const items: unknown[] = [];
    for await (const item of stream) items.push(item);
    expect(items.at(-1)).toEqual({ city: "Rome" });
    // MockLLM streams JSON a dozen characters at a time: {"city":"Rom, then e"}.
    expect(items).toEqual([{ city: "Rom" }, { city: "Rome" }, { city: "Rome" }]);
    expect(await stream.output).toEqual({ city: "Rome" });
    expect(stream.partialOutput).toEqual({ city: "Rome" });
    expect((await stream.metadata).model).toBe("up");
  });
});
