import { LLMOutputParsingError, type LLMErrorContext } from "../errors/llm-error";
import { type FinishReason } from "../llm/llm-result";
import { WRAPPED_VALUE_KEY } from "./json-schema";
import { type OutputRequest } from "./output-request";
import { type SchemaIssue, validateWithSchema } from "./standard-schema";

/**
 * The model's answer as the output schema's value: the JSON is found (JSON mode and prompted
 * models sometimes fence it or add a sentence), parsed, unwrapped (`{ "value": … }` around a
 * non-object root) and validated. Anything else is an LLMOutputParsingError with the raw text.
 */
export async function parseOutput(text: string, output: OutputRequest, context: LLMErrorContext, finishReason: FinishReason | null): Promise<unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText(text));
  } catch (error) {
    const cut = finishReason === "length";
    throw new LLMOutputParsingError({
      ...context,
      text,
      issues: [{ message: cut ? "the answer stopped at the token limit (finish reason \"length\") before its JSON was complete: raise maxTokens" : `not valid JSON (${(error as Error).message})` }],
      reason: cut ? "the answer was cut off" : "the answer is not JSON",
    });
  }
  const value = output.wrapped ? unwrap(parsed) : parsed;
  const result = await validateWithSchema(output.schema, value);
  if (result.issues) throw new LLMOutputParsingError({ ...context, text, value, issues: result.issues as SchemaIssue[] });
  return result.value;
}

/** `{ "value": x }` → x; a model that answered with the bare value (JSON mode, no strictness) is taken at its word. */
export function unwrap(parsed: unknown): unknown {
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed) && WRAPPED_VALUE_KEY in parsed) return (parsed as Record<string, unknown>)[WRAPPED_VALUE_KEY];
  return parsed;
}

/** The JSON inside an answer: the whole text, or the contents of a ```json fence, or from the first bracket to the last. */
export function jsonText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) return trimmed;
  const fenced = /```(?:json)?\s*\n?([\s\S]*?)```/i.exec(trimmed);
  if (fenced?.[1]) return fenced[1].trim();
  const start = trimmed.search(/[[{]/);
  if (start < 0) return trimmed;
  const end = Math.max(trimmed.lastIndexOf("}"), trimmed.lastIndexOf("]"));
  return end > start ? trimmed.slice(start, end + 1) : trimmed.slice(start);
}
