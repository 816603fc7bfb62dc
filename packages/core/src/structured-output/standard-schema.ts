/**
 * The Standard Schema and Standard JSON Schema interfaces (standardschema.dev), as their authors ask
 * libraries to copy them: @ragbits/core never imports zod. A zod ≥ 4.2 schema is both (so are
 * ArkType and Valibot schemas with their JSON Schema adapters): it validates values, and it converts
 * itself to JSON Schema with zod's own `toJSONSchema` machinery.
 */

/** The Standard Schema interface (validation). */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

// The namespace mirrors the specification's published shape, so schemas from every library match it.
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace StandardSchemaV1 {
  interface Props<Input = unknown, Output = Input> {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown, options?: Options | undefined) => Result<Output> | Promise<Result<Output>>;
    readonly types?: Types<Input, Output> | undefined;
  }
  interface Options {
    readonly libraryOptions?: Record<string, unknown> | undefined;
  }
  type Result<Output> = SuccessResult<Output> | FailureResult;
  interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }
  interface FailureResult {
    readonly issues: ReadonlyArray<Issue>;
  }
  interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  interface PathSegment {
    readonly key: PropertyKey;
  }
  interface Types<Input = unknown, Output = Input> {
    readonly input: Input;
    readonly output: Output;
  }
  type InferInput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["input"];
  type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["output"];
}

/** The Standard JSON Schema interface (conversion to JSON Schema). */
export interface StandardJSONSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": StandardJSONSchemaV1.Props<Input, Output>;
}

// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace StandardJSONSchemaV1 {
  interface Props<Input = unknown, Output = Input> {
    readonly version: 1;
    readonly vendor: string;
    readonly types?: StandardSchemaV1.Types<Input, Output> | undefined;
    readonly jsonSchema: Converter;
  }
  interface Converter {
    readonly input: (options: Options) => Record<string, unknown>;
    readonly output: (options: Options) => Record<string, unknown>;
  }
  interface Options {
    readonly target: "draft-2020-12" | "draft-07" | "openapi-3.0" | ({} & string);
    readonly libraryOptions?: Record<string, unknown> | undefined;
  }
}

/**
 * A schema @ragbits/core can use for structured output, tool parameters and prompt inputs: it
 * validates (Standard Schema) and converts itself to JSON Schema (Standard JSON Schema). Every zod
 * ≥ 4.2 schema is one: `z.object({ city: z.string() })`.
 */
export interface Schema<Output = unknown, Input = unknown> {
  readonly "~standard": StandardSchemaV1.Props<Input, Output> & { readonly jsonSchema?: StandardJSONSchemaV1.Converter };
}

/** The type a schema validates to: `InferSchema<typeof Ticket>` is `z.output<typeof Ticket>`. */
export type InferSchema<S> = S extends { readonly "~standard": { readonly types?: infer T } } ? (NonNullable<T> extends { readonly output: infer O } ? O : unknown) : unknown;

/** The type a schema accepts: for a zod schema, `z.input<typeof S>`. */
export type InferSchemaInput<S> = S extends { readonly "~standard": { readonly types?: infer T } } ? (NonNullable<T> extends { readonly input: infer I } ? I : unknown) : unknown;

export type SchemaIssue = StandardSchemaV1.Issue;

export function isSchema(value: unknown): value is Schema {
  const props = (value as { "~standard"?: { validate?: unknown } } | null)?.["~standard"];
  return typeof props === "object" && props !== null && typeof props.validate === "function";
}

/** Validates `value`; asynchronous validation (async refinements) is awaited. */
export async function validateWithSchema<T>(schema: Schema<T>, value: unknown): Promise<StandardSchemaV1.Result<T>> {
  return schema["~standard"].validate(value);
}

/** Validates `value` synchronously; `undefined` when the schema validates asynchronously. */
export function validateWithSchemaSync<T>(schema: Schema<T>, value: unknown): StandardSchemaV1.Result<T> | undefined {
  const result = schema["~standard"].validate(value);
  if (result instanceof Promise) {
    // Nobody awaits it: keep a rejection from becoming unhandled.
    result.catch(() => undefined);
    return undefined;
  }
  return result;
}

/** "city: Too small: expected string to have >=1 characters; tags.0: Invalid input" */
export function describeIssues(issues: readonly SchemaIssue[]): string {
  return issues.map((issue) => (issue.path?.length ? `${issuePath(issue)}: ${issue.message}` : issue.message)).join("; ");
}

/** The issue's path as `a.b.0`. */
export function issuePath(issue: SchemaIssue): string {
  return (issue.path ?? []).map((segment) => String(typeof segment === "object" && segment !== null ? segment.key : segment)).join(".");
}
