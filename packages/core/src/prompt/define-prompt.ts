import { PromptDefinitionError, PromptInputError } from "../errors/definition-errors";
import { type JsonSchema, SchemaConversionProblem, toJsonSchema } from "../structured-output/json-schema";
import { type InferSchema, type InferSchemaInput, type Schema, describeIssues, isSchema, validateWithSchemaSync } from "../structured-output/standard-schema";
import { type Attachment, attachmentToContentPart } from "./attachment";
import { type ChatFormat, type ContentPart, type Message, contentText } from "./chat-format";
import { Prompt } from "./prompt";
import { type CompiledTemplate, compileTemplate } from "./prompt-template";

/** A prompt text: a `{{ name }}` template, or a function of the validated input. */
export type PromptTemplate<In> = string | ((input: In) => string);

/** The user message: a template or function, or a function that returns content parts (text and images). */
export type UserTemplate<In> = string | ((input: In) => string | ContentPart[]);

/** A few-shot example: an input, and the answer the model should have given. */
export interface PromptExample<In, Out> {
  input: In;
  output: Out;
}

type InputOf<IS> = IS extends Schema ? InferSchemaInput<IS> : Record<never, never>;
type ParsedOf<IS> = IS extends Schema ? InferSchema<IS> : Record<never, never>;
type OutputTypeOf<OS> = OS extends Schema ? InferSchema<OS> : string;

export interface PromptDefinition<IS extends Schema | undefined, OS extends Schema | undefined> {
  /** Names the prompt (and its output schema for the provider). Default "prompt". */
  name?: string | undefined;
  /** The input's schema (an object schema); templates may name its properties. */
  input?: IS;
  /** The answer's schema; without one the answer is text. */
  output?: OS;
  system?: PromptTemplate<ParsedOf<IS>> | undefined;
  user: UserTemplate<ParsedOf<IS>>;
  /** Input → answer pairs shown to the model before the conversation. Checked against both schemas when the prompt is defined. */
  examples?: readonly PromptExample<InputOf<IS>, OutputTypeOf<OS>>[] | undefined;
  /** Files sent with the user message, chosen from the input (images, PDFs). */
  attachments?: ((input: ParsedOf<IS>) => readonly Attachment[]) | undefined;
}

/** Per-prompt extras: the conversation so far and files for this message. */
export interface PromptOptions {
  /** Earlier turns, placed after the few-shot examples and before the user's message. */
  history?: readonly Message[] | undefined;
  /** Files for this message, after those the definition picks. */
  attachments?: readonly Attachment[] | undefined;
}

/** An instance of a defined prompt: `Prompt<Input, Output>`, remembering whether its answer is structured. */
export type DefinedPrompt<Parsed, Out, Structured extends boolean> = Prompt<Parsed, Out> & { readonly "~structured": Structured; readonly options: PromptOptions };

/** What `definePrompt` returns: a class. `new TicketPrompt({ text })` validates the input. */
export interface PromptClass<In, Parsed, Out, Structured extends boolean> {
  new (...args: Record<never, never> extends In ? [input?: In, options?: PromptOptions] : [input: In, options?: PromptOptions]): DefinedPrompt<Parsed, Out, Structured>;
  /** The prompt's name. */
  readonly promptName: string;
  /** The conversation for `input` without creating an instance. */
  render(input: In, options?: PromptOptions): ChatFormat;
}

/**
 * Defines a typed prompt. Templates are checked against the input schema now: a template that names
 * a variable the schema lacks throws PromptDefinitionError here, not at call time.
 *
 * ```ts
 * const TicketPrompt = definePrompt({
 *   name: "ticket",
 *   input: z.object({ text: z.string() }),
 *   output: z.object({ category: z.enum(["billing", "bug", "other"]), urgent: z.boolean() }),
 *   system: "You triage support tickets.",
 *   user: "Ticket: {{ text }}",
 * });
 * const ticket = await llm.generate(new TicketPrompt({ text })); // { category: …; urgent: boolean }
 * ```
 */
