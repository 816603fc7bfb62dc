/**
 * Structured output, tools and prompts through each provider's official SDK against the loopback
 * upstreams: the request carries the provider's own fields, the answer is parsed and validated,
 * tool results go back in the provider's format, and the tool loop streams, stops and aborts.
 */
import { z } from "zod";
import { LLMAbortedError, LLMInvalidPromptError, LLMOutputParsingError, LLMRefusalError, type ToolCall, ToolArgumentsError, definePrompt, runTools, tool } from "../src";
import { type MockUpstreamServer } from "../src/testing";
import { drain } from "./drain";
import { VALID_KEY, harnesses } from "./provider-harnesses";
import { structuredHarnesses } from "./structured-harnesses";

const City = z.object({ city: z.string().describe("The city's name"), population: z.number().int(), tags: z.array(z.string()) });
/** City as JSON Schema, written out: zod's conversion of the schema above (safe-integer bounds dropped). */
const CITY_AS_IS = {
  type: "object",
  properties: { city: { type: "string", description: "The city's name" }, population: { type: "integer" }, tags: { type: "array", items: { type: "string" } } },
  required: ["city", "population", "tags"],
};
/** The same, closed: what OpenAI strict mode and Anthropic structured outputs require. */
const CITY_CLOSED = { ...CITY_AS_IS, additionalProperties: false };
const PARIS = { city: "Paris", population: 2100000, tags: ["capital"] };

const Trip = z.object({
  from: z.string(),
  to: z.string(),
  stops: z.array(z.object({ city: z.string(), nights: z.number().int().min(1) })),
  mode: z.enum(["train", "plane"]),
  notes: z.string().optional(),
});
const TRIP_JSON = {
  type: "object",
  properties: {
    from: { type: "string" },
    to: { type: "string" },
    stops: { type: "array", items: { type: "object", properties: { city: { type: "string" }, nights: { type: "integer", minimum: 1 } }, required: ["city", "nights"] } },
    mode: { type: "string", enum: ["train", "plane"] },
    notes: { type: "string" },
  },
  required: ["from", "to", "stops", "mode"],
};

