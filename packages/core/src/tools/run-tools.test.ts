import { z } from "zod";
import { ToolDefinitionError } from "../errors/definition-errors";
import { LLMAbortedError } from "../errors/llm-error";
import { runWithAbortSignal } from "../llm/abort-scope";
import { MockLLM } from "../mock/mock-llm";
import { type Message } from "../prompt/chat-format";
import { runTools } from "./run-tools";
import { tool } from "./tool";

const weather = tool({ name: "get_weather", description: "Weather for a city", parameters: z.object({ city: z.string() }), execute: ({ city }) => `sunny in ${city}` });

/** A model that calls get_weather once per user turn for each city it is scripted with, then answers. */
function scripted(steps: Array<Array<{ name: string; arguments: Record<string, unknown> }>>, answer = "Done."): MockLLM {
  return new MockLLM({
    response: answer,
    toolCalls: (messages: readonly Message[]) => {
      const done = messages.filter((message) => message.role === "assistant").length;
      return (steps[done] ?? []).map((call, index) => ({ id: `call_${done}_${index}`, ...call }));
    },
  });
}

describe("tool()", () => {
  it("refuses names providers reject and parameters that are not an object", () => {
    expect(() => tool({ name: "get weather", parameters: z.object({}) })).toThrow(new ToolDefinitionError('tool name "get weather" is not allowed: use letters, digits, "_" and "-" (at most 64)'));
    expect(() => tool({ name: "t", parameters: z.string() })).toThrow('tool "t": parameters must be an object schema (z.object({ … })), not "string"');
    expect(() => tool({ name: "t", parameters: z.object({ at: z.date() }) })).toThrow(/tool "t": the schema cannot be expressed as JSON Schema: Date cannot be represented/);
  });

  it("describes itself as an OpenAI function tool", () => {
    expect(weather.toTool()).toEqual({ type: "function", function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } });
  });
});

describe("runTools on MockLLM", () => {
  it("stops at the step limit, having run the last step's tools so the conversation stays valid", async () => {
    const llm = scripted([[{ name: "get_weather", arguments: { city: "A" } }], [{ name: "get_weather", arguments: { city: "B" } }], [{ name: "get_weather", arguments: { city: "C" } }]]);
    const run = runTools(llm, "Weather?", { tools: [weather], maxSteps: 2 });
    expect(await run.stopReason).toBe("max-steps");
    expect((await run.steps).map((step) => step.toolResults.map((result) => result.content))).toEqual([["sunny in A"], ["sunny in B"]]);
    expect((await run.messages).map((message) => message.role)).toEqual(["assistant", "tool", "assistant", "tool"]);
    expect(await run.output).toBeUndefined();
    expect(llm.calls).toHaveLength(2);
  });

  it("returns calls of tools without execute to the caller", async () => {
    const confirm = tool({ name: "confirm_order", parameters: z.object({ id: z.string() }) });
    const run = runTools(scripted([[{ name: "confirm_order", arguments: { id: "o1" } }]]), "Order it", { tools: [confirm] });
    expect(await run.stopReason).toBe("tool-without-execute");
    expect((await run.pendingToolCalls).map((call) => call.arguments)).toEqual([{ id: "o1" }]);
  });

  it("tells the model about unknown tools and failing tools, or throws when asked to", async () => {
    const failing = tool({ name: "flaky", parameters: z.object({}), execute: () => Promise.reject(new Error("service down")) });
    const run = runTools(scripted([[{ name: "nope", arguments: {} }, { name: "flaky", arguments: {} }]]), "Go", { tools: [failing] });
    const results = (await run.steps)[0]!.toolResults;
    expect(results.map((result) => result.content)).toEqual(['Error: unknown tool "nope"', "Error: service down"]);
    expect(await run.text).toBe("Done.");

    const strict = runTools(scripted([[{ name: "flaky", arguments: {} }]]), "Go", { tools: [failing], onToolError: "throw" });
    await expect(strict.text).rejects.toThrow("service down");
  });

  it("gives tools the conversation, the call id and the run's signal", async () => {
    const seen: unknown[] = [];
    const spy = tool({ name: "spy", parameters: z.object({}), execute: (_args, context) => void seen.push({ id: context.toolCallId, last: context.messages.at(-1)?.role, aborted: context.signal.aborted }) });
    await runTools(scripted([[{ name: "spy", arguments: {} }]]), "Go", { tools: [spy] }).text;
    expect(seen).toEqual([{ id: "call_0_0", last: "assistant", aborted: false }]);
  });

  it("stops waiting for a tool that ignores the abort, and makes no further model call", async () => {
    const controller = new AbortController();
    const stubborn = tool({ name: "slow", parameters: z.object({}), execute: () => (controller.abort(), new Promise(() => undefined)) });
    const llm = scripted([[{ name: "slow", arguments: {} }]]);
    const run = runTools(llm, "Go", { tools: [stubborn], signal: controller.signal });
    await expect(run.text).rejects.toBeInstanceOf(LLMAbortedError);
    expect(llm.calls).toHaveLength(1);
  });

  it("stops when the ambient signal (a chat turn's) aborts", async () => {
    const controller = new AbortController();
    const aborting = tool({ name: "slow", parameters: z.object({}), execute: async (_args, { signal }) => (controller.abort(), await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))) });
    const llm = scripted([[{ name: "slow", arguments: {} }]]);
    const failure = await runWithAbortSignal(controller.signal, async () => {
      try {
        for await (const _item of runTools(llm, "Go", { tools: [aborting] }));
      } catch (error) {
        return error;
      }
    });
    expect(failure).toBeInstanceOf(LLMAbortedError);
    expect(llm.calls).toHaveLength(1);
  });

  it("answers with a typed structured value after the tools", async () => {
    const llm = new MockLLM({
      output: { city: "Paris", sky: "sunny" },
      toolCalls: (messages) => (messages.some((message) => message.role === "tool") ? [] : [{ name: "get_weather", arguments: { city: "Paris" } }]),
    });
    const run = runTools(llm, "Weather?", { tools: [weather], output: z.object({ city: z.string(), sky: z.string() }) });
    const items: unknown[] = [];
    for await (const item of run) items.push(item);
    expect(await run.output).toEqual({ city: "Paris", sky: "sunny" });
    expect(items.filter((item) => (item as { type?: string }).type === "tool_result")).toHaveLength(1);
    // Both calls asked for the schema; the first answered with a tool call instead.
    expect(llm.calls.map((call) => call.output?.name)).toEqual(["output", "output"]);
  });

  it("cannot be iterated twice, nor after its totals started reading it", async () => {
    const run = runTools(scripted([]), "Hi", { tools: [weather] });
    expect(await run.text).toBe("Done.");
    expect(() => run[Symbol.asyncIterator]()).toThrow(/already being read/);
  });
});
