// Tutorial step 4: give the model a tool. The UI shows each tool call as a live update while it runs.
//   npx ragbits api run src/steps/04-tools.ts:WeatherChat
import { type ChatContext, ChatInterface, type ChatResponse } from "@ragbits/chat";
import { type ChatFormat, LiteLLM, type LLM, type Message, MockLLM, runTools, tool } from "@ragbits/core";
import { z } from "zod";
import { modelName, offline } from "../tutorial-llm";

/** A made-up forecast, so the step runs anywhere; swap in a real weather API. */
export const weather = tool({
  name: "get_weather",
  description: "The current weather in a city: temperature in °C and the sky.",
  parameters: z.object({ city: z.string().describe("The city, e.g. Paris") }),
  execute: async ({ city }, { signal }) => {
    // A real tool would `fetch(url, { signal })`: the signal aborts when the user stops the answer.
    await new Promise((resolve) => setTimeout(resolve, 300));
    signal.throwIfAborted();
    const skies = ["sunny", "cloudy", "rainy"];
    return { city, temperatureC: 12 + (city.length % 10), sky: skies[city.length % skies.length]! };
  },
});

export class WeatherChat extends ChatInterface {
  llm: LLM = offline ? offlineWeatherModel() : new LiteLLM({ modelName });

  override uiCustomization = {
    header: { title: "Weather chat", subtitle: "a model with a tool", logo: null },
    welcomeMessage: "Ask about the weather anywhere: the model calls the `get_weather` tool and answers from its result.",
    starterQuestions: ["What's the weather in Paris?", "Is it warmer in Rome or in Oslo?"],
  };
  override showUsage = true;

  async *chat(message: string, history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    const run = runTools(this.llm, [...history, { role: "user", content: message }], { tools: [weather], maxSteps: 4 });
    let stepHadText: boolean | null = false; // null: the previous step wrote text
    for await (const item of run) {
      if (typeof item === "string") {
        // Each model call (step) writes its own paragraph.
        if (stepHadText === null) yield this.createTextResponse("\n\n");
        stepHadText = true;
        yield this.createTextResponse(item);
      } else if (item.type === "step_finish") stepHadText = stepHadText ? null : false;
      else if (item.type === "tool_call") yield this.createLiveUpdate(item.id, "START", `Checking the weather in ${String(item.arguments.city ?? "…")}`);
      else if (item.type === "tool_result") {
        const result = item.result as { city: string; temperatureC: number; sky: string } | undefined;
        yield this.createLiveUpdate(item.toolCallId, "FINISH", result ? `Weather in ${result.city}` : "The weather service failed", result ? `${result.temperatureC} °C, ${result.sky}` : (item.error?.message ?? null));
      }
    }
    // One usage record per model call (the run also has them summed: `await run.usage`).
    yield this.createUsageResponse((await run.steps).map((step) => ({ usage: step.usage, metadata: step.metadata })));
  }
}

/**
 * Offline, MockLLM plays the model: it calls get_weather for every city it recognises in the
 * question, then answers from the tool results.
 */
function offlineWeatherModel(): MockLLM {
  const citiesIn = (text: string) => [...text.matchAll(/\b(?:in|or|and) ([A-Z][a-zà-ž]+)/g)].map((match) => match[1]!);
  return new MockLLM({
    modelName: "offline-demo",
    chunkDelayMs: 20,
    toolCalls: (messages) => {
      const turn = currentTurn(messages);
      if (turn.some((message) => message.role === "tool")) return [];
      const question = typeof turn[0]?.content === "string" ? turn[0].content : "";
      const cities = citiesIn(question);
      return (cities.length ? cities : ["Warsaw"]).map((city, index) => ({ id: `call_weather_${index}`, name: "get_weather", arguments: { city } }));
    },
    response: (messages) => {
      const results = currentTurn(messages).filter((message) => message.role === "tool");
      if (results.length === 0) return "Let me check.";
      const lines = results.map((message) => JSON.parse(String(message.content)) as { city: string; temperatureC: number; sky: string }).map((w) => `${w.city}: ${w.temperatureC} °C and ${w.sky}`);
      return `Here is the weather (offline demo data): ${lines.join("; ")}.`;
    },
  });
}

/** The messages since the last user message, that one included. */
function currentTurn(messages: readonly Message[]): Message[] {
  for (let index = messages.length - 1; index >= 0; index--) if (messages[index]!.role === "user") return messages.slice(index);
  return [];
}
