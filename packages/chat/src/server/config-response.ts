import { type OAuth2Provider } from "../auth/oidc/oauth2-provider";
import { toJsonSchema } from "../interface/chat-config";
import { type ChatInterface } from "../interface/chat-interface";
import { type AuthContext } from "./api-context";

/**
 * GET /api/config: what the UI should offer. Every key is always present, in this order; with a
 * bare ChatInterface the JSON is byte for byte the default of PROTOCOL.md.
 */
export function buildConfigResponse(chat: ChatInterface, options: { debugMode: boolean; auth: Pick<AuthContext, "backend" | "providers"> | undefined }): Record<string, unknown> {
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
    authentication: authentication(options.auth),
  };
}

/**
 * Which ways to sign in the UI offers, as Python Ragbits says it: "credentials" with a password
 * backend, "oauth2" with providers, each provider with its button (`OAuth2ProviderConfig`).
 */
function authentication(auth: Pick<AuthContext, "backend" | "providers"> | undefined): Record<string, unknown> {
  if (!auth) return { enabled: false, auth_types: [], oauth2_providers: [] };
  const providers = [...auth.providers.values()];
  return {
    enabled: true,
    auth_types: [...(auth.backend ? ["credentials"] : []), ...(providers.length > 0 ? ["oauth2"] : [])],
    oauth2_providers: providers.map(providerConfig),
  };
}

// Python Ragbits' defaults for a provider without a style of its own: gray, white text.
function providerConfig(provider: OAuth2Provider): Record<string, unknown> {
  const { color = "#6B7280", buttonColor, textColor, iconSvg = null } = provider.button;
  return {
    name: provider.name,
    display_name: provider.displayName,
    color,
    button_color: buttonColor ?? color,
    text_color: textColor ?? "#FFFFFF",
    icon_svg: iconSvg,
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
