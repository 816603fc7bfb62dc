import { LiteLLM, MockLLM, OpenAILLM } from "@ragbits/core";
import pino from "pino";
import { ChatInterface } from "../interface/chat-interface";
import { type ChatResponse } from "../protocol/chat-response";
import { StateSigner } from "../state/state-signing";
import { findModelProblems } from "./model-configuration";
import { RagbitsAPI } from "./ragbits-api";

const ENV_KEYS = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"];
const savedEnv = { ...process.env };
beforeEach(() => {
  for (const key of ENV_KEYS) delete process.env[key];
});
afterAll(() => {
  process.env = savedEnv;
});

abstract class Base extends ChatInterface {
  async *chat(): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse("hi");
  }
}

describe("findModelProblems: the models a chat holds that lack configuration", () => {
  it("finds them in the chat's fields, in an agent's field and in lists, and says what to set", () => {
    class Helpdesk extends Base {
      llm = new LiteLLM({ modelName: "gpt-4o-mini" });
      agent = { name: "triage", llm: new LiteLLM({ modelName: "claude-3-5-haiku-latest" }) };
      fallbacks = [new MockLLM(), new LiteLLM({ modelName: "ollama/llama3.2" })];
      offline = new MockLLM();
    }
    const problems = findModelProblems(new Helpdesk());
    expect(problems.map(({ field, provider, model }) => ({ field, provider, model }))).toEqual([
      { field: "llm", provider: "openai", model: "gpt-4o-mini" },
      { field: "agent.llm", provider: "anthropic", model: "claude-3-5-haiku-latest" },
    ]);
    expect(problems[0]!.problem).toMatch(/OPENAI_API_KEY/);
    expect(problems[1]!.problem).toMatch(/ANTHROPIC_API_KEY/);
  });

  it("finds nothing once the keys are in the environment or passed", () => {
    process.env.OPENAI_API_KEY = "sk-secret-value-0123456789";
    class Configured extends Base {
      llm = new LiteLLM({ modelName: "gpt-4o-mini" });
      other = new OpenAILLM({ modelName: "gpt-4o", apiKey: "sk-passed-0123456789" });
    }
    expect(findModelProblems(new Configured())).toEqual([]);
  });

  it("ignores a model whose check throws, and objects that only look like models", () => {
    class Odd extends Base {
      custom = { provider: "mine", modelName: "m", generateStreaming: () => undefined, configurationProblem: () => { throw new Error("boom"); } };
      notAModel = { provider: "x", modelName: "y" };
      cycle: Record<string, unknown> = {};
      constructor() {
        super();
        this.cycle.self = this.cycle;
      }
    }
    expect(findModelProblems(new Odd())).toEqual([]);
  });
});

describe("RagbitsAPI.setup() warns once per unconfigured model", () => {
  it("logs which model, which variable, what users will see and the offline alternative", async () => {
    const lines: Array<Record<string, any>> = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    class TutorialChat extends Base {
      llm = new LiteLLM({ modelName: "gpt-4o-mini" });
    }
    const api = new RagbitsAPI(TutorialChat, { logger, stateSigner: new StateSigner("test-key") });
    await api.setup();
    await api.setup();
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ field: "llm", provider: "openai", model: "gpt-4o-mini" });
    expect(warnings[0]!.msg).toBe(
      "TutorialChat.llm cannot answer: openai (gpt-4o-mini): no API key: set the OPENAI_API_KEY environment variable or pass `apiKey` (for a local OpenAI-compatible server, pass `baseUrl` or set OPENAI_BASE_URL). " +
        "Until that is set, every answer is an error saying this server is not configured. " +
        'To try the chat without a provider key, use MockLLM (or a "mock/<name>" model name), which answers offline with canned text.',
    );
    await api.close();
  });

  it("says nothing for a chat whose models are configured", async () => {
    const lines: Array<Record<string, any>> = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    class Offline extends Base {
      llm = new MockLLM();
    }
    const api = new RagbitsAPI(Offline, { logger, stateSigner: new StateSigner("test-key") });
    await api.setup();
    expect(lines.filter((line) => line.level >= 40)).toEqual([]);
    await api.close();
  });
});
