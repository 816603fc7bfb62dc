import { mergeOptions } from "./llm-options";

describe("mergeOptions", () => {
  it("lays call options over defaults; an explicit undefined keeps the default", () => {
    expect(mergeOptions({ temperature: 0.2, maxTokens: 100 }, { temperature: 0.7, maxTokens: undefined, topP: 0.5 })).toEqual({ temperature: 0.7, maxTokens: 100, topP: 0.5 });
  });

  it("merges provider options per provider", () => {
    const merged = mergeOptions({ providerOptions: { openai: { user: "a", store: true }, anthropic: { metadata: {} } } }, { providerOptions: { openai: { user: "b" } } });
    expect(merged.providerOptions).toEqual({ openai: { user: "b", store: true }, anthropic: { metadata: {} } });
  });

  it("does not modify its inputs", () => {
    const defaults = { temperature: 0.1, providerOptions: { openai: { user: "a" } } };
    mergeOptions(defaults, { temperature: 1, providerOptions: { openai: { user: "b" } } });
    expect(defaults).toEqual({ temperature: 0.1, providerOptions: { openai: { user: "a" } } });
  });
});
