import { type LLM, type LLMSettings } from "../llm/llm";
import { UnroutableLLM } from "./unroutable-llm";

/** What every provider can be given besides the model name: the LLM settings plus connection details. */
export interface ModelSettings extends LLMSettings {
  /** Overrides the provider's API-key environment variable. */
  apiKey?: string | undefined;
  /** Overrides the provider's base URL (OpenAI-compatible server, Azure endpoint, Ollama host). */
  baseUrl?: string | undefined;
  /** Azure OpenAI API version. */
  apiVersion?: string | undefined;
  /** Extra HTTP headers sent with every request. */
  headers?: Record<string, string> | undefined;
}

/**
 * Creates a provider's own `LLM` for a model name (a route's prefix already removed). It should not
 * read keys or load SDKs: configuration problems belong to the model's first call, so that creating
 * a model (at import time, in a class field) never fails.
 */
export type ProviderFactory = (model: string, settings: ModelSettings) => LLM;

interface Route {
  /** The provider's model name for `modelName`, or undefined when the route does not match it. */
  match(modelName: string): string | undefined;
  factory: ProviderFactory;
}

/** Models created by routing, which is what `instanceof LiteLLM` asks about. */
const routedModels = new WeakSet<LLM>();

/**
 * Model-name routing, LiteLLM-style: a prefix (`"groq/"`) or pattern picks a provider factory, which
 * returns that provider's own `LLM` — so retries, timeouts and error mapping are the provider's, with
 * nothing wrapped around them. Like the Vercel AI SDK's provider registry, users add their own routes.
 */
export class ModelRegistry {
  // Checked first to last; `register` puts new routes first, so a later route overrides an earlier one.
  private readonly routes: Route[] = [];
  private readonly descriptions: string[] = [];

  /**
   * Routes names that start with `prefix` (say `"groq/"`) to `factory`, which receives the name
   * without the prefix. A RegExp routes the names it matches, passed whole (say `/^claude-/`).
   * A route registered later wins over earlier ones (also over the built-in routes). `description`
   * is how the route is listed in the "unknown model name" error.
   */
  register(match: string | RegExp, factory: ProviderFactory, description: string = describe(match)): this {
    const route: Route =
      typeof match === "string"
        ? { match: (name) => (name.startsWith(match) ? name.slice(match.length) : undefined), factory }
        : { match: (name) => (match.test(name) ? name : undefined), factory };
    this.routes.unshift(route);
    this.descriptions.push(description);
    return this;
  }

  /**
   * The provider's own LLM for `modelName`, built by the route that matches it. Never throws for an
   * unknown name: the model it returns fails on first use with an LLMConfigurationError that lists
   * the names this registry knows.
   */
  resolve(modelName: string, settings: ModelSettings = {}): LLM {
    let llm: LLM | undefined;
    for (const route of this.routes) {
      const model = route.match(modelName);
      if (model !== undefined) {
        llm = route.factory(model, settings);
        break;
      }
    }
    llm ??= new UnroutableLLM(modelName, settings, this.supportedNames);
    routedModels.add(llm);
    return llm;
  }

  /** Whether a route knows `modelName`. */
  knows(modelName: string): boolean {
    return this.routes.some((route) => route.match(modelName) !== undefined);
  }

  /** The names this registry routes, for messages: "gpt-*, …, groq/<model>". */
  get supportedNames(): string {
    return this.descriptions.join(", ");
  }
}

/** Marks a model as created by routing (`instanceof LiteLLM`): a fallback chain built by `new LiteLLM`. */
export function markRouted(llm: LLM): LLM {
  routedModels.add(llm);
  return llm;
}

/** Whether `value` is a model that a ModelRegistry created (from any registry of this copy of the package). */
export function isRoutedModel(value: unknown): value is LLM {
  return typeof value === "object" && value !== null && routedModels.has(value as LLM);
}

function describe(match: string | RegExp): string {
  return typeof match === "string" ? `${match}<model>` : String(match);
}
