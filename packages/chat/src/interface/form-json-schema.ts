import { z } from "zod";
import { zodToJsonSchema } from "zod-to-json-schema";

/**
 * A JSON Schema object, as written by hand or by a generator. Object literals fit the first member;
 * typed schemas such as `JSONSchema7` (interfaces, which have no index signature) fit the second.
 */
export type JsonSchemaObject = Record<string, unknown> | JsonSchemaKeywords;

interface JsonSchemaKeywords {
  $schema?: unknown;
  $ref?: unknown;
  type?: unknown;
  properties?: unknown;
  required?: unknown;
  title?: unknown;
  description?: unknown;
  allOf?: unknown;
  anyOf?: unknown;
  oneOf?: unknown;
}

/**
 * A schema from a library that implements Standard Schema (standardschema.dev): zod 3.24+ and 4,
 * Valibot, ArkType… Only its `~standard.vendor` is needed to recognise it.
 */
export interface StandardSchemaLike {
  readonly "~standard": { readonly version: number; readonly vendor: string };
}

/** A zod 3 schema from before Standard Schema (zod < 3.24): recognised by its `_def.typeName`. */
export interface LegacyZodSchemaLike {
  readonly _def: { readonly typeName: string };
}

/**
 * A form: a zod 4 or zod 3 schema (also zod 3.25's `zod/v3` and `zod/v4`), or a JSON Schema object.
 * Zod schemas are converted to JSON Schema for the UI; anything else fails at start-up.
 */
export type FormSchema = JsonSchemaObject | StandardSchemaLike | LegacyZodSchemaLike;

const MARKER = Symbol.for("@ragbits/chat.FormSchemaError");

/** A form schema this server cannot send to the UI; the message says which form and what to do. */
export class FormSchemaError extends Error {
  readonly [MARKER] = true;
  /** Which form: "userSettings.form", "feedbackConfig.like.form"… */
  readonly form: string;

  constructor(form: string, message: string, options?: { cause?: unknown }) {
    super(`${form}: ${message}`, options);
    this.name = new.target.name;
    this.form = form;
  }

