import type { JsonObject, JsonSchema } from "../util/json-types";

/**
 * Reads a (simple) JSON Schema of an object into form fields: strings, numbers, integers,
 * booleans, enums and arrays of enum values, with titles, descriptions, defaults, `required` and
 * the usual limits. Understands what Pydantic (Python Ragbits) and zod (this server) generate:
 * `$ref` into `$defs`, `anyOf: [X, {type: "null"}]` for optional fields, `allOf: [X]`, `const`.
 */

export type FieldKind = "string" | "text" | "number" | "integer" | "boolean" | "enum" | "multi-enum";

export interface FieldSpec {
  name: string;
  label: string;
  description?: string;
  kind: FieldKind;
  required: boolean;
  options?: (string | number | boolean)[];
  defaultValue?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
}

export interface FormSpec {
  title?: string;
  description?: string;
  fields: FieldSpec[];
}

export type FormValues = Record<string, unknown>;

export function schemaToForm(schema: JsonSchema): FormSpec {
  const root = resolve(schema, schema);
  const properties = isObject(root.properties) ? root.properties : {};
  const required = new Set(Array.isArray(root.required) ? root.required.filter((r): r is string => typeof r === "string") : []);
  const fields: FieldSpec[] = [];
  for (const [name, raw] of Object.entries(properties)) {
    const field = toField(name, isObject(raw) ? raw : {}, schema, required.has(name));
    if (field) fields.push(field);
  }
  return { title: str(root.title), description: str(root.description), fields };
}

/** Starting values: the schema's defaults (or the stored values), unchecked booleans as false. */
export function initialValues(form: FormSpec, stored: FormValues | null = null): FormValues {
  const values: FormValues = {};
  for (const field of form.fields) {
    const candidate = stored && field.name in stored ? stored[field.name] : field.defaultValue;
    if (candidate !== undefined && candidate !== null) values[field.name] = candidate;
    else if (field.kind === "boolean") values[field.name] = false;
    else if (field.kind === "multi-enum") values[field.name] = [];
  }
  return values;
}

/** Error message per field name; empty when the values are valid. */
export function validate(form: FormSpec, values: FormValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of form.fields) {
    const error = fieldError(field, values[field.name]);
    if (error) errors[field.name] = error;
  }
  return errors;
}

/** The values to send: empty optional fields left out, numbers as numbers. */
export function toPayload(form: FormSpec, values: FormValues): JsonObject {
  const payload: JsonObject = {};
  for (const field of form.fields) {
    const value = values[field.name];
    if (isEmpty(value) && field.kind !== "boolean") continue;
    payload[field.name] = field.kind === "number" || field.kind === "integer" ? Number(value) : value;
  }
  return payload;
}

function toField(name: string, raw: JsonSchema, root: JsonSchema, required: boolean): FieldSpec | null {
  const schema = resolve(raw, root);
  const base = {
    name,
    label: str(schema.title) ?? str(raw.title) ?? humanize(name),
    description: str(raw.description) ?? str(schema.description),
    required,
    defaultValue: raw.default ?? schema.default,
  };
  const choices = enumValues(schema);
  if (choices) return { ...base, kind: "enum", options: choices };
  if (schema.type === "array") {
    const items = resolve(isObject(schema.items) ? schema.items : {}, root);
    const itemChoices = enumValues(items);
    return itemChoices ? { ...base, kind: "multi-enum", options: itemChoices } : null;
  }
  switch (schema.type) {
    case "boolean":
      return { ...base, kind: "boolean" };
    case "integer":
    case "number":
      return { ...base, kind: schema.type, minimum: num(schema.minimum), maximum: num(schema.maximum) };
    case "string": {
      const maxLength = num(schema.maxLength);
      const multiline = schema.format === "textarea" || maxLength === undefined || maxLength > 200;
      return { ...base, kind: multiline ? "text" : "string", minLength: num(schema.minLength), maxLength, format: str(schema.format) };
    }
    default:
      return null;
  }
}

/** Follows `$ref`, single-element `allOf`, and nullable `anyOf`/`oneOf` to the schema that matters. */
function resolve(schema: JsonSchema, root: JsonSchema, depth = 0): JsonSchema {
  if (depth > 10) return schema;
  if (typeof schema.$ref === "string") {
    const target = lookupRef(schema.$ref, root);
    if (target) return resolve({ ...target, ...withoutKey(schema, "$ref") }, root, depth + 1);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1 && isObject(schema.allOf[0])) {
    return resolve({ ...schema.allOf[0], ...withoutKey(schema, "allOf") }, root, depth + 1);
  }
  const union = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : null;
  if (union) {
    const nonNull = union.filter((s) => isObject(s) && s.type !== "null") as JsonSchema[];
    if (nonNull.length === 1) return resolve({ ...nonNull[0], ...withoutKey(withoutKey(schema, "anyOf"), "oneOf") }, root, depth + 1);
    const constants = union.filter((s) => isObject(s) && "const" in s).map((s) => (s as JsonSchema).const);
    if (constants.length === union.length) return { ...schema, enum: constants };
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((t) => t !== "null");
    if (types.length === 1) return { ...schema, type: types[0] };
  }
  return schema;
}

function lookupRef(ref: string, root: JsonSchema): JsonSchema | null {
  if (!ref.startsWith("#/")) return null;
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) {
    node = isObject(node) ? node[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
  }
  return isObject(node) ? node : null;
}

function enumValues(schema: JsonSchema): (string | number | boolean)[] | null {
  const values = Array.isArray(schema.enum) ? schema.enum : "const" in schema ? [schema.const] : null;
  if (!values) return null;
  const scalars = values.filter((v): v is string | number | boolean => ["string", "number", "boolean"].includes(typeof v));
  return scalars.length ? scalars : null;
}

function fieldError(field: FieldSpec, value: unknown): string | null {
  if (isEmpty(value) || (field.kind === "multi-enum" && Array.isArray(value) && value.length === 0)) {
    return field.required && field.kind !== "boolean" ? `${field.label} is required.` : null;
  }
  if (field.kind === "number" || field.kind === "integer") {
    const n = Number(value);
    if (!Number.isFinite(n)) return `${field.label} must be a number.`;
    if (field.kind === "integer" && !Number.isInteger(n)) return `${field.label} must be a whole number.`;
    if (field.minimum !== undefined && n < field.minimum) return `${field.label} must be at least ${field.minimum}.`;
    if (field.maximum !== undefined && n > field.maximum) return `${field.label} must be at most ${field.maximum}.`;
  }
  if ((field.kind === "string" || field.kind === "text") && typeof value === "string") {
    if (field.minLength !== undefined && value.trim().length < field.minLength) {
      return field.minLength <= 1 ? `${field.label} is required.` : `${field.label} needs at least ${field.minLength} characters.`;
    }
    if (field.maxLength !== undefined && value.length > field.maxLength) return `${field.label} allows at most ${field.maxLength} characters.`;
  }
  if (field.kind === "enum" && !field.options?.some((o) => String(o) === String(value))) return `Choose a value for ${field.label}.`;
  return null;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

function humanize(name: string): string {
  const spaced = name.replace(/[_-]+/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2").trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function withoutKey(schema: JsonSchema, key: string): JsonSchema {
  const copy = { ...schema };
  delete copy[key];
  return copy;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
