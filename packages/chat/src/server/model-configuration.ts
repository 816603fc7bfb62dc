/** A model the chat holds that cannot answer as configured. */
export interface ModelProblem {
  /** Where the chat holds it: "llm", "agent.llm", "models[1]"… */
  field: string;
  provider: string;
  model: string;
  /** The model's own `configurationProblem()`: what to set (never a key's value). */
  problem: string;
}

/** What an @ragbits/core model looks like, from any copy of the package (older ones lack the check). */
interface ModelLike {
  provider: string;
  modelName: string;
  generateStreaming: unknown;
  configurationProblem?: () => string | undefined;
}

// Models sit in the chat's fields, or one or two levels down (an agent's `llm`, a map of models).
const MAX_DEPTH = 3;
const MAX_OBJECTS = 500;

/**
 * The models in the chat's own fields whose configuration is missing something (a provider key, an
 * endpoint, a known model name), found without a request: what a start-up warning reports.
 */
export function findModelProblems(chat: object): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const seen = new Set<object>();
  const visit = (value: unknown, path: string, depth: number): void => {
    if (typeof value !== "object" || value === null || seen.has(value) || seen.size >= MAX_OBJECTS) return;
    seen.add(value);
    if (isModel(value)) {
      const problem = safeProblem(value);
      if (problem) problems.push({ field: path, provider: value.provider, model: value.modelName, problem });
      return;
    }
    if (depth >= MAX_DEPTH || ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set || value instanceof Promise) return;
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${path}[${index}]`, depth + 1));
    else for (const [key, item] of entries(value)) visit(item, path ? `${path}.${key}` : key, depth + 1);
  };
  for (const [key, value] of entries(chat)) visit(value, key, 1);
  return problems;
}

/** Own fields; an object whose getters or proxy traps throw is skipped, not a failed start. */
function entries(value: object): Array<[string, unknown]> {
  try {
    return Object.entries(value);
  } catch {
    return [];
  }
}

function isModel(value: object): value is ModelLike {
  const model = value as Partial<ModelLike>;
  return typeof model.provider === "string" && typeof model.modelName === "string" && typeof model.generateStreaming === "function";
}

/** A check that throws (a user's own provider) must not stop the server from starting. */
function safeProblem(model: ModelLike): string | undefined {
  if (typeof model.configurationProblem !== "function") return undefined;
  try {
    return model.configurationProblem();
  } catch {
    return undefined;
  }
}

/** The start-up warning for one problem: which model, what is missing, what users will see, how to try it offline. */
export function describeModelProblem(chatName: string, { field, problem }: ModelProblem): string {
  return (
    `${chatName}.${field} cannot answer: ${problem}. Until that is set, every answer is an error saying this server is not configured. ` +
    `To try the chat without a provider key, use MockLLM (or a "mock/<name>" model name), which answers offline with canned text.`
  );
}
