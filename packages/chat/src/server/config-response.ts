import { toJsonSchema } from "../interface/chat-config";
import { type ChatInterface } from "../interface/chat-interface";

/**
 * GET /api/config: what the UI should offer. Every key is always present, in this order; with a
 * bare ChatInterface the JSON is byte for byte the default of PROTOCOL.md.
 */
export function buildConfigResponse(chat: ChatInterface, options: { debugMode: boolean; authEnabled: boolean }): Record<string, unknown> {
  const { like, dislike } = chat.feedbackConfig;
  return {
    feedback: {
      like: { enabled: like?.enabled ?? false, form: toJsonSchema(like?.form, "feedbackConfig.like.form") },
      dislike: { enabled: dislike?.enabled ?? false, form: toJsonSchema(dislike?.form, "feedbackConfig.dislike.form") },
    },
    customization: customization(chat),
    user_settings: { form: toJsonSchema(chat.userSettings.form, "userSettings.form") },
    supports_upload: chat.uploadHandler !== null,
    debug_mode: options.debugMode,
    conversation_history: chat.conversationHistory,
    show_usage: chat.showUsage,
    authentication: options.authEnabled ? { enabled: true, auth_types: ["credentials"], oauth2_providers: [] } : { enabled: false, auth_types: [], oauth2_providers: [] },
  };
}

function customization(chat: ChatInterface): Record<string, unknown> | null {
  const ui = chat.uiCustomization;
  if (!ui) return null;
  return {
    header: { title: ui.header?.title ?? null, subtitle: ui.header?.subtitle ?? null, logo: ui.header?.logo ?? null },
    welcome_message: ui.welcomeMessage ?? null,
    starter_questions: ui.starterQuestions ?? null,
    meta: { favicon: ui.meta?.favicon ?? null, page_title: ui.meta?.pageTitle ?? null },
  };
}
