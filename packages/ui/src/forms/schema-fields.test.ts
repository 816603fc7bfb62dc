import { initialValues, schemaToForm, toPayload, validate } from "./schema-fields";

// What Pydantic emits for Ragbits' example feedback form (Literal enum, required, $defs).
const pydanticDislike = {
  title: "Dislike Form",
  type: "object",
  $defs: { Issue: { enum: ["Incorrect information", "Not helpful", "Other"], title: "Issue", type: "string" } },
  properties: {
    issue_type: { $ref: "#/$defs/Issue", description: "What was the issue?" },
    feedback: { type: "string", minLength: 1, title: "Feedback", description: "Please provide more details" },
    contact_me: { anyOf: [{ type: "boolean" }, { type: "null" }], default: null, title: "Contact Me" },
  },
  required: ["issue_type", "feedback"],
};

// What zod's toJSONSchema emits for a settings form.
const zodSettings = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    language: { type: "string", enum: ["English", "Polish"], default: "English" },
    temperature: { type: "number", minimum: 0, maximum: 2, default: 0.7 },
    maxTokens: { type: "integer", minimum: 1 },
    tags: { type: "array", items: { type: "string", enum: ["a", "b"] } },
    nickname: { type: "string", maxLength: 40 },
    nested: { type: "object", properties: {} },
  },
  required: ["language", "temperature"],
  additionalProperties: false,
};

describe("schemaToForm", () => {
  it("reads Pydantic schemas: $ref enums, nullable unions, titles and descriptions", () => {
    const form = schemaToForm(pydanticDislike);
    expect(form.title).toBe("Dislike Form");
    expect(form.fields).toEqual([
      expect.objectContaining({ name: "issue_type", label: "Issue", kind: "enum", required: true, description: "What was the issue?", options: ["Incorrect information", "Not helpful", "Other"] }),
      expect.objectContaining({ name: "feedback", label: "Feedback", kind: "text", required: true, minLength: 1 }),
      expect.objectContaining({ name: "contact_me", label: "Contact Me", kind: "boolean", required: false }),
    ]);
  });

  it("reads zod schemas, humanizes names and skips what it cannot render", () => {
    const form = schemaToForm(zodSettings);
    expect(form.fields.map((f) => [f.name, f.label, f.kind])).toEqual([
      ["language", "Language", "enum"],
      ["temperature", "Temperature", "number"],
      ["maxTokens", "Max Tokens", "integer"],
      ["tags", "Tags", "multi-enum"],
      ["nickname", "Nickname", "string"],
    ]);
  });
});

describe("form values", () => {
  const form = schemaToForm(zodSettings);

  it("start from defaults, overridden by stored values", () => {
    expect(initialValues(form)).toEqual({ language: "English", temperature: 0.7, tags: [] });
    expect(initialValues(form, { language: "Polish" })).toMatchObject({ language: "Polish", temperature: 0.7 });
  });

  it("are validated: required, number ranges, integers, enum membership", () => {
    expect(validate(form, { language: "", temperature: "3", maxTokens: "1.5" })).toEqual({
      language: "Language is required.",
      temperature: "Temperature must be at most 2.",
      maxTokens: "Max Tokens must be a whole number.",
    });
    expect(validate(form, { language: "Klingon", temperature: 1 })).toEqual({ language: "Choose a value for Language." });
    expect(validate(form, { language: "Polish", temperature: 1 })).toEqual({});
  });

  it("treat whitespace as empty for minLength 1", () => {
    const dislike = schemaToForm(pydanticDislike);
    expect(validate(dislike, { issue_type: "Other", feedback: "   " })).toEqual({ feedback: "Feedback is required." });
  });

  it("become a payload with numbers as numbers and empty optional fields left out", () => {
    expect(toPayload(form, { language: "Polish", temperature: "1.5", maxTokens: "", nickname: "  ", tags: ["a"] })).toEqual({ language: "Polish", temperature: 1.5, tags: ["a"] });
    const dislike = schemaToForm(pydanticDislike);
    expect(toPayload(dislike, { issue_type: "Other", feedback: "Wrong date", contact_me: false })).toEqual({ issue_type: "Other", feedback: "Wrong date", contact_me: false });
  });
});
