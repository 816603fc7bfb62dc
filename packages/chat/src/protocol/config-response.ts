import type { FeedbackType } from "./feedback-request";

export type { FeedbackType };

/** A feedback button's configuration; `form` is a JSON Schema. */
export interface FeedbackItemSettings {
  enabled: boolean;
  form: Record<string, unknown> | null;
}

/** `customization` of GET /api/config: how the UI presents the app (nulls where unset). */
export interface CustomizationSettings {
  header: { title: string | null; subtitle: string | null; logo: string | null };
  welcome_message: string | null;
  starter_questions: string[] | null;
  meta: { favicon: string | null; page_title: string | null };
}

/** GET /api/config, as the server sends it (snake_case, every key present). */
export interface RagbitsConfig {
  feedback: { like: FeedbackItemSettings; dislike: FeedbackItemSettings };
  customization: CustomizationSettings | null;
  user_settings: { form: Record<string, unknown> | null };
  supports_upload: boolean;
  debug_mode: boolean;
  conversation_history: boolean;
  show_usage: boolean;
  authentication: { enabled: boolean; auth_types: string[]; oauth2_providers: unknown[] };
}

/** POST /api/feedback's answer. */
export interface FeedbackResult {
  status: string;
}

/**
 * A response header of GET /api/config telling whether GET /api/theme serves a stylesheet: "css"
 * or "none". A header, not a key, so the JSON stays byte for byte Python Ragbits'. Python Ragbits
 * sends no such header: a UI that gets none must ask /api/theme itself (a 404 means no theme).
 */
export const THEME_HEADER = "x-ragbits-theme";

export type ThemeAvailability = "css" | "none";
