/**
 * The wire format of the Ragbits chat protocol (shared/PROTOCOL.md), as the UI reads it.
 * Field names stay snake_case because that is what travels on the wire.
 */

export type JsonObject = Record<string, unknown>;
export type JsonSchema = JsonObject;

export interface Reference {
  title: string;
  content: string;
  url: string | null;
}

export interface LiveUpdate {
  update_id: string;
  type: "START" | "FINISH";
  content: { label: string; description: string | null };
}

export interface ChunkedContent {
  id: string;
  content_type: string;
  chunk_index: number;
  total_chunks: number;
  mime_type: string;
  data: string;
}

export interface ModelUsage {
  n_requests: number;
  estimated_cost: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type TaskStatus = "pending" | "in_progress" | "completed" | "failed";

export interface PlanTask {
  id: string;
  description: string;
  status: TaskStatus;
  result: string | null;
}

export interface ConfirmationRequest {
  confirmation_id: string;
  tool_name: string;
  tool_description: string;
  arguments: JsonObject;
}

/** One `data:` line of the stream. Unknown types are app-defined custom events. */
export type ChatEvent =
  | { type: "text"; content: { text: string } }
  | { type: "reference"; content: Reference }
  | { type: "state_update"; content: { state: JsonObject; signature: string } }
  | { type: "message_id"; content: { message_id: string } }
  | { type: "conversation_id"; content: { conversation_id: string } }
  | { type: "conversation_summary"; content: { summary: string } }
  | { type: "live_update"; content: LiveUpdate }
  | { type: "followup_messages"; content: { messages: string[] } }
  | { type: "image"; content: { id: string; url: string } }
  | { type: "chunked_content"; content: ChunkedContent }
  | { type: "clear_message"; content: JsonObject }
  | { type: "usage"; content: { usage: Record<string, ModelUsage> } }
  | { type: "plan_item"; content: { task: PlanTask } }
  | { type: "confirmation_request"; content: { confirmation_request: ConfirmationRequest } }
  | { type: "error"; content: { message: string } };

/** Any event as received: a known one, or a custom one the UI only logs. */
export interface RawChatEvent {
  type: string;
  content: unknown;
}

export interface HistoryMessage {
  role: "user" | "assistant";
  content: string;
}

export interface ToolConfirmation {
  confirmation_id: string;
  confirmed: boolean;
}

export interface RequestContext {
  conversation_id?: string;
  state?: JsonObject;
  signature?: string;
  timezone?: string;
  user_settings?: JsonObject;
  tool_confirmations?: ToolConfirmation[];
}

export interface ChatRequest {
  message: string;
  history: HistoryMessage[];
  context: RequestContext;
}

export interface FeedbackItem {
  enabled: boolean;
  form: JsonSchema | null;
}

export interface Customization {
  header?: { title?: string | null; subtitle?: string | null; logo?: string | null } | null;
  welcome_message?: string | null;
  starter_questions?: string[] | null;
  meta?: { favicon?: string | null; page_title?: string | null } | null;
}

export interface ServerConfig {
  feedback: { like: FeedbackItem; dislike: FeedbackItem };
  customization: Customization | null;
  user_settings: { form: JsonSchema | null };
  supports_upload: boolean;
  debug_mode: boolean;
  conversation_history: boolean;
  show_usage: boolean;
  authentication: { enabled: boolean; auth_types: string[]; oauth2_providers: unknown[] };
}

export interface User {
  user_id: string;
  username: string;
  email?: string | null;
  full_name?: string | null;
  roles?: string[];
}

export type FeedbackType = "like" | "dislike";
