import { type PartialOutput } from "../structured-output/partial-output";
import { type FinishReason, type LLMMetadata, type PartialResult, type Usage } from "./llm-result";
import { type Reasoning } from "./reasoning";
import { type Refusal } from "./refusal";
import { type StreamPart } from "./stream-part";
import { type ToolCall } from "./tool-call";

export interface StreamItemFilter {
  /** Yield ToolCall items (true when the call passed tools). */
  toolCalls: boolean;
  /** Yield Reasoning items (true when the call asked for `includeReasoning`). */
  reasoning: boolean;
  /**
   * How a refusal reaches the loop: as a Refusal item (`includeRefusal`), as text (the default: a
   * refusal is the answer), or not at all (structured output, where it becomes an LLMRefusalError).
   */
  refusal: "item" | "text" | "none";
  /** Structured output: text is followed as JSON, and partial values are yielded instead of text. */
  output?: PartialOutput | undefined;
}

/** Marks an output that has not been set: a stream's output is then its text. */
const NO_OUTPUT: unique symbol = Symbol("no output");

/** What a finished stream adds up to. */
interface StreamTotals {
  text: string;
  reasoning: string;
  refusal: string | null;
  toolCalls: ToolCall[];
  usage: Usage | null;
  finishReason: FinishReason | null;
  metadata: LLMMetadata;
  /** The validated structured output; the text when the call asked for none. */
  output: unknown;
}

type ReadingState = "unread" | "loop" | "background";

/**
 * The result of `generateStreaming`: iterate it once for the chunks. Breaking out of the loop
 * cancels the underlying HTTP request.
 *
 * Its totals (`text`, `reasoning`, `refusal`, `toolCalls`, `usage`, `finishReason`, `metadata`) are promises,
 * so they cannot be read before they exist: each resolves when the stream has completed, and
 * rejects with the stream's error when it failed (or with an LLMAbortedError when the loop stopped
 * early: an unfinished answer has no totals). Awaiting a total of a stream nobody iterated reads the
 * stream for you (its chunks are dropped), as the AI SDK's `streamText` result does — so
 * `await llm.generateStreaming(prompt).text` works, and a total is never silently missing (reading
 * a total's property is enough to start that). Read totals after the loop: awaiting one inside the
 * loop over the same stream would wait for itself.
 */
export class LLMStream<T = string, O = string> implements AsyncIterable<T> {
  /** True once the stream has completed normally (a status, readable at any time). */
  done = false;

  private reading: ReadingState = "unread";
  private following: LLMStream<T, O> | undefined;
  private partial: PartialOutput | undefined;
  private settled = false;
  private readonly draft: StreamTotals;
  private readonly outcome: Promise<StreamTotals>;
  private readonly totalPromises = new Map<keyof StreamTotals, Promise<unknown>>();
  private resolveOutcome!: (totals: StreamTotals) => void;
  private rejectOutcome!: (error: unknown) => void;

  constructor(
    metadata: LLMMetadata,
    private readonly produce: (stream: LLMStream<T, O>) => AsyncGenerator<T, void, undefined>,
  ) {
    this.draft = { text: "", reasoning: "", refusal: null, toolCalls: [], usage: null, finishReason: null, metadata, output: NO_OUTPUT };
    this.outcome = new Promise<StreamTotals>((resolve, reject) => {
      this.resolveOutcome = resolve;
      this.rejectOutcome = reject;
    });
    // A failure is reported to the loop; a total nobody asked for must not also be an unhandled rejection.
    this.outcome.catch(() => undefined);
  }

  /** The whole text. */
  get text(): Promise<string> {
    return this.total("text");
  }

  /** The whole reasoning (collected even when it was not yielded). */
  get reasoning(): Promise<string> {
    return this.total("reasoning");
  }

  /**
   * `null` unless the model refused (`finishReason` "refusal"); then its explanation, which may be
   * "". The refusal text is also part of `text`: it is the answer a user should see.
   */
  get refusal(): Promise<string | null> {
    return this.total("refusal");
  }

  get toolCalls(): Promise<ToolCall[]> {
    return this.total("toolCalls");
  }

  /** Token usage, or `null` when the provider reported none. */
  get usage(): Promise<Usage | null> {
    return this.total("usage");
  }

  get finishReason(): Promise<FinishReason | null> {
    return this.total("finishReason");
  }

  /** Provider, model that answered, response and request ids, retries spent. */
  get metadata(): Promise<LLMMetadata> {
    return this.total("metadata");
  }

  /**
   * The answer as asked for: with structured output (`output` option, or a Prompt with an output
   * schema) the validated object — the stream fails with LLMOutputParsingError when the answer does
   * not match the schema — else the whole text.
   */
  get output(): Promise<O> {
    return this.total("output") as Promise<O>;
  }

  /**
   * With structured output: the latest partial value of the answer (what the last partial item
   * was), `undefined` before the first. Readable at any time, like `textSoFar`.
   */
  get partialOutput(): unknown {
    return this.following ? this.following.partialOutput : this.partial?.current;
  }

