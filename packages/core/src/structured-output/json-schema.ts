import { type Schema } from "./standard-schema";

/** A JSON Schema document, as plain JSON. */
export type JsonSchema = Record<string, unknown>;

/** Why a schema could not become JSON Schema. The caller wraps it in the error that fits its context. */
export class SchemaConversionProblem extends Error {}

/**
 * The JSON Schema of what a model must write for `schema`: its *input* side (a model's JSON is what
 * gets parsed, so `.default()` fields are optional and transforms are described by what they take),
 * in draft 2020-12, without `$schema`. zod does the conversion itself (`~standard.jsonSchema`, zod ≥ 4.2).
 * `lenient` turns types JSON Schema cannot express (dates, functions) into `{}` instead of failing:
 * used where the schema is only inspected (prompt templates), never where it is sent to a model.
 */
export function toJsonSchema(schema: Schema, options: { lenient?: boolean } = {}): JsonSchema {
  const converter = schema["~standard"].jsonSchema;
  if (!converter || typeof converter.input !== "function") {
    const vendor = schema["~standard"].vendor;
    throw new SchemaConversionProblem(
      vendor === "zod"
        ? "this zod schema cannot describe itself as JSON Schema: zod 4.2 or later is needed (npm install zod@^4.2)"
        : `this ${vendor} schema does not implement Standard JSON Schema (~standard.jsonSchema), so it cannot be sent to a model as JSON Schema`,
    );
  }
  let converted: JsonSchema;
  try {
    converted = converter.input({ target: "draft-2020-12", libraryOptions: options.lenient ? { unrepresentable: "any" } : undefined });
  } catch (error) {
    throw new SchemaConversionProblem(`the schema cannot be expressed as JSON Schema: ${(error as Error).message}`);
  }
  const { $schema: _ignored, ...rest } = converted;
  visitSubschemas(rest, (node) => {
    // zod bounds every `.int()` by the safe-integer range: noise to a model, and grammar weight to a server.
    if (node.minimum === Number.MIN_SAFE_INTEGER) delete node.minimum;
    if (node.maximum === Number.MAX_SAFE_INTEGER) delete node.maximum;
  });
  return rest;
}

/** Whether the schema describes a JSON object (the root every provider requires for tools and outputs). */
export function isObjectSchema(schema: JsonSchema): boolean {
  return schema.type === "object";
}

/**
 * OpenAI, Anthropic and Ollama want an object at the root of an output schema. Any other root (an
 * array, a union, a string) is wrapped as `{ "value": … }` and unwrapped after parsing; `$defs`
 * stay at the root so references keep resolving.
 */
export const WRAPPED_VALUE_KEY = "value";

export function wrapRoot(schema: JsonSchema): JsonSchema {
  const { $defs, definitions, ...inner } = schema;
  const defs: Record<string, unknown> = { ...($defs as Record<string, unknown> | undefined) };
  let value: JsonSchema = inner;
  // A recursive schema refers to its root as "#"; nested under `value` that would point at the
  // wrapper, so the old root moves into `$defs` and "#" becomes a reference to it.
  const text = JSON.stringify(inner);
  if (text.includes('"$ref":"#"')) {
    defs.__root = JSON.parse(text.replaceAll('"$ref":"#"', '"$ref":"#/$defs/__root"')) as JsonSchema;
    value = { $ref: "#/$defs/__root" };
  }
  const wrapped: JsonSchema = { type: "object", properties: { [WRAPPED_VALUE_KEY]: value }, required: [WRAPPED_VALUE_KEY], additionalProperties: false };
  if (Object.keys(defs).length) wrapped.$defs = defs;
  if (definitions) wrapped.definitions = definitions;
  return wrapped;
}

/** Walks every subschema of `schema` (properties, items, unions, definitions), depth first. */
export function visitSubschemas(schema: JsonSchema, visit: (node: JsonSchema, path: string) => void, path = ""): void {
  visit(schema, path || "/");
  const child = (value: unknown, at: string) => {
    if (value && typeof value === "object" && !Array.isArray(value)) visitSubschemas(value as JsonSchema, visit, at);
  };
  const properties = schema.properties as Record<string, unknown> | undefined;
  if (properties) for (const [key, value] of Object.entries(properties)) child(value, `${path}/properties/${key}`);
  child(schema.items, `${path}/items`);
  if (typeof schema.additionalProperties === "object") child(schema.additionalProperties, `${path}/additionalProperties`);
  for (const key of ["anyOf", "oneOf", "allOf", "prefixItems"]) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((item, index) => child(item, `${path}/${key}/${index}`));
  }
  for (const key of ["$defs", "definitions"]) {
    const defs = schema[key] as Record<string, unknown> | undefined;
    if (defs) for (const [name, value] of Object.entries(defs)) child(value, `${path}/${key}/${name}`);
  }
}

/** A deep copy, for transforms that edit a schema in place. */
export function cloneSchema(schema: JsonSchema): JsonSchema {
  return structuredClone(schema);
}

/** Whether any `$ref` in the schema points back into it (recursion), which some providers refuse. */
export function hasReferences(schema: JsonSchema): boolean {
  return JSON.stringify(schema).includes('"$ref"');
}
