import { z } from "zod";
import { PromptDefinitionError, PromptInputError } from "../errors/definition-errors";
import { MockLLM } from "../mock/mock-llm";
import { attachmentToContentPart } from "./attachment";
import { definePrompt } from "./define-prompt";
import { Prompt } from "./prompt";

const Ticket = z.object({ category: z.enum(["billing", "bug", "other"]), urgent: z.boolean() });

describe("definePrompt", () => {
  const TicketPrompt = definePrompt({
    name: "support-ticket",
    input: z.object({ text: z.string().min(1), customer: z.object({ name: z.string(), plan: z.string() }), tags: z.array(z.object({ label: z.string() })).default([]) }),
    output: Ticket,
    system: "You triage tickets for {{ customer.plan }} customers.",
    user: "From {{ customer.name }}: {{ text }}{{#tags}} [{{ label }}]{{/tags}}",
    examples: [{ input: { text: "Charged twice", customer: { name: "Ann", plan: "pro" } }, output: { category: "billing", urgent: true } }],
  });

  it("renders system, examples, history and the user message, in that order", () => {
    const prompt = new TicketPrompt(
      { text: "App crashes", customer: { name: "Bob", plan: "free" }, tags: [{ label: "ios" }, { label: "v2" }] },
      { history: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }] },
    );
    expect(prompt.toChatFormat()).toEqual([
      { role: "system", content: "You triage tickets for free customers." },
      { role: "user", content: "From Ann: Charged twice" },
      { role: "assistant", content: '{"category":"billing","urgent":true}' },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello" },
      { role: "user", content: "From Bob: App crashes [ios] [v2]" },
    ]);
    expect(prompt.name).toBe("support-ticket");
    expect(TicketPrompt.name).toBe("SupportTicketPrompt");
    expect(prompt).toBeInstanceOf(Prompt);
    expect(Prompt.isInstance(prompt)).toBe(true);
  });

  it("validates the input when the prompt is created, defaults applied", () => {
    expect(new TicketPrompt({ text: "x", customer: { name: "A", plan: "p" } }).input).toEqual({ text: "x", customer: { name: "A", plan: "p" }, tags: [] });
    const failure = (() => {
      try {
        return new TicketPrompt({ text: "", customer: { name: "A" } } as never);
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(PromptInputError);
    expect((failure as PromptInputError).issues.map((issue) => issue.path)).toEqual([["text"], ["customer", "plan"]]);
    expect((failure as Error).message).toMatch(/^invalid input for prompt "support-ticket": text: Too small/);
  });

  it("does not HTML-escape values, and writes objects as JSON", () => {
    const Quote = definePrompt({ input: z.object({ text: z.string(), meta: z.object({ n: z.number() }) }), user: "{{ text }} {{ meta }}" });
    expect(new Quote({ text: `<b>"Tom" & Jerry</b>`, meta: { n: 1 } }).toChatFormat()).toEqual([{ role: "user", content: `<b>"Tom" & Jerry</b> {"n":1}` }]);
  });

  it("fails when defined if a template names a variable the input schema lacks", () => {
    const define = (user: string) => () => definePrompt({ name: "t", input: z.object({ text: z.string(), items: z.array(z.object({ title: z.string() })) }), user });
    expect(define("{{ txt }}")).toThrow(new PromptDefinitionError('prompt "t", user template: the template names {{ txt }}, which the input schema does not have (it has: text, items)'));
    expect(define("{{ text.length }} {{#items}}{{ title }}{{/items}}")).not.toThrow();
    // Inside a section, names resolve against the item first, then the outer input.
    expect(define("{{#items}}{{ title }} of {{ text }}{{/items}}")).not.toThrow();
    expect(define("{{#items}}{{ name }}{{/items}}")).toThrow(/names \{\{ name \}\}/);
    expect(define("{{^items}}none{{/items}}{{ other }}")).toThrow(/names \{\{ other \}\}/);
    expect(define("{{#items}}unclosed")).toThrow(/cannot be parsed: Unclosed section "items"/);
    expect(define("{{> header }}")).toThrow(/partials/);
    expect(() => definePrompt({ system: "Hi {{ name }}", user: "x" })).toThrow(/names \{\{ name \}\}, which the input schema does not have \(the prompt has no input schema\)/);
  });

  it("fails when defined if an example does not match the schemas", () => {
    expect(() => definePrompt({ name: "t", input: z.object({ text: z.string() }), output: Ticket, user: "{{ text }}", examples: [{ input: { text: "x" }, output: { category: "refund", urgent: true } as never }] })).toThrow(
      /prompt "t", example 1: its output does not match the output schema: category: Invalid option/,
    );
    expect(() => definePrompt({ name: "t", input: z.object({ text: z.string() }), user: "{{ text }}", examples: [{ input: { txt: "x" } as never, output: "y" }] })).toThrow(/example 1: its input does not match the input schema: text:/);
  });

  it("takes typed function templates and content parts", () => {
    const Describe = definePrompt({
      input: z.object({ url: z.string() }),
      system: ({ url }) => `Describe ${new URL(url).hostname} images.`,
      user: ({ url }) => [
        { type: "text", text: "What is this?" },
        { type: "image_url", image_url: { url } },
      ],
    });
    expect(new Describe({ url: "https://example.com/cat.png" }).toChatFormat()).toEqual([
      { role: "system", content: "Describe example.com images." },
      { role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: "https://example.com/cat.png" } }] },
    ]);
  });

  it("adds the definition's attachments and the instance's after the text", () => {
    const Look = definePrompt({ input: z.object({ photo: z.string() }), user: "Look:", attachments: ({ photo }) => [{ url: photo, detail: "low" }] });
    const prompt = new Look({ photo: "https://example.com/a.jpg" }, { attachments: [{ data: new Uint8Array([1, 2, 3]), mimeType: "application/pdf", filename: "a.pdf" }] });
    expect(prompt.toChatFormat()).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Look:" },
          { type: "image_url", image_url: { url: "https://example.com/a.jpg", detail: "low" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,AQID", filename: "a.pdf" } },
        ],
      },
    ]);
  });

  it("renders without an instance, and a prompt without input takes no argument", () => {
    const Joke = definePrompt({ user: "Tell me a joke." });
    expect(new Joke().toChatFormat()).toEqual([{ role: "user", content: "Tell me a joke." }]);
    expect(TicketPrompt.render({ text: "x", customer: { name: "A", plan: "p" } }).at(-1)).toEqual({ role: "user", content: "From A: x" });
  });

  it("is answered as the output schema's value, named after the prompt", async () => {
    const llm = new MockLLM({ output: { category: "bug", urgent: false } });
    const ticket = await llm.generate(new TicketPrompt({ text: "Crash", customer: { name: "A", plan: "p" } }));
    expect(ticket).toEqual({ category: "bug", urgent: false });
    expect(llm.calls[0]!.output).toMatchObject({ name: "support-ticket", wrapped: false, mode: "auto" });
  });

  it("shows a non-object output as { value } in examples, as the model is asked to answer", () => {
    const Questions = definePrompt({ output: z.array(z.string()), user: "Ask", examples: [{ input: {}, output: ["Why?"] }] });
    expect(new Questions().toChatFormat()[1]).toEqual({ role: "assistant", content: '{"value":["Why?"]}' });
  });
});

describe("attachmentToContentPart", () => {
  it("maps images and PDFs, by URL or bytes", () => {
    expect(attachmentToContentPart({ url: "https://x.test/a.png" })).toEqual({ type: "image_url", image_url: { url: "https://x.test/a.png" } });
    expect(attachmentToContentPart({ url: "https://x.test/report.pdf?v=2" })).toEqual({ type: "file", file: { file_url: "https://x.test/report.pdf?v=2", filename: "document.pdf" } });
    expect(attachmentToContentPart({ data: new Uint8Array([255, 216]).buffer, mimeType: "image/jpeg" })).toEqual({ type: "image_url", image_url: { url: "data:image/jpeg;base64,/9g=" } });
    expect(attachmentToContentPart({ data: "JVBERi0x", mimeType: "application/pdf", filename: "r.pdf" })).toEqual({ type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0x", filename: "r.pdf" } });
    expect(attachmentToContentPart({ url: "data:application/pdf;base64,JVBERi0x" })).toEqual({ type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0x", filename: "document.pdf" } });
  });
});