  /**
   * The text received so far, at any time: after a failure, the partial answer the caller already
   * saw. Not a total — `await stream.text` is.
   */
  get textSoFar(): string {
    return this.following ? this.following.textSoFar : this.draft.text;
  }

  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    if (this.reading === "background") {
      throw new Error("This LLMStream is already being read: one of its totals was awaited before the loop began, which reads the stream to produce it. Loop over the stream first, then await its totals.");
    }
    if (this.reading === "loop") throw new Error("An LLMStream can be iterated only once; call generateStreaming again for a new stream.");
    this.reading = "loop";
    return this.produce(this);
  }

  /**
   * Records a part in the totals and returns the item the caller should see, if any.
   * @internal used by the LLM base class.
   */
  accept(part: StreamPart, filter: StreamItemFilter): T | undefined {
    const draft = this.draft;
    switch (part.type) {
      case "text":
        draft.text += part.text;
        if (filter.output) {
          this.partial = filter.output;
          return filter.output.push(part.text) as T | undefined;
        }
        return part.text as T;
      case "reasoning":
        draft.reasoning += part.text;
        return filter.reasoning ? ({ type: "reasoning", text: part.text } satisfies Reasoning as T) : undefined;
      case "refusal":
        draft.refusal = (draft.refusal ?? "") + part.text;
        draft.text += part.text;
        if (filter.refusal === "item") return { type: "refusal", text: part.text } satisfies Refusal as T;
        return filter.refusal === "text" && part.text !== "" ? (part.text as T) : undefined;
      case "tool-call":
        draft.toolCalls.push(part.toolCall);
        return filter.toolCalls ? (part.toolCall as T) : undefined;
      case "usage":
        draft.usage = part.usage;
        return undefined;
      case "response-metadata":
        if (part.model) draft.metadata.model = part.model;
        if (part.responseId) draft.metadata.responseId = part.responseId;
        if (part.requestId) draft.metadata.requestId = part.requestId;
        return undefined;
      case "finish":
        draft.finishReason = part.finishReason;
        if (part.rawFinishReason !== undefined) draft.metadata.rawFinishReason = part.rawFinishReason;
        return undefined;
    }
  }

  /** @internal */
  setRetries(retries: number): void {
    this.draft.metadata.retries = retries;
  }

  /** @internal The validated structured output. */
  setOutput(output: unknown): void {
    this.draft.output = output;
  }

  /** @internal Replaces the usage (the base class adds the estimated cost). */
  setUsage(usage: Usage | null): void {
    this.draft.usage = usage;
  }

  /** @internal The usage, finish reason and refusal so far (during the stream, before its totals exist). */
  get current(): Readonly<Pick<StreamTotals, "usage" | "finishReason" | "refusal" | "metadata">> {
    return this.draft;
  }

  /** @internal Nothing came back: no text, reasoning, tool call or refusal. */
  get isEmpty(): boolean {
    const draft = this.draft;
    return draft.text === "" && draft.reasoning === "" && draft.toolCalls.length === 0 && draft.refusal === null && draft.finishReason !== "refusal";
  }

  /** @internal What was received so far, as a result: attached to an error that ends the stream. */
  snapshot(): PartialResult {
    const draft = this.following ? this.following.draft : this.draft;
    return {
      content: draft.text,
      reasoning: draft.reasoning || null,
      refusal: draft.refusal,
      toolCalls: [...draft.toolCalls],
      usage: draft.usage,
      finishReason: draft.finishReason,
      metadata: { ...draft.metadata },
    };
  }

  /**
   * @internal This stream's items and totals come from `inner` (a fallback chain's answering model);
   * `metadata` is merged over the inner stream's when it completes.
   */
  follow(inner: LLMStream<T, O>): void {
    this.following = inner;
  }

  /** @internal */
  get isSettled(): boolean {
    return this.settled;
  }

  /** The stream completed: its totals resolve. @internal */
  complete(extraMetadata?: Partial<LLMMetadata>): void {
    if (this.settled) return;
    this.settled = true;
    this.done = true;
    const totals = this.following ? { ...this.following.draft, metadata: { ...this.following.draft.metadata } } : this.draft;
    if (extraMetadata) Object.assign(totals.metadata, extraMetadata);
    if (totals.output === NO_OUTPUT) totals.output = totals.text;
    this.resolveOutcome(totals);
  }

  /** The stream failed or was closed early: its totals reject with `error`. @internal */
  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.rejectOutcome(error);
  }

  /**
   * One promise per total, made on first access. Each is also marked handled: a stream's failure
   * reaches its loop, and a total that was looked at (a duck-typing probe) but never awaited must
   * not also become an unhandled rejection. Awaiting it still rejects.
   */
  private total<K extends keyof StreamTotals>(key: K): Promise<StreamTotals[K]> {
    let promise = this.totalPromises.get(key) as Promise<StreamTotals[K]> | undefined;
    if (!promise) {
      if (this.reading === "unread") this.readInBackground();
      promise = this.outcome.then((totals) => totals[key]);
      promise.catch(() => undefined);
      this.totalPromises.set(key, promise);
    }
    return promise;
  }

  private readInBackground(): void {
    this.reading = "background";
    const items = this.produce(this);
    void (async () => {
      // The outcome records how it ended; the error itself is reported through the totals.
      try {
        for (let next = await items.next(); !next.done; next = await items.next());
      } catch {
        // Reported through the totals.
      }
    })();
  }
}
