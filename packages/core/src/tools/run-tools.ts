import { ToolArgumentsError } from "../errors/definition-errors";
import { LLMAbortedError, type LLMError } from "../errors/llm-error";
import { currentAbortSignal } from "../llm/abort-scope";
import { type AnyPrompt, type LLM, type StreamOptions } from "../llm/llm";
import { type FinishReason, type LLMMetadata, type Usage } from "../llm/llm-result";
import { sumUsage } from "../llm/sum-usage";
import { type ToolCall } from "../llm/tool-call";
import { type ChatFormat, type Message, toChatFormat } from "../prompt/chat-format";
import { promptOutput } from "../prompt/prompt";
import { type DeepPartial, type IsStructured, type OutputOf } from "../structured-output/output-types";
import { type Schema } from "../structured-output/standard-schema";
import { traceToolCall } from "../telemetry/tool-telemetry";
import { type ToolDefinition } from "./tool";

/** What a tool call came to, as sent back to the model. */
export interface ToolResult {
  type: "tool_result";
  toolCallId: string;
  name: string;
  /** What `execute` returned (`undefined` when it failed). */
  result: unknown;
  /** Why there is no result: invalid arguments (ToolArgumentsError), an unknown tool, or what `execute` threw. */
  error?: Error;
  /** The tool message's content the model gets: the result as text (JSON for objects), or the error. */
  content: string;
}

/** One model call of the loop and the tools it ran. */
export interface StepResult {
  /** 0 for the first call. */
  index: number;
  text: string;
  toolCalls: ToolCall[];
  toolResults: ToolResult[];
  usage: Usage | null;
  finishReason: FinishReason | null;
  metadata: LLMMetadata;
}

/** Yielded when a step has finished (its tools included). */
export interface StepFinish {
  type: "step_finish";
  step: StepResult;
}

/**
 * Why the loop stopped: the model answered without calling tools ("answer"), the step limit was
 * reached ("max-steps"), or it called a tool that has no `execute` ("tool-without-execute": the
 * calls are in `pendingToolCalls`, for your code — or a person — to answer).
 */
export type ToolRunStopReason = "answer" | "max-steps" | "tool-without-execute";

export interface RunToolsOptions extends Omit<StreamOptions, "tools" | "includeRefusal"> {
  /** The tools the model may call (made with `tool()`). */
  tools: readonly ToolDefinition<any, any>[];
  /** Model calls at most (each may run several tools). Default 8. */
  maxSteps?: number | undefined;
  /**
   * When a tool's `execute` throws: "send" (default) gives the model the error message as the tool's
   * result, so it can recover; "throw" ends the run with the error. Invalid arguments are always sent back.
   */
  onToolError?: "send" | "throw" | undefined;
}

/** What a run yields: the model's text (or partial structured value) as it streams, tool calls, tool results, step ends. */
export type ToolRunItem<P = string, O = Record<never, never>> = (IsStructured<P, O> extends true ? DeepPartial<OutputOf<P, O>> : string) | ToolCall | ToolResult | StepFinish;

interface RunTotals {
  text: string;
  output: unknown;
  steps: StepResult[];
  usage: Usage | null;
  messages: ChatFormat;
  stopReason: ToolRunStopReason;
  pendingToolCalls: ToolCall[];
}

export const DEFAULT_MAX_STEPS = 8;

/**
 * The tool loop, explicit and small: call the model with the tools; when it asks for tools, run them
 * (in parallel when it asked for several), append the calls and their results to the conversation,
 * and call it again — until it answers, or `maxSteps` calls were made. Every step streams: iterate
 * the run for its text, tool calls, tool results and step ends. Its totals are promises, like a
 * stream's: `await run.text` (the final answer), `output`, `steps`, `usage` (summed over every
 * step, cost included), `messages` (what the run added to the conversation), `stopReason`.
 *
 * ```ts
 * const run = runTools(llm, "What's the weather in Paris?", { tools: [weather] });
 * for await (const item of run) if (typeof item === "string") process.stdout.write(item);
 * console.log(await run.usage);
 * ```
 *
 * Aborting `signal` (or the chat turn's ambient signal) stops the model call in flight and the
 * tools (through `context.signal`); the run fails with LLMAbortedError.
 */
export function runTools<P extends AnyPrompt, const O extends RunToolsOptions>(llm: LLM, prompt: P, options: O): ToolRun<ToolRunItem<P, O>, IsStructured<P, O> extends true ? OutputOf<P, O> : string> {
  return new ToolRun((run) => loop(run, llm, prompt, options));
}

