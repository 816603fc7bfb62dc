import { randomUUID } from "node:crypto";
import { type Usage } from "@ragbits/core";
import { type StateSigner, defaultStateSigner } from "../state/state-signing";
import {
  type ClearMessageResponse,
  type ConfirmationRequestResponse,
  type CustomResponse,
  type ErrorResponse,
  type FollowupMessagesResponse,
  type ImageResponse,
  type LiveUpdateResponse,
  type LiveUpdateType,
  type MessageUsage,
  type PlanItemResponse,
  type ReferenceResponse,
  type StateUpdateResponse,
  type Task,
  type TaskStatus,
  type TextResponse,
  type UsageResponse,
} from "../protocol/chat-response";

export function createTextResponse(text: string): TextResponse {
  return { type: "text", content: { text } };
}

export function createReference(title: string, content: string, url: string | null = null): ReferenceResponse {
  return { type: "reference", content: { title, content, url } };
}

/** A state update the client sends back with its next message; signed so it cannot be forged. */
export function createStateUpdate(state: Record<string, unknown>, signer: StateSigner = defaultStateSigner()): StateUpdateResponse {
  return { type: "state_update", content: { state, signature: signer.sign(state) } };
}

export function createLiveUpdate(updateId: string, type: LiveUpdateType, label: string, description: string | null = null): LiveUpdateResponse {
  return { type: "live_update", content: { update_id: updateId, type, content: { label, description } } };
}

export function createFollowupMessages(messages: string[]): FollowupMessagesResponse {
  return { type: "followup_messages", content: { messages } };
}

/** An image by URL. A `data:` URL is fine: the server sends it in `chunked_content` pieces. */
export function createImageResponse(url: string, id: string = randomUUID()): ImageResponse {
  return { type: "image", content: { id, url } };
}

/** Tells the client to discard what it has shown of the current answer so far. */
export function createClearMessageResponse(): ClearMessageResponse {
  return { type: "clear_message", content: {} };
}

/** Usage with the model that spent it: a `generateWithMetadata` result, or any `{ usage, metadata: { model } }`. */
export interface UsageWithModel {
  usage: Usage | null;
  metadata: { model: string };
}

/**
 * A @ragbits/core `LLMStream` (or anything with the same promise-valued `usage` and `metadata`). Its
 * totals exist once it has completed, so reporting it is asynchronous; an unread stream is read to
 * get them, a failed one makes the report fail with the stream's error: never a silent empty report.
 */
export interface UsageStream {
  readonly usage: PromiseLike<Usage | null>;
  readonly metadata: PromiseLike<{ model: string }>;
}

/** Something with token usage, known now: @ragbits/core `Usage` (named by `model`), or usage with its model. */
export type UsageSource = Usage | UsageWithModel;

/** Ragbits' own per-model records, passed through. */
export type UsageRecords = Record<string, MessageUsage>;

/**
 * Usage per model. From usage known now (`Usage` with a model name, a `generateWithMetadata`
 * result, several of them, or Ragbits' own per-model records) it returns the response; from an
 * `LLMStream` (alone or among others) it returns a promise of it, resolved from the stream's totals:
 * `yield await this.createUsageResponse(stream)` after the loop over the stream.
 */
export function createUsageResponse(input: UsageSource | readonly UsageSource[] | UsageRecords, model?: string): UsageResponse;
export function createUsageResponse(input: UsageStream | readonly (UsageSource | UsageStream)[], model?: string): Promise<UsageResponse>;
export function createUsageResponse(input: UsageSource | UsageStream | readonly (UsageSource | UsageStream)[] | UsageRecords, model = "unknown"): UsageResponse | Promise<UsageResponse> {
  const sources: readonly (UsageSource | UsageStream | UsageRecords)[] = isArray(input) ? input : [input];
  if (!sources.some(isUsageStream)) return usageResponse(sources as readonly (UsageSource | UsageRecords)[], model);
  return Promise.all(sources.map(async (source) => (isUsageStream(source) ? { usage: await source.usage, metadata: await source.metadata } : source))).then((known) => usageResponse(known, model));
}

function usageResponse(sources: readonly (UsageSource | UsageRecords)[], model: string): UsageResponse {
  const byModel: Record<string, MessageUsage> = {};
  const add = (name: string, usage: Usage) => {
    const previous = byModel[name];
    byModel[name] = {
      n_requests: (previous?.n_requests ?? 0) + 1,
      // @ragbits/core's estimatedCost (USD), summed. The protocol's field is a number (as in Ragbits),
      // so a call whose model has no known price adds 0: 0 means "free or unknown", shown as "—".
      estimated_cost: (previous?.estimated_cost ?? 0) + (usage.estimatedCost ?? 0),
      prompt_tokens: (previous?.prompt_tokens ?? 0) + usage.promptTokens,
      completion_tokens: (previous?.completion_tokens ?? 0) + usage.completionTokens,
      total_tokens: (previous?.total_tokens ?? 0) + usage.totalTokens,
    };
  };
  for (const source of sources) {
    if (isCoreUsage(source)) add(model, source);
    else if (isUsageWithModel(source)) {
      // A completed call whose provider reported no usage: nothing to count.
      if (source.usage) add(source.metadata.model, source.usage);
    } else Object.assign(byModel, source);
  }
  return { type: "usage", content: { usage: byModel } };
}

function isArray<T>(value: T | readonly T[] | object): value is readonly T[] {
  return Array.isArray(value);
}

function isCoreUsage(value: unknown): value is Usage {
  return typeof (value as Usage).promptTokens === "number";
}

function isUsageStream(value: unknown): value is UsageStream {
  return typeof (value as { usage?: { then?: unknown } } | null)?.usage?.then === "function";
}

function isUsageWithModel(value: unknown): value is UsageWithModel {
  return typeof value === "object" && value !== null && "metadata" in value && "usage" in value;
}

export function createPlanItemResponse(task: { id?: string; description: string; status?: TaskStatus; result?: string | null }): PlanItemResponse {
  const full: Task = { id: task.id ?? randomUUID(), description: task.description, status: task.status ?? "pending", result: task.result ?? null };
  return { type: "plan_item", content: { task: full } };
}

export function createConfirmationRequest(request: { toolName: string; toolDescription?: string; arguments?: Record<string, unknown>; confirmationId?: string }): ConfirmationRequestResponse {
  return {
    type: "confirmation_request",
    content: {
      confirmation_request: {
        confirmation_id: request.confirmationId ?? randomUUID(),
        tool_name: request.toolName,
        tool_description: request.toolDescription ?? "",
        arguments: request.arguments ?? {},
      },
    },
  };
}

/** An error the user should see, as part of the answer (the stream goes on). */
export function createErrorResponse(message: string): ErrorResponse {
  return { type: "error", content: { message } };
}

/** An app-defined event, sent on the wire as `{ type, content }`. */
export function createCustomResponse<Type extends string, Content extends object>(type: Type, content: Content): CustomResponse<Type, Content> {
  return { type: "custom", customType: type, content };
}
