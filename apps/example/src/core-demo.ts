/**
 * Step 0 of the tutorial: call an LLM and stream its answer to the terminal.
 * With a provider key in the environment it uses that provider (RAGBITS_MODEL, default gpt-4o-mini);
 * with none it says so and streams from the offline MockLLM.
 */
import { LiteLLM, type LLM, MockLLM } from "@ragbits/core";

const modelName = process.env.RAGBITS_MODEL ?? "gpt-4o-mini";
const hasKey = Boolean(process.env.OPENAI_API_KEY || process.env.ANTHROPIC_API_KEY || process.env.AZURE_API_KEY || modelName.startsWith("ollama/"));

const llm: LLM = hasKey
  ? new LiteLLM({ modelName })
  : new MockLLM({ response: "No provider key is set, so this answer comes from the offline MockLLM. Set OPENAI_API_KEY (or another provider's key) to talk to a real model.", chunkDelayMs: 40 });
if (!hasKey) console.log("[example] no provider API key found: running on the offline MockLLM");

const question = process.argv.slice(2).join(" ") || "Say hello to a new Ragbits user in one sentence.";
const stream = llm.generateStreaming([
  { role: "system", content: "You are a friendly assistant." },
  { role: "user", content: question },
]);
for await (const chunk of stream) process.stdout.write(chunk);
process.stdout.write(`\n\n[${stream.metadata.provider}/${stream.metadata.model}] ${JSON.stringify(stream.usage)}\n`);