export function definePrompt<IS extends Schema | undefined = undefined, OS extends Schema | undefined = undefined>(
  definition: PromptDefinition<IS, OS>,
): PromptClass<InputOf<IS>, ParsedOf<IS>, OutputTypeOf<OS>, OS extends Schema ? true : false> {
  const name = definition.name ?? "prompt";
  const where = (part: string) => `prompt "${name}", ${part}`;
  const inputSchema = definition.input as Schema | undefined;
  const outputSchema = definition.output as Schema | undefined;
  if (inputSchema !== undefined && !isSchema(inputSchema)) throw new PromptDefinitionError(`${where("input")}: not a schema (use a zod ≥ 4.2 object schema)`);
  if (outputSchema !== undefined && !isSchema(outputSchema)) throw new PromptDefinitionError(`${where("output")}: not a schema (use a zod ≥ 4.2 schema)`);

  const templates = typeof definition.system === "string" || typeof definition.user === "string";
  const inputJson = templates && inputSchema ? jsonSchemaFor(inputSchema, where("input"), true) : undefined;
  const system = typeof definition.system === "string" ? compileTemplate(definition.system, inputJson, where("system template")) : definition.system;
  const user = typeof definition.user === "string" ? compileTemplate(definition.user, inputJson, where("user template")) : definition.user;
  // The model answers a non-object schema as { "value": … }: examples must show that shape.
  const wrapOutput = outputSchema ? jsonSchemaFor(outputSchema, where("output"), false).type !== "object" : false;

  const parseInput = (input: unknown, label: string): unknown => {
    if (!inputSchema) return input ?? {};
    const result = validateWithSchemaSync(inputSchema, input ?? {});
    if (result === undefined) throw new PromptDefinitionError(`${where("input")}: the schema validates asynchronously, which prompts do not support`);
    if (result.issues) throw new PromptInputError(label, result.issues);
    return result.value;
  };

  const renderText = (template: CompiledTemplate | ((input: never) => string | ContentPart[]), input: unknown): string | ContentPart[] =>
    typeof template === "function" ? (template as (input: unknown) => string | ContentPart[])(input) : template.render(input);

  const userMessage = (input: unknown, attachments: readonly Attachment[]): Message => {
    const content = renderText(user as CompiledTemplate, input);
    if (attachments.length === 0) return { role: "user", content };
    const parts: ContentPart[] = typeof content === "string" ? (content ? [{ type: "text", text: content }] : []) : [...content];
    return { role: "user", content: [...parts, ...attachments.map(attachmentToContentPart)] };
  };

  // Examples are rendered once, and checked against both schemas now.
  const exampleMessages: Message[] = (definition.examples ?? []).flatMap((example, index) => {
    let parsed: unknown;
    try {
      parsed = parseInput(example.input, name);
    } catch (error) {
      if (PromptInputError.isInstance(error)) throw new PromptDefinitionError(`${where(`example ${index + 1}`)}: its input does not match the input schema: ${describeIssues(error.issues)}`);
      throw error;
    }
    if (outputSchema) {
      const checked = validateWithSchemaSync(outputSchema, example.output);
      if (checked?.issues) throw new PromptDefinitionError(`${where(`example ${index + 1}`)}: its output does not match the output schema: ${describeIssues(checked.issues)}`);
    }
    const answer = outputSchema ? JSON.stringify(wrapOutput ? { value: example.output } : example.output) : String(example.output);
    return [userMessage(parsed, []), { role: "assistant", content: answer }];
  });

  const render = (parsed: unknown, options: PromptOptions): ChatFormat => {
    const messages: ChatFormat = [];
    if (system !== undefined) {
      const text = contentText(renderText(system as CompiledTemplate, parsed) as string | ContentPart[]);
      if (text) messages.push({ role: "system", content: text });
    }
    messages.push(...exampleMessages, ...(options.history ?? []));
    messages.push(userMessage(parsed, [...(definition.attachments?.(parsed as never) ?? []), ...(options.attachments ?? [])]));
    return messages;
  };

  class Defined extends Prompt<unknown, unknown> {
    static readonly promptName = name;
    readonly options: PromptOptions;
    private rendered: ChatFormat | undefined;

    constructor(input?: unknown, options: PromptOptions = {}) {
      super(parseInput(input, name), { name, output: outputSchema });
      this.options = options;
    }

    static render(input: unknown, options: PromptOptions = {}): ChatFormat {
      return render(parseInput(input, name), options);
    }

    toChatFormat(): ChatFormat {
      this.rendered ??= render(this.input, this.options);
      return [...this.rendered];
    }
  }
  Object.defineProperty(Defined, "name", { value: toClassName(name) });
  return Defined as unknown as PromptClass<InputOf<IS>, ParsedOf<IS>, OutputTypeOf<OS>, OS extends Schema ? true : false>;
}

function jsonSchemaFor(schema: Schema, where: string, lenient: boolean): JsonSchema {
  try {
    return toJsonSchema(schema, { lenient });
  } catch (error) {
    if (error instanceof SchemaConversionProblem) throw new PromptDefinitionError(`${where}: ${error.message}`);
    throw error;
  }
}

/** "support-ticket" → "SupportTicketPrompt", for stack traces and logs. */
function toClassName(name: string): string {
  const pascal = name.replace(/(^|[^a-zA-Z0-9]+)([a-zA-Z0-9])/g, (_, _sep, char: string) => char.toUpperCase());
  return /prompt$/i.test(pascal) ? pascal : `${pascal}Prompt`;
}
