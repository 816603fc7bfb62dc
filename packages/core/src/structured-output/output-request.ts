import { LLMInvalidPromptError, type LLMErrorContext } from "../errors/llm-error";
import { type JsonSchema, SchemaConversionProblem, isObjectSchema, toJsonSchema, wrapRoot } from "./json-schema";
import { type Schema, isSchema } from "./standard-schema";

/**
 * How a model is asked for structured output:
 * - `"auto"` (default): the provider's native mechanism where the model has one (OpenAI/Azure
 *   `response_format` json_schema, Anthropic `output_config.format` on models with structured
 *   outputs, Ollama `format`), else a forced tool call (older Claude models);
 * - `"native"`: the native mechanism, always;
 * - `"json"`: JSON mode, for OpenAI-compatible servers without schema support (`response_format:
 *   { type: "json_object" }`, Ollama `format: "json"`), with the schema in a system instruction;
 * - `"tool"`: a forced call of a tool whose parameters are the schema; its arguments are the answer.
 */
export type OutputMode = "auto" | "native" | "json" | "tool";

/** The object form of the `output` option, for the settings beyond the schema. */
export interface StructuredOutput<S extends Schema = Schema> {
  schema: S;
  /** The name the provider sees (`json_schema.name`, the tool's name). Default "output" (a Prompt's name for prompts). */
  name?: string | undefined;
  /** Tells the model what the output is for. */
  description?: string | undefined;
  mode?: OutputMode | undefined;
  /**
   * OpenAI strict schema adherence. Default: strict whenever the schema allows it (every property
   * required, no open objects); `true` fails with a clear error naming what keeps the schema from
   * strict mode; `false` never.
   */
  strict?: boolean | undefined;
}

/** What `output` accepts: a schema, or a schema with settings. */
export type OutputOption = Schema | StructuredOutput;

/** The structured-output part of a request, as provider adapters receive it. */
export interface OutputRequest {
  /** Matches ^[a-zA-Z0-9_-]{1,64}$ (OpenAI's rule for schema and tool names). */
  name: string;
  description?: string;
  /** The JSON Schema the model must follow; its root is an object (see `wrapped`). */
  jsonSchema: JsonSchema;
  /** The schema's own root was not an object, so the answer is `{ "value": … }` around it. */
  wrapped: boolean;
  mode: OutputMode;
  /** As the caller set it; `undefined` = strict where the schema allows. */
  strict?: boolean;
  /** Validates the parsed answer. */
  schema: Schema;
}

/** Each schema object's JSON Schema, converted (and wrapped) once: conversion walks the whole schema. */
const converted = new WeakMap<object, { jsonSchema: JsonSchema; wrapped: boolean }>();

export function schemaOf(option: OutputOption): Schema {
  return isSchema(option) ? option : option.schema;
}

/** Turns the `output` option into the request's `output`, converting the schema to JSON Schema (once per schema). */
export function toOutputRequest(option: OutputOption, defaults: { name?: string | undefined; mode?: OutputMode | undefined }, context: LLMErrorContext): OutputRequest {
  const settings: StructuredOutput = isSchema(option) ? { schema: option } : option;
  if (!isSchema(settings.schema)) throw new LLMInvalidPromptError({ ...context, message: "`output` must be a schema (a zod ≥ 4.2 schema, or any Standard Schema with JSON Schema support)" });
  let cached = converted.get(settings.schema);
  if (!cached) {
    let jsonSchema: JsonSchema;
    try {
      jsonSchema = toJsonSchema(settings.schema);
    } catch (error) {
      if (error instanceof SchemaConversionProblem) throw new LLMInvalidPromptError({ ...context, message: `the output schema cannot be sent to the model: ${error.message}` });
      throw error;
    }
    const wrapped = !isObjectSchema(jsonSchema);
    cached = { jsonSchema: wrapped ? wrapRoot(jsonSchema) : jsonSchema, wrapped };
    converted.set(settings.schema, cached);
  }
  const request: OutputRequest = {
    name: toSchemaName(settings.name ?? defaults.name ?? "output"),
    jsonSchema: cached.jsonSchema,
    wrapped: cached.wrapped,
    mode: settings.mode ?? defaults.mode ?? "auto",
    schema: settings.schema,
  };
  if (settings.description !== undefined) request.description = settings.description;
  if (settings.strict !== undefined) request.strict = settings.strict;
  return request;
}

/** OpenAI accepts names of letters, digits, `_` and `-`, up to 64 characters. */
export function toSchemaName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]+/g, "_").slice(0, 64);
  return cleaned || "output";
}
