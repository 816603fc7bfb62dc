import { asClause } from "../errors/error-text";
import { LLMConfigurationError, type LLMErrorContext } from "../errors/llm-error";

const INSTALL_HINT: Record<string, string> = {
  openai: "npm install openai@^6.49.0",
  "@anthropic-ai/sdk": "npm install @anthropic-ai/sdk@^1.14.0",
  ollama: "npm install ollama@^0.6.4",
};

const cache = new Map<string, Promise<unknown>>();

/**
 * Loads a provider SDK (an optional peer dependency) the first time a model of that provider is
 * used, so `import "@ragbits/core"` stays fast and a user installs only the SDK they need.
 * `load` must be a literal `() => import("pkg")` so bundlers can see it.
 */
export function loadSdk<T>(packageName: string, context: LLMErrorContext, load: () => Promise<T>): Promise<T> {
  let loading = cache.get(packageName) as Promise<T> | undefined;
  if (!loading) {
    loading = load();
    cache.set(packageName, loading);
    // A failed load is not cached: the user may install the package and try again.
    loading.catch(() => cache.delete(packageName));
  }
  return loading.catch((error: unknown) => {
    throw describeLoadFailure(packageName, context, error);
  });
}

function describeLoadFailure(packageName: string, context: LLMErrorContext, error: unknown): LLMConfigurationError {
  const code = (error as { code?: string })?.code;
  const message = String((error as Error)?.message ?? error);
  const missing = (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") && message.includes(packageName);
  if (missing) {
    return new LLMConfigurationError({
      ...context,
      message: `the "${packageName}" package is needed for this model but is not installed: run ${INSTALL_HINT[packageName] ?? `npm install ${packageName}`}`,
    });
  }
  // Installed but broken (wrong version, failed native dependency...): say so, not "missing".
  return new LLMConfigurationError({ ...context, message: `the "${packageName}" package failed to load: ${asClause(message)}`, cause: error });
}
