/**
 * The model declined to answer. Streams yield it only when `includeRefusal` is set; otherwise the
 * refusal text is yielded as plain text, so code that shows text shows the refusal as the answer.
 * `text` may be "" (Anthropic explains a refusal only sometimes).
 */
export interface Refusal {
  type: "refusal";
  text: string;
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === "object" && value !== null && (value as Refusal).type === "refusal";
}
