import { useMemo, useState } from "preact/hooks";
import type { JsonObject, JsonSchema } from "../util/json-types";
import { type FieldSpec, type FormValues, initialValues, schemaToForm, toPayload, validate } from "./schema-fields";

interface Props {
  schema: JsonSchema;
  /** Prefix for element ids, unique per form on the page. */
  idPrefix: string;
  stored?: FormValues | null;
  submitLabel: string;
  onSubmit: (payload: JsonObject) => void | Promise<void>;
  onCancel: () => void;
}

/** A form generated from a JSON Schema; submits only valid values. */
export function JsonSchemaForm({ schema, idPrefix, stored = null, submitLabel, onSubmit, onCancel }: Props) {
  const form = useMemo(() => schemaToForm(schema), [schema]);
  const [values, setValues] = useState<FormValues>(() => initialValues(form, stored));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const setValue = (name: string, value: unknown) => setValues((v) => ({ ...v, [name]: value }));

  const submit = async (event: Event) => {
    event.preventDefault();
    const found = validate(form, values);
    setErrors(found);
    const first = Object.keys(found)[0];
    if (first) {
      document.getElementById(`${idPrefix}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await onSubmit(toPayload(form, values));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="schema-form" onSubmit={submit} noValidate>
      {form.description && <p class="form-description">{form.description}</p>}
      {form.fields.map((field) => (
        <Field key={field.name} field={field} id={`${idPrefix}-${field.name}`} value={values[field.name]} error={errors[field.name]} onChange={setValue} />
      ))}
      <div class="form-actions">
        <button type="button" class="button secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="button primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

interface FieldProps {
  field: FieldSpec;
  id: string;
  value: unknown;
  error?: string;
  onChange: (name: string, value: unknown) => void;
}

function Field({ field, id, value, error, onChange }: FieldProps) {
  const describedBy = [field.description ? `${id}-desc` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const common = { id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined, "aria-required": field.required || undefined };
  const label = (
    <label for={id} class="field-label">
      {field.label}
      {field.required && <span class="required" aria-hidden="true"> *</span>}
    </label>
  );
  const help = field.description && (
    <p id={`${id}-desc`} class="field-help">
      {field.description}
    </p>
  );
  const errorText = error && (
    <p id={`${id}-error`} class="field-error" role="alert">
      {error}
    </p>
  );

  if (field.kind === "boolean") {
    return (
      <div class="field field-checkbox">
        <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(field.name, e.currentTarget.checked)} />
        {label}
        {help}
        {errorText}
      </div>
    );
  }
  if (field.kind === "multi-enum") {
    return <MultiEnum field={field} id={id} value={value} describedBy={describedBy} help={help} errorText={errorText} onChange={onChange} />;
  }
  return (
    <div class="field">
      {label}
      {help}
      {renderInput(field, common, value, onChange)}
      {errorText}
    </div>
  );
}

function renderInput(field: FieldSpec, common: Record<string, unknown>, value: unknown, onChange: FieldProps["onChange"]) {
  const options = field.options ?? [];
  if (field.kind === "enum") {
    const index = options.findIndex((o) => String(o) === String(value));
    return (
      <select {...common} value={index === -1 ? "" : String(index)} onChange={(e) => onChange(field.name, options[Number(e.currentTarget.value)])}>
        <option value="" disabled={field.required}>
          {field.required ? "Choose…" : "—"}
        </option>
        {options.map((o, i) => (
          <option key={String(o)} value={String(i)}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  }
  const text = value === undefined || value === null ? "" : String(value);
  if (field.kind === "text") {
    return <textarea {...common} rows={3} value={text} maxLength={field.maxLength} onInput={(e) => onChange(field.name, e.currentTarget.value)} />;
  }
  const onInput = (e: { currentTarget: HTMLInputElement }) => onChange(field.name, e.currentTarget.value);
  if (field.kind === "number" || field.kind === "integer") {
    return <input {...common} type="number" step={field.kind === "integer" ? 1 : "any"} min={field.minimum} max={field.maximum} value={text} onInput={onInput} />;
  }
  const type = inputType(field.format);
  if (type === "date") return <input {...common} type="date" value={text} onInput={onInput} />;
  // Preact's types pair each input type with its attributes; these three share the same ones.
  return <input {...common} type={type as "text"} maxLength={field.maxLength} value={text} onInput={onInput} />;
}

function MultiEnum({ field, id, value, describedBy, help, errorText, onChange }: { field: FieldSpec; id: string; value: unknown; describedBy?: string; help: unknown; errorText: unknown; onChange: FieldProps["onChange"] }) {
  const selected = Array.isArray(value) ? value : [];
  const toggle = (option: string | number | boolean, on: boolean) =>
    onChange(field.name, on ? [...selected, option] : selected.filter((s) => s !== option));
  return (
    <fieldset class="field" aria-describedby={describedBy}>
      <legend class="field-label">{field.label}</legend>
      {help}
      {(field.options ?? []).map((option, i) => (
        <label key={String(option)} class="field-choice">
          <input id={i === 0 ? id : undefined} type="checkbox" checked={selected.includes(option)} onChange={(e) => toggle(option, e.currentTarget.checked)} />
          {String(option)}
        </label>
      ))}
      {errorText}
    </fieldset>
  );
}

function inputType(format: string | undefined): "email" | "url" | "date" | "text" {
  if (format === "email") return "email";
  if (format === "uri" || format === "url") return "url";
  if (format === "date") return "date";
  return "text";
}
