import type { CustomizationSettings, FeedbackItemSettings, RagbitsConfig } from "@ragbits/chat/client";
import type { JsonSchema } from "../util/json-types";

/**
 * /api/config with every key present and of the right type, whatever the server (or an older
 * Python Ragbits) sent, so the rest of the UI never checks for missing fields.
 */
export function normalizeConfig(raw: unknown): RagbitsConfig {
  const c = (isObject(raw) ? raw : {}) as Record<string, any>;
  const feedback = isObject(c.feedback) ? c.feedback : {};
  const auth = isObject(c.authentication) ? c.authentication : {};
  return {
    feedback: { like: feedbackItem(feedback.like), dislike: feedbackItem(feedback.dislike) },
    customization: customization(c.customization),
    user_settings: { form: schemaOrNull(isObject(c.user_settings) ? c.user_settings.form : null) },
    supports_upload: c.supports_upload === true,
    debug_mode: c.debug_mode === true,
    conversation_history: c.conversation_history === true,
    show_usage: c.show_usage === true,
    authentication: {
      enabled: auth.enabled === true,
      auth_types: Array.isArray(auth.auth_types) ? auth.auth_types.filter((t: unknown) => typeof t === "string") : [],
      oauth2_providers: Array.isArray(auth.oauth2_providers) ? auth.oauth2_providers : [],
    },
  };
}

// Older Ragbits servers send fewer keys (no `meta`, no `starter_questions`, a null `header`).
function customization(raw: unknown): CustomizationSettings | null {
  if (!isObject(raw)) return null;
  const header = isObject(raw.header) ? raw.header : {};
  const meta = isObject(raw.meta) ? raw.meta : {};
  return {
    header: { title: stringOrNull(header.title), subtitle: stringOrNull(header.subtitle), logo: stringOrNull(header.logo) },
    welcome_message: stringOrNull(raw.welcome_message),
    starter_questions: Array.isArray(raw.starter_questions) ? raw.starter_questions.filter((q: unknown): q is string => typeof q === "string") : null,
    meta: { favicon: stringOrNull(meta.favicon), page_title: stringOrNull(meta.page_title) },
  };
}

function stringOrNull(raw: unknown): string | null {
  return typeof raw === "string" ? raw : null;
}

function feedbackItem(raw: unknown): FeedbackItemSettings {
  const item = isObject(raw) ? raw : {};
  return { enabled: item.enabled === true, form: schemaOrNull(item.form) };
}

function schemaOrNull(raw: unknown): JsonSchema | null {
  return isObject(raw) ? raw : null;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
