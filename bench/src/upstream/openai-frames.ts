import { chunkTexts } from "./answer-text";
import { type StreamShape } from "./stream-shape";

/** A streamed answer, pre-encoded once per shape so serving it costs the upstream only writes. */
export interface EncodedAnswer {
  /** The role frame and the first content frame: sent as soon as the request has been read. */
  head: Buffer;
  /** The other content frames, one per pause. */
  body: Buffer[];
  /** finish_reason, usage and `data: [DONE]`. */
  tail: Buffer;
  /** Everything, for answers without pauses. */
  whole: Buffer;
}

// Field for field what api.openai.com sends for gpt-4o-mini with stream_options.include_usage.
const BASE = {
  id: "chatcmpl-BENCHmarkAnswer0000000000000",
  object: "chat.completion.chunk",
  created: 1_750_000_000,
  model: "gpt-4o-mini-2024-07-18",
  service_tier: "default",
  system_fingerprint: "fp_bench0000",
};

function frame(data: object): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

function deltaFrame(delta: object, finishReason: string | null = null): string {
  return frame({ ...BASE, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], usage: null });
}

/** The chat-completions SSE stream of one answer: `data: {json}\n\n` frames ending with `data: [DONE]`. */
export function encodeAnswer(shape: StreamShape): EncodedAnswer {
  const texts = chunkTexts(shape);
  const contentFrames = texts.map((text) => deltaFrame({ content: text }));
  const head = deltaFrame({ role: "assistant", content: "", refusal: null }) + (contentFrames[0] ?? "");
  const completionTokens = texts.length;
  const tail =
    deltaFrame({}, "stop") +
    frame({
      ...BASE,
      choices: [],
      usage: {
        prompt_tokens: 12,
        completion_tokens: completionTokens,
        total_tokens: 12 + completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
    }) +
    "data: [DONE]\n\n";
  const body = contentFrames.slice(1).map((text) => Buffer.from(text));
  return { head: Buffer.from(head), body, tail: Buffer.from(tail), whole: Buffer.concat([Buffer.from(head), ...body, Buffer.from(tail)]) };
}
