import { z } from "zod";

/** A form: a JSON Schema object, or a zod schema (converted to JSON Schema for the UI). */
export type FormSchema = Record<string, unknown> | z.ZodType;

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

/** JSON Schema for a form, whichever way it was given. */
export function toJsonSchema(form: FormSchema | null | undefined): Record<string, unknown> | null {
  if (!form) return null;
  if (isZodSchema(form)) return z.toJSONSchema(form) as Record<string, unknown>;
  return form;
}

function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === "object" && value !== null && "_zod" in value;
}
