import { type z } from "zod";
import { HttpError } from "./http/http-error";

/** One entry of a 422 `detail` array, shaped like FastAPI/pydantic's. */
export interface ValidationIssue {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
}

/** Parses a request body with a zod schema; failure is the 422 `{ detail, body }` answer Ragbits clients expect. */
export function validateBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  throw new HttpError(422, undefined, { body: { detail: result.error.issues.map(toValidationIssue), body: body ?? null } });
}

function toValidationIssue(issue: z.core.$ZodIssue): ValidationIssue {
  const loc = ["body", ...issue.path.map((part) => (typeof part === "symbol" ? String(part) : part))];
  const input = truncate((issue as { input?: unknown }).input);
  const { type, msg } = describe(issue);
  return { type, loc, msg, input: input === undefined ? null : input };
}

function describe(issue: z.core.$ZodIssue): { type: string; msg: string } {
  switch (issue.code) {
    case "invalid_type": {
      if ((issue as { input?: unknown }).input === undefined) return { type: "missing", msg: "Field required" };
      const names: Record<string, [string, string]> = {
        string: ["string_type", "Input should be a valid string"],
        object: ["dict_type", "Input should be a valid dictionary"],
        record: ["dict_type", "Input should be a valid dictionary"],
        array: ["list_type", "Input should be a valid list"],
        boolean: ["bool_type", "Input should be a valid boolean"],
        number: ["float_type", "Input should be a valid number"],
        int: ["int_type", "Input should be a valid integer"],
      };
      const [type, msg] = names[issue.expected] ?? [`${issue.expected}_type`, issue.message];
      return { type, msg };
    }
    case "invalid_value":
      return { type: "literal_error", msg: `Input should be ${issue.values.map((value) => `'${String(value)}'`).join(" or ")}` };
    case "too_big":
      return { type: issue.origin === "string" ? "string_too_long" : "too_long", msg: issue.message };
    case "too_small":
      return { type: issue.origin === "string" ? "string_too_short" : "too_short", msg: issue.message };
    case "custom":
      return { type: "value_error", msg: issue.message };
    default:
      return { type: issue.code, msg: issue.message };
  }
}

/** Echoed inputs stay small: a 1 MB string is not sent back whole inside every issue. */
function truncate(input: unknown): unknown {
  if (typeof input === "string") return input.length > 200 ? `${input.slice(0, 200)}…` : input;
  if (input && typeof input === "object") {
    const text = JSON.stringify(input);
    return text.length > 1000 ? `${text.slice(0, 1000)}…` : input;
  }
  return input;
}
