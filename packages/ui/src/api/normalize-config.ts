import { type FeedbackItem, type JsonSchema, type ServerConfig } from "./protocol-types";

/**
 * /api/config with every key present and of the right type, whatever the server (or an older
 * Python Ragbits) sent, so the rest of the UI never checks for missing fields.
 */
export function normalizeConfig(raw: unknown): ServerConfig {
  const c = (isObject(raw) ? raw : {}) as Record<string, any>;
  const feedback = isObject(c.feedback) ? c.feedback : {};
  const auth = isObject(c.authentication) ? c.authentication : {};
  return {
    feedback: { like: feedbackItem(feedback.like), dislike: feedbackItem(feedback.dislike) },
    customization: isObject(c.customization) ? c.customization : null,
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

function feedbackItem(raw: unknown): FeedbackItem {
  const item = isObject(raw) ? raw : {};
  return { enabled: item.enabled === true, form: schemaOrNull(item.form) };
}

function schemaOrNull(raw: unknown): JsonSchema | null {
  return isObject(raw) ? raw : null;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
