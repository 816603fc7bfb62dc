import type { JsonObject, JsonSchema } from "../util/json-types";
import { initialValues, schemaToForm, toPayload } from "../forms/schema-fields";
import { readStoredJson, writeStored } from "../util/local-store";

const KEY = "user-settings";

/**
 * The values of the user-settings form, kept in localStorage. Starts from the schema's defaults so
 * the server gets complete settings even before the user opens the form.
 */
export function loadUserSettings(schema: JsonSchema | null): JsonObject | null {
  if (!schema) return null;
  const form = schemaToForm(schema);
  return toPayload(form, initialValues(form, readStoredJson<JsonObject>(KEY)));
}

export function saveUserSettings(values: JsonObject): void {
  writeStored(KEY, JSON.stringify(values));
}
