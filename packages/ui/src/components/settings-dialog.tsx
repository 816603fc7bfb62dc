import type { JsonObject, JsonSchema } from "../util/json-types";
import { JsonSchemaForm } from "../forms/json-schema-form";
import { Dialog } from "./dialog";

interface Props {
  schema: JsonSchema;
  values: JsonObject;
  onSave: (values: JsonObject) => void;
  onClose: () => void;
}

/** The server's user-settings form; saved values go with every message as `context.user_settings`. */
export function SettingsDialog({ schema, values, onSave, onClose }: Props) {
  const title = typeof schema.title === "string" && schema.title.trim() ? schema.title : "Chat settings";
  return (
    <Dialog title={title} onClose={onClose}>
      <JsonSchemaForm
        schema={schema}
        idPrefix="user-settings"
        stored={values}
        submitLabel="Save"
        onSubmit={(payload) => {
          onSave(payload);
          onClose();
        }}
        onCancel={onClose}
      />
    </Dialog>
  );
}
