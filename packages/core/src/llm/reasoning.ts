/** A piece of the model's reasoning ("thinking"), yielded by streams only when `includeReasoning` is set. */
export interface Reasoning {
  type: "reasoning";
  text: string;
}

export function isReasoning(value: unknown): value is Reasoning {
  return typeof value === "object" && value !== null && (value as Reasoning).type === "reasoning";
}
