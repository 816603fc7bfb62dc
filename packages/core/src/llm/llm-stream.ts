import { type FinishReason, type LLMMetadata, type Usage } from "./llm-result";
import { type Reasoning } from "./reasoning";
import { type StreamPart } from "./stream-part";
import { type ToolCall } from "./tool-call";

export interface StreamItemFilter {
  /** Yield ToolCall items (true when the call passed tools). */
  toolCalls: boolean;
  /** Yield Reasoning items (true when the call asked for `includeReasoning`). */
  reasoning: boolean;
}

/**
 * The result of `generateStreaming`: iterate it once for the chunks; afterwards its fields hold
 * the totals. Breaking out of the loop cancels the underlying HTTP request.
 */
export class LLMStream<T = string> implements AsyncIterable<T> {
  /** The whole text streamed so far. */
  text = "";
  /** The whole reasoning streamed so far (also collected when it is not yielded). */
  reasoning = "";
  toolCalls: ToolCall[] = [];
  usage: Usage | null = null;
  finishReason: FinishReason | null = null;
  metadata: LLMMetadata;
  /** True once the stream has completed normally. */
  done = false;

  private started = false;

  constructor(
    metadata: LLMMetadata,
    private readonly produce: (stream: LLMStream<T>) => AsyncGenerator<T, void, undefined>,
  ) {
    this.metadata = metadata;
  }

  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    if (this.started) throw new Error("An LLMStream can be iterated only once; call generateStreaming again for a new stream.");
    this.started = true;
    return this.produce(this);
  }

  /**
   * Records a part in the totals and returns the item the caller should see, if any.
   * @internal used by the LLM base class.
   */
  accept(part: StreamPart, filter: StreamItemFilter): T | undefined {
    switch (part.type) {
      case "text":
        this.text += part.text;
        return part.text as T;
      case "reasoning":
        this.reasoning += part.text;
        return filter.reasoning ? ({ type: "reasoning", text: part.text } satisfies Reasoning as T) : undefined;
      case "tool-call":
        this.toolCalls.push(part.toolCall);
        return filter.toolCalls ? (part.toolCall as T) : undefined;
      case "usage":
        this.usage = part.usage;
        return undefined;
      case "response-metadata":
        if (part.model) this.metadata.model = part.model;
        if (part.responseId) this.metadata.responseId = part.responseId;
        if (part.requestId) this.metadata.requestId = part.requestId;
        return undefined;
      case "finish":
        this.finishReason = part.finishReason;
        if (part.rawFinishReason !== undefined) this.metadata.rawFinishReason = part.rawFinishReason;
        return undefined;
    }
  }

  /** @internal */
  get isEmpty(): boolean {
    return this.text === "" && this.reasoning === "" && this.toolCalls.length === 0;
  }
}
