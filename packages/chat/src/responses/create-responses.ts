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

/** Something with token usage: a @ragbits/core Usage, or a finished LLMStream (its usage and model are read). */
export type UsageSource = Usage | { usage: Usage | null; metadata: { model: string } };

/**
 * Usage per model. Accepts @ragbits/core usage (`stream.usage` with a model name, or the finished
 * stream itself), several of them, or Ragbits' own per-model records.
 */
export function createUsageResponse(input: UsageSource | UsageSource[] | Record<string, MessageUsage>, model = "unknown"): UsageResponse {
  const byModel: Record<string, MessageUsage> = {};
  const add = (name: string, usage: Usage) => {
    const previous = byModel[name];
    byModel[name] = {
      n_requests: (previous?.n_requests ?? 0) + 1,
      estimated_cost: previous?.estimated_cost ?? 0,
      prompt_tokens: (previous?.prompt_tokens ?? 0) + usage.promptTokens,
      completion_tokens: (previous?.completion_tokens ?? 0) + usage.completionTokens,
      total_tokens: (previous?.total_tokens ?? 0) + usage.totalTokens,
    };
  };
  const sources = Array.isArray(input) ? input : [input];
  for (const source of sources) {
    if (isCoreUsage(source)) add(model, source);
    else if (isStreamLike(source)) {
      if (source.usage) add(source.metadata.model, source.usage);
    } else Object.assign(byModel, source);
  }
  return { type: "usage", content: { usage: byModel } };
}

function isCoreUsage(value: unknown): value is Usage {
  return typeof (value as Usage).promptTokens === "number";
}

function isStreamLike(value: unknown): value is { usage: Usage | null; metadata: { model: string } } {
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
