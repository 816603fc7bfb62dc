import { ToolArgumentsError, ToolDefinitionError } from "../errors/definition-errors";
import { type Tool, type ToolCall } from "../llm/tool-call";
import { type ChatFormat } from "../prompt/chat-format";
import { type JsonSchema, SchemaConversionProblem, toJsonSchema } from "../structured-output/json-schema";
import { type InferSchema, type Schema, type SchemaIssue, isSchema, validateWithSchema } from "../structured-output/standard-schema";

/** Anything that describes itself as an OpenAI function tool: what `tool()` returns. */
export interface ToolSource {
  toTool(): Tool;
}

/** What a tool's `execute` receives besides its arguments. */
export interface ToolContext {
  /** The id of the call being answered. */
  toolCallId: string;
  /** Aborts when the run is aborted (the caller's signal, or the chat turn's): pass it to fetch and queries. */
  signal: AbortSignal;
  /** The conversation up to the model's tool call. */
  messages: ChatFormat;
}

export interface ToolDefinition<Args = unknown, Result = unknown> extends ToolSource {
  readonly name: string;
  readonly description: string | undefined;
  readonly parameters: Schema<Args>;
  /** Ask the provider to enforce the schema exactly (OpenAI/Anthropic strict tools). */
  readonly strict: boolean | undefined;
  /** Runs the tool; tools without it are returned to the caller by `runTools` (for a human to answer, say). */
  readonly execute: ((args: Args, context: ToolContext) => Result | Promise<Result>) | undefined;
  /** The parameters as JSON Schema, as the model sees them. */
  readonly jsonSchema: JsonSchema;
  /**
   * The call's arguments, validated into the typed object. Throws ToolArgumentsError (with the raw
   * arguments and the issues) when they are not JSON or do not match the schema.
   */
  parseArguments(call: ToolCall): Promise<Args>;
  /** Whether `call` is a call of this tool (by name). */
  isCall(call: ToolCall): boolean;
}

export interface ToolOptions<S extends Schema, R> {
  /** Letters, digits, `_` and `-`, up to 64 characters (every provider accepts that). */
  name: string;
  /** What the tool does and when to use it: the model reads it. */
  description?: string | undefined;
  /** An object schema (zod ≥ 4.2 `z.object({ … })`): sent as JSON Schema, used to validate the arguments. */
  parameters: S;
  strict?: boolean | undefined;
  execute?: ((args: InferSchema<S>, context: ToolContext) => R | Promise<R>) | undefined;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * A typed tool: its parameters are a schema, so the model gets JSON Schema and your code gets a
 * validated, typed object.
 *
 * ```ts
 * const weather = tool({
 *   name: "get_weather",
 *   description: "Current weather for a city",
 *   parameters: z.object({ city: z.string() }),
 *   execute: async ({ city }, { signal }) => fetchWeather(city, signal),
 * });
 * ```
 */
export function tool<S extends Schema, R = unknown>(options: ToolOptions<S, R>): ToolDefinition<InferSchema<S>, Awaited<R>> {
  const { name, description, parameters, strict } = options;
  if (!TOOL_NAME.test(name)) throw new ToolDefinitionError(`tool name "${name}" is not allowed: use letters, digits, "_" and "-" (at most 64)`);
  if (!isSchema(parameters)) throw new ToolDefinitionError(`tool "${name}": parameters must be a schema (a zod ≥ 4.2 object schema)`);
  let jsonSchema: JsonSchema;
  try {
    jsonSchema = toJsonSchema(parameters);
  } catch (error) {
    if (error instanceof SchemaConversionProblem) throw new ToolDefinitionError(`tool "${name}": ${error.message}`);
    throw error;
  }
  if (jsonSchema.type !== "object") throw new ToolDefinitionError(`tool "${name}": parameters must be an object schema (z.object({ … })), not ${JSON.stringify(jsonSchema.type ?? "a union")}`);
  const spec: Tool = { type: "function", function: { name, parameters: jsonSchema } };
  if (description !== undefined) spec.function.description = description;
  if (strict !== undefined) spec.function.strict = strict;
  return {
    name,
    description,
    parameters: parameters as Schema<InferSchema<S>>,
    strict,
    execute: options.execute as ToolDefinition<InferSchema<S>, Awaited<R>>["execute"],
    jsonSchema,
    toTool: () => spec,
    isCall: (call) => call.name === name,
    async parseArguments(call) {
      const base = { toolName: name, toolCallId: call.id, rawArguments: call.rawArguments };
      if (call.argumentsError) throw new ToolArgumentsError({ ...base, issues: [{ message: call.argumentsError }] });
      const result = await validateWithSchema(parameters, call.arguments);
      if (result.issues) throw new ToolArgumentsError({ ...base, issues: result.issues as SchemaIssue[] });
      return result.value as InferSchema<S>;
    },
  };
}

export function isToolSource(value: unknown): value is ToolSource {
  return typeof (value as ToolSource | null)?.toTool === "function";
}

/** The OpenAI function-tool object providers translate. */
export function toToolSpec(value: Tool | ToolSource): Tool {
  return isToolSource(value) ? value.toTool() : value;
}