describe.each(harnesses)("$name: structured output, tools and prompts through the official SDK", (harness) => {
  const expected = structuredHarnesses[harness.name]!;
  let server: MockUpstreamServer;

  beforeAll(async () => {
    server = await harness.startServer({ apiKey: harness.usesApiKey ? VALID_KEY : undefined });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.clientAborts = 0;
  });

  describe("structured output", () => {
    it("sends the schema in the provider's native field and returns the validated value", async () => {
      server.enqueue({ text: JSON.stringify(PARIS) });
      const city = await harness.createLLM(server).generate("Tell me about Paris", { output: { schema: City, name: "city" } });
      expect(city).toEqual(PARIS);
      expected.expectNativeOutput(server.lastRequest!.body, "city", expected.nativeSchema === "closed" ? CITY_CLOSED : CITY_AS_IS);
    });

    it("streams partial values as the JSON grows, then the validated value, with the text and usage totals", async () => {
      const chunks = ['{"city":', ' "Par', 'is", "population": 2100000, ', '"tags": ["capital"', "]}"];
      server.enqueue({ text: chunks, usage: { promptTokens: 9, completionTokens: 5 } });
      const stream = harness.createLLM(server).generateStreaming("Tell me about Paris", { output: City });
      const { items, error } = await drain(stream);
      expect(error).toBeUndefined();
      // Each item is what the JSON so far says; a chunk that adds nothing (the closing brackets) yields nothing.
      expect(items).toEqual([{}, { city: "Par" }, { city: "Paris", population: 2100000 }, { city: "Paris", population: 2100000, tags: ["capital"] }, PARIS]);
      expect(await stream.output).toEqual(PARIS);
      expect(await stream.text).toBe(chunks.join(""));
      expect(await stream.usage).toMatchObject({ promptTokens: 9, completionTokens: 5, totalTokens: 14 });
      expect(await stream.finishReason).toBe("stop");
      expected.expectNativeOutput(server.lastRequest!.body, "output", expected.nativeSchema === "closed" ? CITY_CLOSED : CITY_AS_IS);
      expect(server.lastRequest!.body.stream).toBe(true);
    });

    it("fails with LLMOutputParsingError, carrying the raw text, when the answer is not JSON", async () => {
      server.enqueue({ text: "Paris is the capital of France." });
      const failure = await harness
        .createLLM(server)
        .generate("Tell me about Paris", { output: City })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(LLMOutputParsingError);
      expect(failure).toMatchObject({ text: "Paris is the capital of France.", value: undefined, provider: harness.name });
      expect((failure as LLMOutputParsingError).issues[0]!.message).toMatch(/not valid JSON/);
    });

    it("fails a stream whose JSON does not match the schema, with the issues naming the path", async () => {
      const text = '{"city": "Paris", "population": "many", "tags": []}';
      server.enqueue({ text: [text.slice(0, 20), text.slice(20)] });
      const stream = harness.createLLM(server).generateStreaming("Tell me about Paris", { output: City });
      const { items, error } = await drain(stream);
      expect(items).toEqual([{ city: "Paris" }, { city: "Paris", population: "many", tags: [] }]);
      expect(error).toBeInstanceOf(LLMOutputParsingError);
      const failure = error as LLMOutputParsingError;
      expect(failure.text).toBe(text);
      expect(failure.value).toEqual({ city: "Paris", population: "many", tags: [] });
      expect(failure.issues.map((issue) => issue.path)).toEqual([["population"]]);
      await expect(stream.output).rejects.toBe(error);
    });

    it("repairs on request: the answer and its issues go back to the model, which answers again", async () => {
      server.enqueue({ text: '{"city": "Paris", "population": "many", "tags": []}', usage: { promptTokens: 10, completionTokens: 4 } }, { text: JSON.stringify(PARIS), usage: { promptTokens: 30, completionTokens: 6 } });
      const result = await harness.createLLM(server).generateWithMetadata("Tell me about Paris", { output: City, repair: true });
      expect(result.output).toEqual(PARIS);
      expect(result.metadata.outputRepairs).toBe(1);
      expect(result.usage).toMatchObject({ promptTokens: 40, completionTokens: 10, totalTokens: 50 });
      expect(server.requests).toHaveLength(2);
      const sent = JSON.stringify(server.requests[1]!.body.messages);
      expect(sent).toContain('\\"population\\": \\"many\\"');
      expect(sent).toContain("Your answer could not be used: population: Invalid input: expected number, received string");
    });

    it("JSON mode (`mode: \"json\"`) asks for JSON and puts the schema in a system instruction; a fenced answer is still read", async () => {
      server.enqueue({ text: "```json\n" + JSON.stringify(PARIS) + "\n```" });
      const city = await harness.createLLM(server).generate("Tell me about Paris", { output: { schema: City, mode: "json" } });
      expect(city).toEqual(PARIS);
      const body = server.lastRequest!.body;
      expected.expectJsonMode(body);
      expect(JSON.stringify(body)).toContain(`It must match this JSON Schema:\\n${JSON.stringify(CITY_AS_IS).replaceAll('"', '\\"')}`);
    });

    it("forced tool mode: the output tool's arguments are the answer, streamed as partial values", async () => {
      server.enqueue({ toolCalls: [{ id: "call_out", name: "city", arguments: PARIS }] });
      const stream = harness.createLLM(server).generateStreaming("Tell me about Paris", { output: { schema: City, name: "city", mode: "tool" } });
      const { items, error } = await drain(stream);
      expect(error).toBeUndefined();
      expect(items.at(-1)).toEqual(PARIS);
      expect(await stream.output).toEqual(PARIS);
      // The answer is not a tool call for the caller to run.
      expect(await stream.toolCalls).toEqual([]);
      expect(await stream.finishReason).toBe("stop");
      expected.expectForcedTool(server.lastRequest!.body, "city", expected.forcedToolSchema === "closed" ? CITY_CLOSED : CITY_AS_IS);
    });

    // The Ollama mock has no refusal shape (Ollama reports none).
    if (expected.refuses)
      it("a refusal is an LLMRefusalError when structured output was asked for", async () => {
        server.enqueue({ refusal: "I can't help with that." });
        const { items, error } = await drain(harness.createLLM(server).generateStreaming("Tell me about Paris", { output: City }));
        expect(items).toEqual([]);
        expect(error).toBeInstanceOf(LLMRefusalError);
        expect((error as LLMRefusalError).refusal).toBe("I can't help with that.");
      });
  });

  describe("tools", () => {
    const planTrip = tool({ name: "plan_trip", description: "Plans a trip", parameters: Trip });

    it("sends nested zod parameters as JSON Schema and validates the arguments into the typed object", async () => {
      const args = { from: "Paris", to: "Rome", stops: [{ city: "Milan", nights: 2 }], mode: "train" };
      server.enqueue({ toolCalls: [{ id: "call_trip", name: "plan_trip", arguments: args }] });
      const result = await harness.createLLM(server).generateWithMetadata("Plan a trip to Rome", { tools: [planTrip] });
      expect(expected.toolSchemas(server.lastRequest!.body)).toEqual({ plan_trip: TRIP_JSON });
      expect(result.toolCalls).toHaveLength(1);
      expect(await planTrip.parseArguments(result.toolCalls[0]!)).toEqual(args);
    });

    it("rejects invalid arguments with a ToolArgumentsError that carries the raw arguments", async () => {
      server.enqueue({ toolCalls: [{ id: "call_trip", name: "plan_trip", arguments: { from: "Paris", to: "Rome", stops: [{ city: "Milan", nights: 0 }], mode: "bus" } }] });
      const { items } = await drain(harness.createLLM(server).generateStreaming("Plan a trip", { tools: [planTrip] }));
      const call = items.find((item): item is ToolCall => typeof item !== "string")!;
      const failure = await planTrip.parseArguments(call).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ToolArgumentsError);
      expect(JSON.parse((failure as ToolArgumentsError).rawArguments)).toEqual({ from: "Paris", to: "Rome", stops: [{ city: "Milan", nights: 0 }], mode: "bus" });
      expect((failure as ToolArgumentsError).issues.map((issue) => issue.path)).toEqual([["stops", 0, "nights"], ["mode"]]);
      expect((failure as ToolArgumentsError).toolName).toBe("plan_trip");
    });

    it("runTools runs parallel calls together and sends their results back in the provider's format", async () => {
      let started = 0;
      let bothStarted!: () => void;
      const together = new Promise<void>((resolve) => (bothStarted = resolve));
      // Each tool waits until both have started: run one after the other, they would never finish.
      const meet = async () => {
        if (++started === 2) bothStarted();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("the tools did not run in parallel")), 2_000)));
        await Promise.race([together, timeout]).finally(() => clearTimeout(timer));
      };
      const weather = tool({ name: "get_weather", parameters: z.object({ city: z.string() }), execute: async ({ city }) => (await meet(), { city, sky: "sunny" }) });
      const time = tool({ name: "get_time", parameters: z.object({ tz: z.string() }), execute: async ({ tz }) => (await meet(), `14:00 in ${tz}`) });
      server.enqueue(
        { toolCalls: [{ id: "call_w", name: "get_weather", arguments: { city: "Paris" } }, { id: "call_t", name: "get_time", arguments: { tz: "Europe/Paris" } }], usage: { promptTokens: 20, completionTokens: 8 } },
        { text: ["Sunny, ", "and 14:00."], usage: { promptTokens: 50, completionTokens: 5 } },
      );
      const run = runTools(harness.createLLM(server), "Weather and time in Paris?", { tools: [weather, time] });
      const { items, error } = await drain(run);
      expect(error).toBeUndefined();
      expect(items.filter((item) => typeof item === "string")).toEqual(["Sunny, ", "and 14:00."]);
      expect(await run.text).toBe("Sunny, and 14:00.");
      expect(await run.stopReason).toBe("answer");
      expect(await run.usage).toMatchObject({ promptTokens: 70, completionTokens: 13, totalTokens: 83 });
      const second = server.requests[1]!.body;
      const ref = (id: string, name: string) => (expected.resultRef === "id" ? id : name);
      expect(expected.toolCallsInHistory(second)).toEqual([
        { name: "get_weather", arguments: { city: "Paris" } },
        { name: "get_time", arguments: { tz: "Europe/Paris" } },
      ]);
      expect(expected.toolResults(second)).toEqual([
        { ref: ref("call_w", "get_weather"), content: '{"city":"Paris","sky":"sunny"}' },
        { ref: ref("call_t", "get_time"), content: "14:00 in Europe/Paris" },
      ]);
    });

    it("runTools: a 3-step loop streams each step's text, sends invalid arguments back, and sums usage", async () => {
      const calls: unknown[] = [];
      const weather = tool({ name: "get_weather", parameters: z.object({ city: z.string() }), execute: ({ city }) => (calls.push(city), `sunny in ${city}`) });
      server.enqueue(
        { toolCalls: [{ id: "call_1", name: "get_weather", arguments: { town: "Paris" } }], usage: { promptTokens: 10, completionTokens: 3 } },
        { text: ["Let me ", "retry."], toolCalls: [{ id: "call_2", name: "get_weather", arguments: { city: "Paris" } }], usage: { promptTokens: 20, completionTokens: 4 } },
        { text: ["It is ", "sunny."], usage: { promptTokens: 30, completionTokens: 5 } },
      );
      const run = runTools(harness.createLLM(server), "Weather in Paris?", { tools: [weather] });
      const { items, error } = await drain(run);
      expect(error).toBeUndefined();
      expect(items.filter((item) => typeof item === "string")).toEqual(["Let me ", "retry.", "It is ", "sunny."]);
      expect(calls).toEqual(["Paris"]);
      const steps = await run.steps;
      expect(steps.map((step) => step.text)).toEqual(["", "Let me retry.", "It is sunny."]);
      expect(steps[0]!.toolResults[0]!.error).toBeInstanceOf(ToolArgumentsError);
      expect(await run.usage).toMatchObject({ promptTokens: 60, completionTokens: 12, totalTokens: 72 });
      expect(server.requests).toHaveLength(3);
      // The model was told what was wrong with its first call.
      const [firstResult] = expected.toolResults(server.requests[1]!.body);
      expect(firstResult!.content).toMatch(/^Error: invalid arguments for tool "get_weather": city: Invalid input: expected string, received undefined/);
      expect(expected.toolResults(server.requests[2]!.body).map((result) => result.content)).toEqual([firstResult!.content, "sunny in Paris"]);
      expect((await run.messages).map((message) => message.role)).toEqual(["assistant", "tool", "assistant", "tool", "assistant"]);
    });

    it("runTools: aborting mid-loop closes the model call in flight and ends the run with LLMAbortedError", async () => {
      const controller = new AbortController();
      const weather = tool({ name: "get_weather", parameters: z.object({ city: z.string() }), execute: () => "sunny" });
      server.enqueue({ toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }] }, { text: Array.from({ length: 50 }, (_, index) => `word${index} `), chunkDelayMs: 20 });
      const run = runTools(harness.createLLM(server), "Weather?", { tools: [weather], signal: controller.signal });
      const texts: string[] = [];
      let failure: unknown;
      try {
        for await (const item of run) {
          if (typeof item !== "string") continue;
          texts.push(item);
          if (texts.length === 2) controller.abort();
        }
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(LLMAbortedError);
      await server.waitForClientAbort(1_000);
      expect(texts.length).toBeLessThan(50);
      expect(server.requests).toHaveLength(2);
      await expect(run.text).rejects.toBe(failure);
    });
  });

  describe("prompts", () => {
    const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // base64 iVBORw0KGgo=
    const PDF = new TextEncoder().encode("%PDF-1"); // base64 JVBERi0x
    const Invoice = definePrompt({
      name: "invoice",
      input: z.object({ customer: z.string(), scan: z.instanceof(Uint8Array), pdf: z.instanceof(Uint8Array).optional() }),
      output: z.object({ total: z.number() }),
      system: "You read invoices.",
      user: "The invoice of {{ customer }}:",
      attachments: ({ scan, pdf }) => [{ data: scan, mimeType: "image/png" }, ...(pdf ? [{ data: pdf, mimeType: "application/pdf", filename: "invoice.pdf" }] : [])],
    });

    it("renders system, user text and attachments into the provider's content parts", async () => {
      server.enqueue({ text: '{"total": 42.5}' });
      const llm = harness.createLLM(server);
      const withPdf = new Invoice({ customer: "ACME", scan: PNG, pdf: PDF });
      if (harness.name === "ollama") {
        // Ollama takes images only: a PDF is refused before anything is sent.
        await expect(llm.generate(withPdf)).rejects.toBeInstanceOf(LLMInvalidPromptError);
        expect(server.requests).toHaveLength(0);
        expect(await llm.generate(new Invoice({ customer: "ACME", scan: PNG }))).toEqual({ total: 42.5 });
        expect(server.lastRequest!.body.messages).toEqual([
          { role: "system", content: "You read invoices." },
          { role: "user", content: "The invoice of ACME:", images: ["iVBORw0KGgo="] },
        ]);
        return;
      }
      const total = await llm.generate(withPdf);
      expect(total).toEqual({ total: 42.5 });
      const body = server.lastRequest!.body;
      if (harness.name === "anthropic") {
        expect(body.system).toBe("You read invoices.");
        expect(body.messages).toEqual([
          {
            role: "user",
            content: [
              { type: "text", text: "The invoice of ACME:" },
              { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
              { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0x" }, title: "invoice.pdf" },
            ],
          },
        ]);
      } else {
        expect(body.messages).toEqual([
          { role: "system", content: "You read invoices." },
          {
            role: "user",
            content: [
              { type: "text", text: "The invoice of ACME:" },
              { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
              { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0x", filename: "invoice.pdf" } },
            ],
          },
        ]);
      }
    });
  });
});
