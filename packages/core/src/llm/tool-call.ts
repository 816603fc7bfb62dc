/** A tool the model may call, in OpenAI's function-tool format (accepted by every provider). */
export interface Tool {
  type: "function";
  function: {
    name: string;
    description?: string;
    /** JSON Schema of the arguments object. */
    parameters?: Record<string, unknown>;
    strict?: boolean;
  };
}

export type ToolChoice = "auto" | "none" | "required" | { type: "function"; function: { name: string } };

/** A complete tool call the model made. Streams yield it once its arguments have fully arrived. */
export interface ToolCall {
  type: "tool_call";
  id: string;
  name: string;
  /** The parsed arguments; `{}` when they were not a JSON object (see `argumentsError`). */
  arguments: Record<string, unknown>;
  /** The arguments exactly as the model produced them. */
  rawArguments: string;
  /** Set when `rawArguments` is not a JSON object: why it could not be parsed. */
  argumentsError?: string;
}

export function isToolCall(value: unknown): value is ToolCall {
  return typeof value === "object" && value !== null && (value as ToolCall).type === "tool_call";
}

export function createToolCall(id: string, name: string, rawArguments: string | Record<string, unknown>): ToolCall {
  if (typeof rawArguments !== "string") {
    return { type: "tool_call", id, name, arguments: rawArguments, rawArguments: JSON.stringify(rawArguments) };
  }
  const text = rawArguments.trim() === "" ? "{}" : rawArguments;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      return { type: "tool_call", id, name, arguments: parsed as Record<string, unknown>, rawArguments };
    }
    return { type: "tool_call", id, name, arguments: {}, rawArguments, argumentsError: "the arguments are valid JSON but not an object" };
  } catch (error) {
    return { type: "tool_call", id, name, arguments: {}, rawArguments, argumentsError: `the arguments are not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * Collects streamed tool-call fragments (id and name first, arguments in pieces) keyed by the
 * provider's index, and hands them out complete, in order.
 */
export class ToolCallAccumulator {
  private readonly pending = new Map<number, { id: string; name: string; args: string }>();

  append(index: number, fragment: { id?: string | null; name?: string | null; arguments?: string | null }): void {
    let call = this.pending.get(index);
    if (!call) {
      call = { id: "", name: "", args: "" };
      this.pending.set(index, call);
    }
    if (fragment.id) call.id = fragment.id;
    if (fragment.name) call.name += fragment.name;
    if (fragment.arguments) call.args += fragment.arguments;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Every accumulated call, complete, in index order; the accumulator is emptied. */
  drain(): ToolCall[] {
    const calls = [...this.pending.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => createToolCall(call.id || `call_${index}`, call.name, call.args));
    this.pending.clear();
    return calls;
  }
}
