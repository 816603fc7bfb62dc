import { type InferSchema } from "./standard-schema";

/**
 * What a Prompt object resolves to: `Prompt<Input, Output>` carries its output type in this
 * type-only field (never set at run time), so `generate(new TicketPrompt(…))` is typed.
 */
export interface OutputCarrier<Output> {
  readonly "~output": Output;
}

/** The output type of a prompt: its schema's type for a Prompt object, else text. */
export type PromptOutput<P> = P extends OutputCarrier<infer T> ? T : string;

/** The answer's type for a call: the `output` option's schema, else the prompt's. */
export type OutputOf<P, O> = O extends { readonly output: infer S } ? OptionOutput<S, PromptOutput<P>> : PromptOutput<P>;

type OptionOutput<S, Fallback> = [S] extends [undefined] ? Fallback : S extends { readonly schema: infer Inner } ? InferSchema<Inner> : InferSchema<S>;

/** Whether the call asked for structured output (the `output` option, or a Prompt with a schema). */
export type IsStructured<P, O> = O extends { readonly output: infer S } ? ([S] extends [undefined] ? PromptIsStructured<P> : true) : PromptIsStructured<P>;

type PromptIsStructured<P> = P extends { readonly "~structured": true } ? true : false;

/**
 * A value still being written: every property may be missing, arrays may be short, strings cut.
 * Streams of structured output yield these as the JSON grows.
 */
export type DeepPartial<T> = T extends readonly (infer E)[] ? DeepPartial<E>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
