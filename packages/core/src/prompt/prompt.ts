import { errorMarker, hasMarker, markClass } from "../errors/error-marker";
import { type OutputOption } from "../structured-output/output-request";
import { type OutputCarrier } from "../structured-output/output-types";
import { type Schema } from "../structured-output/standard-schema";
import { type ChatFormat, type ChatFormatSource } from "./chat-format";

const PROMPT_MARKER = errorMarker("Prompt");

/**
 * A typed prompt: validated input in, a conversation out, and what the answer should be — text,
 * or the value of an output schema. `llm.generate(prompt)` resolves to `Output`.
 *
 * Most prompts are made with `definePrompt`; subclass this for rendering of your own:
 *
 * ```ts
 * class Summary extends Prompt<{ text: string }, { summary: string }> {
 *   constructor(input: { text: string }) { super(input, { name: "summary", output: SummarySchema }); }
 *   toChatFormat() { return [{ role: "user", content: `Summarise: ${this.input.text}` }]; }
 * }
 * ```
 */
export abstract class Prompt<Input = unknown, Output = string> implements ChatFormatSource, OutputCarrier<Output> {
  static {
    markClass(this, PROMPT_MARKER);
  }

  /** Type only: what `generate` resolves to. */
  declare readonly "~output": Output;
  /** Type only: whether the answer is structured (an output schema) or text. */
  declare readonly "~structured": boolean;

  /** The validated input. */
  readonly input: Input;
  /** The prompt's name: the output schema's name for the provider, and a label for logs. */
  readonly name: string;
  /** The output schema; `undefined` when the answer is text. */
  readonly outputSchema: Schema<Output> | undefined;

  constructor(input: Input, settings: { name?: string | undefined; output?: Schema<Output> | undefined } = {}) {
    this.input = input;
    this.name = settings.name ?? new.target.name ?? "prompt";
    this.outputSchema = settings.output;
  }

  /** The conversation to send: system prompt, few-shot examples, history, the user's message. */
  abstract toChatFormat(): ChatFormat;

  /** `instanceof` that also works across copies of this package. */
  static isInstance(value: unknown): value is Prompt<unknown, unknown> {
    return hasMarker(value, PROMPT_MARKER);
  }
}

/** A Prompt object's output schema and name, for the request; `undefined` for text prompts and plain prompts. */
export function promptOutput(prompt: unknown): { output: OutputOption; name: string } | undefined {
  if (!Prompt.isInstance(prompt) || !prompt.outputSchema) return undefined;
  return { output: prompt.outputSchema, name: prompt.name };
}
