/** A feedback button's configuration; `form` is a JSON Schema. */
export interface FeedbackItemSettings {
  enabled: boolean;
  form: Record<string, unknown> | null;
}

/** GET /api/config, as the server sends it (snake_case, every key present). */
export interface RagbitsConfig {
  feedback: { like: FeedbackItemSettings; dislike: FeedbackItemSettings };
  customization: {
    header: { title: string | null; subtitle: string | null; logo: string | null };
    welcome_message: string | null;
    starter_questions: string[] | null;
    meta: { favicon: string | null; page_title: string | null };
  } | null;
  user_settings: { form: Record<string, unknown> | null };
  supports_upload: boolean;
  debug_mode: boolean;
  conversation_history: boolean;
  show_usage: boolean;
  authentication: { enabled: boolean; auth_types: string[]; oauth2_providers: unknown[] };
}

export type FeedbackType = "like" | "dislike";

/** POST /api/feedback's answer. */
export interface FeedbackResult {
  status: string;
}
