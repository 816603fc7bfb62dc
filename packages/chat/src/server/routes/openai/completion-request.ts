import { type ChatFormat, type ContentPart, type Message, type TextPart } from "@ragbits/core";
import { z } from "zod";
import { openAIError } from "./openai-error";

const TextPartSchema = z.object({ type: z.literal("text"), text: z.string() });
const ImagePartSchema = z.object({ type: z.literal("image_url"), image_url: z.object({ url: z.string(), detail: z.enum(["auto", "low", "high"]).optional() }) });
// An assistant turn that refused: kept in the history as its text.
const RefusalPartSchema = z.object({ type: z.literal("refusal"), refusal: z.string() });
const ToolCallSchema = z.object({ id: z.string(), type: z.literal("function"), function: z.object({ name: z.string(), arguments: z.string() }) });

const TextContent = z.union([z.string(), z.array(TextPartSchema)]);

const MessageSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content: TextContent, name: z.string().optional() }),
  // OpenAI's newer name for system instructions.
  z.object({ role: z.literal("developer"), content: TextContent, name: z.string().optional() }),
  z.object({ role: z.literal("user"), content: z.union([z.string(), z.array(z.discriminatedUnion("type", [TextPartSchema, ImagePartSchema]))]), name: z.string().optional() }),
  z.object({
    role: z.literal("assistant"),
    content: z.union([z.string(), z.array(z.discriminatedUnion("type", [TextPartSchema, RefusalPartSchema]))]).nullable().optional(),
    tool_calls: z.array(ToolCallSchema).nullable().optional(),
    refusal: z.string().nullable().optional(),
    name: z.string().optional(),
  }),
  z.object({ role: z.literal("tool"), content: TextContent, tool_call_id: z.string() }),
]);

type WireMessage = z.output<typeof MessageSchema>;

/**
 * The fields this endpoint reads. Every other field of OpenAI's request (temperature, max_tokens,
 * tools, response_format…) is accepted and not used: the chat decides how it answers.
 */
const CompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(MessageSchema).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullable().optional() }).nullable().optional(),
  n: z.number().int().nullable().optional(),
});

/** A chat-completions request as one chat turn. */
export interface CompletionTurn {
  stream: boolean;
  /** `stream_options.include_usage`: a last chunk carries the usage. */
  includeUsage: boolean;
  /** The last message (a user message), as text. */
  message: string;
  /** The messages before it, in ChatFormat (system and developer messages as `system`). */
  history: ChatFormat;
}

/**
 * Validates a chat-completions body and splits its messages into the turn's message and history.
 * Failures are 400s in OpenAI's shape, naming the parameter (`messages[2].content`); a model other
 * than the one served is OpenAI's 404 `model_not_found`.
 */
export function parseCompletionRequest(body: unknown, modelName: string): CompletionTurn {
  const result = CompletionRequestSchema.safeParse(body);
  if (!result.success) throw invalidRequest(result.error.issues[0]!);
  const request = result.data;
  if (request.model !== modelName) {
    throw openAIError(404, `The model \`${request.model}\` does not exist or you do not have access to it.`, "invalid_request_error", { param: "model", code: "model_not_found" });
  }
  if (request.n != null && request.n !== 1) throw openAIError(400, "This model answers with one choice: 'n' must be 1.", "invalid_request_error", { param: "n", code: "invalid_value" });
  const last = request.messages.length - 1;
  const final = request.messages[last]!;
  if (final.role !== "user") {
    throw openAIError(400, `The last message must be a user message (it is '${final.role}'): it is the message the chat answers.`, "invalid_request_error", { param: `messages[${last}].role`, code: "invalid_value" });
  }
  if (typeof final.content !== "string" && final.content.some((part) => part.type !== "text")) {
    throw openAIError(400, "The chat receives the last user message as text: image parts are accepted in earlier messages only.", "invalid_request_error", { param: `messages[${last}].content`, code: "invalid_value" });
  }
  return {
    stream: request.stream === true,
    includeUsage: request.stream === true && request.stream_options?.include_usage === true,
    message: typeof final.content === "string" ? final.content : (final.content as TextPart[]).map((part) => part.text).join("\n"),
    history: request.messages.slice(0, last).map(toMessage),
  };
}

function toMessage(message: WireMessage): Message {
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", content: message.content };
    case "user":
      return message.name ? { role: "user", content: message.content as string | ContentPart[], name: message.name } : { role: "user", content: message.content as string | ContentPart[] };
    case "assistant": {
      const content = assistantContent(message);
      return message.tool_calls?.length ? { role: "assistant", content, tool_calls: message.tool_calls } : { role: "assistant", content: content ?? "" };
    }
    case "tool":
      return { role: "tool", content: message.content, tool_call_id: message.tool_call_id };
  }
}

function assistantContent(message: Extract<WireMessage, { role: "assistant" }>): string | TextPart[] | null {
  const { content } = message;
  if (content == null) return message.refusal ?? null;
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part : { type: "text", text: part.refusal }));
}

function invalidRequest(issue: z.core.$ZodIssue): Error {
  const param = paramName(issue.path);
  if (!param) return openAIError(400, "The request body must be a JSON object with 'model' and 'messages'.", "invalid_request_error", { code: "invalid_value" });
  const missing = issue.code === "invalid_type" && (issue as { input?: unknown }).input === undefined;
  if (missing) return openAIError(400, `Missing required parameter: '${param}'.`, "invalid_request_error", { param, code: "missing_required_parameter" });
  return openAIError(400, `Invalid value for '${param}': ${issue.message}.`, "invalid_request_error", { param, code: "invalid_value" });
}

/** A zod path as OpenAI names parameters: `messages[2].content`. */
function paramName(path: readonly PropertyKey[]): string {
  let name = "";
  for (const part of path) name += typeof part === "number" ? `[${part}]` : `${name ? "." : ""}${String(part)}`;
  return name;
}
