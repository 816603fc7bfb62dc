/** A JSON object as the UI passes it around: signed state, settings values, feedback payloads. */
export type JsonObject = Record<string, unknown>;

/** A JSON Schema, as /api/config sends the feedback and user-settings forms. */
export type JsonSchema = JsonObject;
