import { type JsonSchema, cloneSchema, visitSubschemas } from "../../structured-output/json-schema";

/** Keywords OpenAI's strict mode rejects outright (documented under "Supported schemas"). */
const REJECTED = ["allOf", "not", "if", "then", "else", "dependentRequired", "dependentSchemas", "patternProperties", "unevaluatedProperties", "propertyNames", "minProperties", "maxProperties"];

/**
 * Constraints strict mode does not enforce: they move into the description (the model still reads
 * them) and the schema library checks them when the answer is validated.
 */
const DESCRIBED = ["minLength", "maxLength", "default"];

export interface StrictSchema {
  schema: JsonSchema;
  /** Why the schema cannot be strict, each naming where; empty when it can. */
  problems: string[];
}

const cache = new WeakMap<JsonSchema, StrictSchema>();

/**
 * The schema in the form OpenAI's strict mode requires: every object closed (`additionalProperties:
 * false`) with every property required, unions as `anyOf`, unsupported constraints described in
 * words. What cannot be made strict without changing the schema's meaning — an optional property,
 * an open object, a rejected keyword — is listed in `problems`.
 */
export function toOpenAIStrictSchema(schema: JsonSchema): StrictSchema {
  const cached = cache.get(schema);
  if (cached) return cached;
  const copy = cloneSchema(schema);
  const problems: string[] = [];
  visitSubschemas(copy, (node, path) => {
    for (const keyword of REJECTED) if (keyword in node) problems.push(`${path}: "${keyword}" is not supported in strict mode`);
    if ("oneOf" in node) {
      node.anyOf = node.oneOf;
      delete node.oneOf;
    }
    const described = DESCRIBED.filter((keyword) => keyword in node);
    if (described.length) {
      const words = described.map((keyword) => `${keyword}: ${JSON.stringify(node[keyword])}`).join(", ");
      node.description = node.description ? `${String(node.description)} (${words})` : `(${words})`;
      for (const keyword of described) delete node[keyword];
    }
    const isObject = node.type === "object" || (Array.isArray(node.type) && node.type.includes("object")) || "properties" in node;
    if (!isObject) return;
    if (node.additionalProperties === undefined) node.additionalProperties = false;
    else if (node.additionalProperties !== false) problems.push(`${path}: an open object (additionalProperties) cannot be strict; strict mode needs every object closed`);
    const properties = Object.keys((node.properties as Record<string, unknown>) ?? {});
    const required = new Set((node.required as string[]) ?? []);
    for (const key of properties) {
      if (!required.has(key)) problems.push(`${path === "/" ? "" : path}/properties/${key}: "${key}" is optional; strict mode needs every property required (use .nullable() instead of .optional())`);
    }
    if (!node.properties) node.properties = {};
    if (!node.required) node.required = [];
  });
  const result = { schema: copy, problems };
  cache.set(schema, result);
  return result;
}
