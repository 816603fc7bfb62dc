import Mustache from "mustache";
import { PromptDefinitionError } from "../errors/definition-errors";
import { type JsonSchema } from "../structured-output/json-schema";

/**
 * `{{ name }}` templates, rendered by mustache.js (logic-less: `{{ a.b }}`, sections
 * `{{#items}}…{{/items}}` for lists and conditions, `{{^x}}…{{/x}}` for "not"). Nothing is
 * HTML-escaped: a prompt is not HTML. Values that are not strings are written as JSON.
 */
export interface CompiledTemplate {
  readonly source: string;
  render(view: unknown): string;
}

type Token = [type: string, value: string, start: number, end: number, children?: Token[]];

/** One writer (and template cache) for the package, apart from mustache's global one. */
const writer = new Mustache.Writer();

const renderValue = (value: unknown): string => (typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value));

/**
 * Parses a template and checks, now, that every variable it names exists in the input schema — so
 * a typo fails when the prompt is defined, not as an empty string in production.
 */
export function compileTemplate(source: string, input: JsonSchema | undefined, where: string): CompiledTemplate {
  let tokens: Token[];
  try {
    tokens = writer.parse(source) as unknown as Token[];
  } catch (error) {
    throw new PromptDefinitionError(`${where}: the template cannot be parsed: ${(error as Error).message}`);
  }
  const missing = new Set<string>();
  checkNames(tokens, input ? [input] : [], input, missing, where);
  if (missing.size) {
    const known = input ? Object.keys(propertiesOf(input, input) ?? {}) : [];
    const names = [...missing].map((name) => `{{ ${name} }}`).join(", ");
    const has = input ? (known.length ? ` (it has: ${known.join(", ")})` : "") : " (the prompt has no input schema)";
    throw new PromptDefinitionError(`${where}: the template names ${names}, which the input schema does not have${has}`);
  }
  return { source, render: (view) => writer.render(source, view ?? {}, {}, { escape: renderValue }) };
}

/** Collects the variables a template names that no scope has; sections open the scope of their items. */
function checkNames(tokens: Token[], scopes: (JsonSchema | undefined)[], root: JsonSchema | undefined, missing: Set<string>, where: string): void {
  for (const token of tokens) {
    const [type, name] = token;
    if (type === ">") throw new PromptDefinitionError(`${where}: partials ({{> ${name} }}) are not supported: use a function template to compose prompts`);
    if (type !== "name" && type !== "&" && type !== "#" && type !== "^") continue;
    const found = resolve(name, scopes, root);
    if (found === MISSING) missing.add(name);
    if (type === "#" || type === "^") {
      // Inside `{{#items}}` names resolve against each item first (mustache's context stack).
      const inner = type === "#" && found !== MISSING && root ? itemScope(found, root) : undefined;
      checkNames(token[4] ?? [], [...scopes, inner], root, missing, where);
    }
  }
}

const MISSING = Symbol("missing");
/** A schema that admits any property (no `properties`, or open ones): nothing below it can be checked. */
const OPEN: JsonSchema = {};

type Resolved = JsonSchema | typeof MISSING;

function resolve(name: string, scopes: (JsonSchema | undefined)[], root: JsonSchema | undefined): Resolved {
  if (name === ".") return OPEN;
  if (!root) return MISSING;
  const [head, ...rest] = name.split(".");
  for (let index = scopes.length - 1; index >= 0; index--) {
    const scope = scopes[index];
    if (!scope) continue;
    let current: Resolved = property(scope, head!, root);
    if (current === MISSING) continue;
    for (const segment of rest) {
      if (current === OPEN || current === MISSING) break;
      current = property(current, segment, root);
    }
    return current;
  }
  return MISSING;
}

/** The schema of `key` in an object schema; OPEN when the schema cannot say; MISSING when it says no. */
function property(schema: JsonSchema, key: string, root: JsonSchema): Resolved {
  const properties = propertiesOf(schema, root);
  if (properties === undefined) return OPEN;
  if (key in properties) return (properties[key] as JsonSchema) ?? OPEN;
  const extra = deref(schema, root).additionalProperties;
  if (extra && typeof extra === "object") return extra as JsonSchema;
  return MISSING;
}

/** An object schema's properties (merged across unions), or `undefined` when it is not a closed object. */
function propertiesOf(schema: JsonSchema, root: JsonSchema): Record<string, unknown> | undefined {
  const node = deref(schema, root);
  const variants = [...((node.anyOf as JsonSchema[]) ?? []), ...((node.oneOf as JsonSchema[]) ?? []), ...((node.allOf as JsonSchema[]) ?? [])];
  if (variants.length) {
    const merged: Record<string, unknown> = {};
    for (const variant of variants) {
      const inner = propertiesOf(variant, root);
      if (inner === undefined && deref(variant, root).type !== "null") return undefined;
      Object.assign(merged, inner);
    }
    return merged;
  }
  if (node.properties && typeof node.properties === "object") return node.properties as Record<string, unknown>;
  return undefined;
}

/** What `{{#name}}` iterates over or enters: an array's items, an object itself. */
function itemScope(schema: JsonSchema, root: JsonSchema): JsonSchema | undefined {
  const node = deref(schema, root);
  if (node === OPEN) return OPEN;
  if (node.type === "array") return node.items && typeof node.items === "object" ? (node.items as JsonSchema) : OPEN;
  if (propertiesOf(node, root) !== undefined) return node;
  return undefined;
}

function deref(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  if (ref === "#") return root;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  const target = match ? (root[match[1]!] as Record<string, JsonSchema> | undefined)?.[match[2]!] : undefined;
  return target ?? OPEN;
}
