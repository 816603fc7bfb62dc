import { type JsonSchema, cloneSchema, visitSubschemas } from "../../structured-output/json-schema";

/**
 * Constraints Anthropic's structured outputs do not take; as Anthropic's own SDKs do, they move into
 * the description, and the schema library checks them when the answer is validated.
 */
const DESCRIBED = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "maxItems"];

export interface AnthropicOutputSchema {
  schema: JsonSchema;
  /** What keeps the schema from `output_config.format` (recursion, open objects); empty when nothing does. */
  problems: string[];
}

const cache = new WeakMap<JsonSchema, AnthropicOutputSchema>();

/**
 * The schema as Anthropic's structured outputs take it: every object closed (`additionalProperties:
 * false`), unions as `anyOf`, `minItems` only 0 or 1, unsupported constraints in the description.
 */
export function toAnthropicOutputSchema(schema: JsonSchema): AnthropicOutputSchema {
  const cached = cache.get(schema);
  if (cached) return cached;
  const copy = cloneSchema(schema);
  const problems: string[] = [];
  if (JSON.stringify(schema).includes('"$ref"')) problems.push("the schema is recursive (uses $ref), which structured outputs do not support");
  visitSubschemas(copy, (node, path) => {
    if ("oneOf" in node) {
      node.anyOf = node.oneOf;
      delete node.oneOf;
    }
    const described = DESCRIBED.filter((keyword) => keyword in node);
    if (typeof node.minItems === "number" && node.minItems > 1) described.push("minItems");
    if (described.length) {
      const words = described.map((keyword) => `${keyword}: ${JSON.stringify(node[keyword])}`).join(", ");
      node.description = node.description ? `${String(node.description)} (${words})` : `(${words})`;
      for (const keyword of described) delete node[keyword];
    }
    const isObject = node.type === "object" || "properties" in node;
    if (!isObject) return;
    if (node.additionalProperties === undefined) node.additionalProperties = false;
    else if (node.additionalProperties !== false) problems.push(`${path}: an open object (additionalProperties) is not supported by structured outputs`);
  });
  const result = { schema: copy, problems };
  cache.set(schema, result);
  return result;
}