async function* loop(run: ToolRun<any, any>, llm: LLM, prompt: AnyPrompt, options: RunToolsOptions): AsyncGenerator<unknown, void, undefined> {
  const { tools, maxSteps = DEFAULT_MAX_STEPS, onToolError = "send", ...callOptions } = options;
  const signal = combinedSignal(options.signal, currentAbortSignal());
  const byName = new Map(tools.map((definition) => [definition.name, definition]));
  const fromPrompt = promptOutput(prompt);
  // A Prompt's own output schema keeps its name; the conversation is sent as plain messages.
  const output = callOptions.output ?? (fromPrompt ? { schema: fromPrompt.output as Schema, name: fromPrompt.name } : undefined);
  const conversation: Message[] = toChatFormat(prompt);
  const added: Message[] = [];
  const steps: StepResult[] = [];
  const abortError = () => new LLMAbortedError({ provider: llm.provider, model: llm.modelName, message: "the tool run was aborted" });

  for (let index = 0; ; index++) {
    if (signal?.aborted) throw abortError();
    const stream = llm.generateStreaming(conversation, { ...callOptions, output, tools, signal });
    for await (const item of stream) yield item;
    const [text, toolCalls, usage, finishReason, metadata, value] = await Promise.all([stream.text, stream.toolCalls, stream.usage, stream.finishReason, stream.metadata, stream.output]);
    const step: StepResult = { index, text, toolCalls, toolResults: [], usage, finishReason, metadata };
    steps.push(step);
    run.progress(steps);

    if (toolCalls.length === 0) {
      const answer: Message = { role: "assistant", content: text };
      added.push(answer);
      yield { type: "step_finish", step } satisfies StepFinish;
      return run.finish({ text, output: value, steps, usage: sumUsage(steps.map((s) => s.usage)), messages: added, stopReason: "answer", pendingToolCalls: [] });
    }

    const assistant: Message = {
      role: "assistant",
      content: text || null,
      tool_calls: toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.rawArguments } })),
    };
    conversation.push(assistant);
    added.push(assistant);

    const pending = toolCalls.filter((call) => byName.get(call.name) && !byName.get(call.name)!.execute);
    if (pending.length) {
      yield { type: "step_finish", step } satisfies StepFinish;
      return run.finish({ text, output: undefined, steps, usage: sumUsage(steps.map((s) => s.usage)), messages: added, stopReason: "tool-without-execute", pendingToolCalls: pending });
    }

    // The model asked for these together: they run in parallel, and each result is yielded as it arrives.
    const context = { signal: signal ?? new AbortController().signal, messages: [...conversation] };
    const running = toolCalls.map((call, position) => {
      const definition = byName.get(call.name);
      return traceToolCall(call, definition?.description, () => execute(call, definition, context, onToolError)).then((result) => ({ position, result }));
    });
    const results: ToolResult[] = new Array(toolCalls.length);
    const waiting = new Map(running.map((promise, position) => [position, promise]));
    while (waiting.size) {
      const { position, result } = await raceWithAbort(Promise.race(waiting.values()), signal, abortError);
      waiting.delete(position);
      results[position] = result;
      yield result;
    }
    step.toolResults = results;
    for (const result of results) {
      const message: Message = { role: "tool", tool_call_id: result.toolCallId, content: result.content };
      conversation.push(message);
      added.push(message);
    }
    yield { type: "step_finish", step } satisfies StepFinish;
    if (index + 1 >= maxSteps) {
      return run.finish({ text, output: undefined, steps, usage: sumUsage(steps.map((s) => s.usage)), messages: added, stopReason: "max-steps", pendingToolCalls: [] });
    }
  }
}

/** Runs one tool call: arguments validated, `execute` awaited; failures become a result the model can read. */
async function execute(call: ToolCall, definition: ToolDefinition<any, any> | undefined, context: { signal: AbortSignal; messages: ChatFormat }, onToolError: "send" | "throw"): Promise<ToolResult> {
  const base = { type: "tool_result" as const, toolCallId: call.id, name: call.name };
  if (!definition) {
    const error = new Error(`unknown tool "${call.name}"`);
    return { ...base, result: undefined, error, content: `Error: ${error.message}` };
  }
  let args: unknown;
  try {
    args = await definition.parseArguments(call);
  } catch (error) {
    if (!ToolArgumentsError.isInstance(error)) throw error;
    return { ...base, result: undefined, error, content: `Error: ${error.message}. Call the tool again with corrected arguments.` };
  }
  try {
    const result: unknown = await definition.execute!(args, { ...context, toolCallId: call.id });
    return { ...base, result, content: typeof result === "string" ? result : result === undefined ? "" : JSON.stringify(result) };
  } catch (error) {
    if (onToolError === "throw" || LLMAbortedError.isInstance(error) || context.signal.aborted) throw error;
    const failure = error instanceof Error ? error : new Error(String(error));
    return { ...base, result: undefined, error: failure, content: `Error: ${failure.message}` };
  }
}

