/**
 * Type tests, checked by `tsc --noEmit` (the package's `typecheck`), never run: what a user's editor
 * infers for prompts, structured output and tools. A wrong inference fails the typecheck; each
 * `@ts-expect-error` fails it when the mistake it marks stops being an error.
 */
import { expectTypeOf } from "expect-type";
import { z } from "zod";
import {
  type DeepPartial,
  type GenerateResult,
  type LLM,
  type LLMStream,
  type Reasoning,
  type StepFinish,
  type ToolCall,
  type ToolResult,
  definePrompt,
  runTools,
  tool,
} from "../src";

declare const llm: LLM;
declare const call: ToolCall;

const Ticket = z.object({ category: z.enum(["billing", "bug", "other"]), urgent: z.boolean(), summary: z.string().optional() });
type Ticket = z.infer<typeof Ticket>;

const TicketPrompt = definePrompt({
  name: "ticket",
  input: z.object({ text: z.string(), priority: z.number().default(1) }),
  output: Ticket,
  system: "You triage support tickets.",
  user: "Ticket: {{ text }}",
  examples: [{ input: { text: "I was charged twice" }, output: { category: "billing", urgent: true } }],
});

const ChatPrompt = definePrompt({ input: z.object({ question: z.string() }), user: ({ question }) => `Q: ${question}` });
const NoInput = definePrompt({ user: "Tell me a joke." });

async function prompts(): Promise<void> {
  // The input type is the schema's input: `priority` has a default, so it may be left out.
  const prompt = new TicketPrompt({ text: "My invoice is wrong" });
  expectTypeOf(prompt.input).toEqualTypeOf<{ text: string; priority: number }>();
  expectTypeOf(await llm.generate(prompt)).toEqualTypeOf<Ticket>();
  expectTypeOf(await llm.generateWithMetadata(prompt)).toEqualTypeOf<GenerateResult<Ticket>>();

  // A prompt without an output schema answers with text.
  expectTypeOf(await llm.generate(new ChatPrompt({ question: "Why?" }))).toEqualTypeOf<string>();
  expectTypeOf(await llm.generate(new NoInput())).toEqualTypeOf<string>();

  // @ts-expect-error: `text` is required by the input schema.
  new TicketPrompt({ priority: 2 });
  // @ts-expect-error: the input is required when the schema has required fields.
  new TicketPrompt();
  // @ts-expect-error: the wrong type for a field.
  new ChatPrompt({ question: 42 });

  definePrompt({
    input: z.object({ text: z.string() }),
    output: Ticket,
    user: "{{ text }}",
    // @ts-expect-error: an example's output must match the output schema.
    examples: [{ input: { text: "x" }, output: { category: "refund", urgent: true } }],
  });

  definePrompt({
    input: z.object({ text: z.string() }),
    // @ts-expect-error: a function template gets the typed input; `txt` does not exist.
    user: ({ txt }) => `${txt}`,
  });
}

async function structuredOutput(): Promise<void> {
  const City = z.object({ city: z.string(), population: z.number() });
  expectTypeOf(await llm.generate("Extract the city.", { output: City })).toEqualTypeOf<{ city: string; population: number }>();
  expectTypeOf(await llm.generate("Extract the city.", { output: { schema: City, name: "city", mode: "tool" } })).toEqualTypeOf<{ city: string; population: number }>();
  expectTypeOf(await llm.generate("Say hi.")).toEqualTypeOf<string>();
  expectTypeOf(await llm.generate([{ role: "user", content: "Say hi." }], { options: { temperature: 0 } })).toEqualTypeOf<string>();

  // Output types are the schema's output (after transforms), not its input.
  const Count = z.object({ count: z.string().transform((value) => Number(value)) });
  expectTypeOf(await llm.generate("How many?", { output: Count })).toEqualTypeOf<{ count: number }>();
  // A non-object root works too.
  expectTypeOf(await llm.generate("Three questions.", { output: z.array(z.string()) })).toEqualTypeOf<string[]>();

  // With tools, the model may answer with tool calls instead: then there is no output.
  const weather = tool({ name: "get_weather", parameters: z.object({ city: z.string() }) });
  expectTypeOf(await llm.generate("Weather?", { output: City, tools: [weather] })).toEqualTypeOf<{ city: string; population: number } | undefined>();

  // Streams of structured output yield partial values; `output` is the validated value.
  const stream = llm.generateStreaming("Extract the city.", { output: City });
  expectTypeOf(stream).toEqualTypeOf<LLMStream<DeepPartial<{ city: string; population: number }>, { city: string; population: number }>>();
  for await (const partial of stream) expectTypeOf(partial.city).toEqualTypeOf<string | undefined>();
  expectTypeOf(await stream.output).toEqualTypeOf<{ city: string; population: number }>();

  // Text streams are unchanged: strings, plus what the options enable.
  expectTypeOf(llm.generateStreaming("Hi")).toEqualTypeOf<LLMStream<string, string>>();
  expectTypeOf(llm.generateStreaming("Hi", { includeReasoning: true })).toEqualTypeOf<LLMStream<string | Reasoning, string>>();
  expectTypeOf(llm.generateStreaming(new TicketPrompt({ text: "x" }))).toEqualTypeOf<LLMStream<DeepPartial<Ticket>, Ticket>>();
}

async function tools(): Promise<void> {
  const weather = tool({
    name: "get_weather",
    parameters: z.object({ city: z.string(), unit: z.enum(["C", "F"]).default("C") }),
    execute: async ({ city, unit }, { signal, toolCallId }) => {
      expectTypeOf(city).toEqualTypeOf<string>();
      expectTypeOf(unit).toEqualTypeOf<"C" | "F">();
      expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
      expectTypeOf(toolCallId).toEqualTypeOf<string>();
      return { tempC: 21 };
    },
  });
  expectTypeOf(await weather.parseArguments(call)).toEqualTypeOf<{ city: string; unit: "C" | "F" }>();

  tool({
    name: "bad",
    parameters: z.object({ city: z.string() }),
    // @ts-expect-error: `town` is not a parameter.
    execute: ({ town }) => town,
  });

  const run = runTools(llm, "Weather in Paris?", { tools: [weather], maxSteps: 3 });
  for await (const item of run) expectTypeOf(item).toEqualTypeOf<string | ToolCall | ToolResult | StepFinish>();
  expectTypeOf(await run.output).toEqualTypeOf<string>();
  const structured = runTools(llm, new TicketPrompt({ text: "x" }), { tools: [weather] });
  expectTypeOf(await structured.output).toEqualTypeOf<Ticket>();
}

export { prompts, structuredOutput, tools };
