import { type FormSchema, formJsonSchema } from "./form-json-schema";

export { type FormSchema, FormSchemaError, type JsonSchemaObject, type LegacyZodSchemaLike, type StandardSchemaLike } from "./form-json-schema";

export interface FeedbackItemConfig {
  enabled?: boolean;
  form?: FormSchema | null;
}

export interface FeedbackConfig {
  like?: FeedbackItemConfig;
  dislike?: FeedbackItemConfig;
}

export interface UICustomization {
  header?: { title?: string | null; subtitle?: string | null; logo?: string | null } | null;
  /** Markdown. */
  welcomeMessage?: string | null;
  starterQuestions?: string[] | null;
  meta?: { favicon?: string | null; pageTitle?: string | null } | null;
}

export interface UserSettingsConfig {
  form?: FormSchema | null;
}

/**
 * JSON Schema for a form, whichever way it was given: zod 4, zod 3 (also zod 3.25's `zod/v3` and
 * `zod/v4`) or a JSON Schema object. Throws FormSchemaError for anything else.
 */
export function toJsonSchema(form: FormSchema | null | undefined, name?: string): Record<string, unknown> | null {
  return formJsonSchema(form, name);
}

/**
 * Every form a chat declares, converted once so that a schema the UI could not use fails at start-up
 * (RagbitsAPI.setup()) with a message naming the form, instead of sending the UI a broken form.
 */
export function checkForms(chat: { feedbackConfig: FeedbackConfig; userSettings: UserSettingsConfig }): void {
  toJsonSchema(chat.feedbackConfig.like?.form, "feedbackConfig.like.form");
  toJsonSchema(chat.feedbackConfig.dislike?.form, "feedbackConfig.dislike.form");
  toJsonSchema(chat.userSettings.form, "userSettings.form");
}