  /** `instanceof` that also works across copies of this package. */
  static isInstance(value: unknown): value is FormSchemaError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

// Conversions are pure: a schema object is converted once, however often /api/config is asked.
const converted = new WeakMap<object, Record<string, unknown>>();

/**
 * The JSON Schema the UI renders for a form (`null` for none). Zod 4 schemas (any copy, also zod
 * 3.25's `zod/v4`) and zod 3 schemas are converted — as the schema of the input the user fills in,
 * like Pydantic's schemas in Python Ragbits; JSON Schema objects are checked and passed through.
 * Throws FormSchemaError for anything else, naming `form` ("userSettings.form").
 */
export function formJsonSchema(schema: unknown, form = "form"): Record<string, unknown> | null {
  if (schema === null || schema === undefined) return null;
  if (typeof schema !== "object") throw new FormSchemaError(form, `expected a zod schema or a JSON Schema object, got ${describe(schema)}`);
  const cached = converted.get(schema);
  if (cached) return cached;
  const result = convert(schema, form);
  converted.set(schema, result);
  return result;
}

function convert(schema: object, form: string): Record<string, unknown> {
  if (isZod4(schema)) return fromZod4(schema, form);
  if (isZod3(schema)) return fromZod3(schema, form);
  const vendor = standardVendor(schema);
  if (vendor !== undefined) {
    // Standard JSON Schema (standardschema.dev/json-schema): any library that can describe itself.
    const own = ownJsonSchema(schema, form);
    if (own) return own;
    throw new FormSchemaError(
      form,
      `a ${vendor} schema, which this server cannot turn into JSON Schema. Pass its JSON Schema instead (for Valibot: toJsonSchema() from @valibot/to-json-schema; for ArkType: schema.toJsonSchema()), or write the form with zod (npm install zod)`,
    );
  }
  return checkedJsonSchema(schema, form);
}

function isZod4(schema: object): schema is z.ZodType {
  return "_zod" in schema && typeof (schema as { _zod: unknown })._zod === "object";
}

function isZod3(schema: object): boolean {
  const def = (schema as { _def?: { typeName?: unknown } })._def;
  return typeof def === "object" && def !== null && typeof def.typeName === "string" && typeof (schema as { safeParse?: unknown }).safeParse === "function";
}

function standardVendor(schema: object): string | undefined {
  const standard = (schema as { "~standard"?: { vendor?: unknown } })["~standard"];
  return typeof standard === "object" && standard !== null && typeof standard.vendor === "string" ? standard.vendor : undefined;
}

/** The schema's own converter (Standard JSON Schema: zod ≥ 4.2, and other libraries), when it has one. */
function ownJsonSchema(schema: object, form: string): Record<string, unknown> | undefined {
  const converter = (schema as { "~standard"?: { jsonSchema?: { input?: unknown } } })["~standard"]?.jsonSchema;
  if (typeof converter?.input !== "function") return undefined;
  try {
    return (converter.input as (options: { target: string }) => Record<string, unknown>).call(converter, { target: "draft-2020-12" });
  } catch (error) {
    throw new FormSchemaError(form, `cannot be described as JSON Schema: ${errorText(error)} (a form can only hold fields a browser can fill in)`, { cause: error });
  }
}

function fromZod4(schema: z.ZodType, form: string): Record<string, unknown> {
  // The schema's own copy of zod first: it knows its own metadata. A copy without Standard JSON
  // Schema (zod 3.25's `zod/v4`, zod < 4.2) goes through this package's zod 4, reading titles and
  // descriptions through the schema itself, since they live in that copy's registry, not ours.
  const own = ownJsonSchema(schema, form);
  if (own) return own;
  try {
    return z.toJSONSchema(schema, { io: "input", metadata: OWN_METADATA }) as Record<string, unknown>;
  } catch (error) {
    throw new FormSchemaError(form, `cannot be described as JSON Schema: ${errorText(error)} (a form can only hold fields a browser can fill in)`, { cause: error });
  }
}

/** A metadata registry that asks each schema for its own `.meta()`, whichever copy of zod made it. */
const OWN_METADATA = {
  get(schema: unknown): Record<string, unknown> | undefined {
    const meta = (schema as { meta?: unknown }).meta;
    if (typeof meta !== "function") return z.globalRegistry.get(schema as z.ZodType) as Record<string, unknown> | undefined;
    return (meta as () => Record<string, unknown> | undefined).call(schema);
  },
} as unknown as z.core.$ZodRegistry<z.core.GlobalMeta>;

function fromZod3(schema: object, form: string): Record<string, unknown> {
  try {
    // Inlined sub-schemas: the UI resolves `$ref`s into `$defs`, not zod-to-json-schema's path refs.
    const json = zodToJsonSchema(schema as Parameters<typeof zodToJsonSchema>[0], { $refStrategy: "none" }) as Record<string, unknown>;
    return json;
  } catch (error) {
    throw new FormSchemaError(form, `cannot convert this zod 3 schema to JSON Schema: ${errorText(error)}`, { cause: error });
  }
}

const JSON_SCHEMA_KEYWORDS = ["type", "properties", "$ref", "allOf", "anyOf", "oneOf", "$schema", "$defs", "definitions", "enum", "const"];

/** A hand-written JSON Schema: plain JSON all the way down (no class instances, functions or undefined). */
function checkedJsonSchema(schema: object, form: string): Record<string, unknown> {
  if (!isPlainObject(schema)) {
    throw new FormSchemaError(
      form,
      `${describe(schema)} is neither a zod schema nor a JSON Schema object. Use zod 4 or zod 3 (npm install zod) or a plain JSON Schema object such as { type: "object", properties: { … } }`,
    );
  }
  if (!JSON_SCHEMA_KEYWORDS.some((keyword) => keyword in schema)) {
    throw new FormSchemaError(form, `this object is not a JSON Schema (it has none of ${JSON_SCHEMA_KEYWORDS.slice(0, 4).join(", ")}…); a form is usually { type: "object", properties: { … } }`);
  }
  const problem = nonJsonValue(schema, "");
  if (problem) throw new FormSchemaError(form, `not plain JSON at ${problem.path || "the top"}: ${problem.what} (a zod schema inside a JSON Schema is not converted; convert the whole form instead)`);
  return schema as Record<string, unknown>;
}

function nonJsonValue(value: unknown, path: string): { path: string; what: string } | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : { path, what: String(value) };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = nonJsonValue(item, `${path}[${index}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === "object" && isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const problem = nonJsonValue(item, path ? `${path}.${key}` : key);
      if (problem) return problem;
    }
    return undefined;
  }
  return { path, what: describe(value) };
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "function") return `a function${value.name ? ` (${value.name})` : ""}`;
  if (typeof value === "object") {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
    return name && name !== "Object" ? `an instance of ${name}` : "an object";
  }
  return `${typeof value} ${JSON.stringify(value)}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