function combinedSignal(own: AbortSignal | undefined, ambient: AbortSignal | undefined): AbortSignal | undefined {
  if (own && ambient && own !== ambient) return AbortSignal.any([own, ambient]);
  return own ?? ambient;
}

/** Stops waiting for tools the moment the run is aborted (a tool that ignores its signal cannot hold the run). */
function raceWithAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, abortError: () => LLMError): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

type ReadingState = "unread" | "loop" | "background";

/**
 * A running tool loop: iterate it once for its items; its totals are promises that resolve when
 * the loop has ended (and reject with its error). Awaiting a total of a run nobody iterates reads
 * it for you, as with LLMStream.
 */
export class ToolRun<Item, Out> implements AsyncIterable<Item> {
  private reading: ReadingState = "unread";
  private readonly outcome: Promise<RunTotals>;
  private resolveOutcome!: (totals: RunTotals) => void;
  private rejectOutcome!: (error: unknown) => void;
  private finishedSteps: StepResult[] = [];

  constructor(private readonly produce: (run: ToolRun<Item, Out>) => AsyncGenerator<unknown, void, undefined>) {
    this.outcome = new Promise<RunTotals>((resolve, reject) => {
      this.resolveOutcome = resolve;
      this.rejectOutcome = reject;
    });
    this.outcome.catch(() => undefined);
  }

  /** The final answer's text (the last step's). */
  get text(): Promise<string> {
    return this.total("text");
  }

  /** The final answer: the validated structured value with an output schema, else the text. `undefined` when the run stopped before answering. */
  get output(): Promise<Out> {
    return this.total("output") as Promise<Out>;
  }

  get steps(): Promise<StepResult[]> {
    return this.total("steps");
  }

  /** Usage summed over every step (estimated cost included, when known). */
  get usage(): Promise<Usage | null> {
    return this.total("usage");
  }

  /** The messages the run added after the prompt: assistant turns with tool calls, tool results, the answer. */
  get messages(): Promise<ChatFormat> {
    return this.total("messages");
  }

  get stopReason(): Promise<ToolRunStopReason> {
    return this.total("stopReason");
  }

  /** With stopReason "tool-without-execute": the calls left for your code to answer. */
  get pendingToolCalls(): Promise<ToolCall[]> {
    return this.total("pendingToolCalls");
  }

  /** The steps finished so far, at any time (also after a failure). */
  get stepsSoFar(): readonly StepResult[] {
    return this.finishedSteps;
  }

  [Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    if (this.reading !== "unread") throw new Error(this.reading === "loop" ? "A ToolRun can be iterated only once." : "This ToolRun is already being read: one of its totals was awaited before the loop began. Loop over the run first, then await its totals.");
    this.reading = "loop";
    return this.items() as AsyncGenerator<Item, void, undefined>;
  }

  /** @internal */
  progress(steps: StepResult[]): void {
    this.finishedSteps = steps;
  }

  /** @internal */
  finish(totals: RunTotals): void {
    this.resolveOutcome(totals);
  }

  private async *items(): AsyncGenerator<unknown, void, undefined> {
    let finished = false;
    try {
      yield* this.produce(this);
      finished = true;
    } catch (error) {
      this.rejectOutcome(error);
      throw error;
    } finally {
      if (!finished) this.rejectOutcome(new LLMAbortedError({ provider: "tools", model: "run", message: "the tool run was closed before it finished, so it has no totals" }));
    }
  }

  private total<K extends keyof RunTotals>(key: K): Promise<RunTotals[K]> {
    if (this.reading === "unread") {
      this.reading = "background";
      const items = this.items();
      void (async () => {
        try {
          for (let next = await items.next(); !next.done; next = await items.next());
        } catch {
          // Reported through the totals.
        }
      })();
    }
    const promise = this.outcome.then((totals) => totals[key]);
    promise.catch(() => undefined);
    return promise;
  }
}
