/**
 * Without a key the example runs its offline demo, and says so the same way everywhere — the console
 * notice, the UI's header and its welcome message name the model that is not set up and the one
 * variable that would switch it on; the server itself warns about nothing (MockLLM needs no key).
 */
import { type ExampleModules, getJson, loadExample, setProviderEnv } from "./helpers";

let restoreEnv: () => void;
afterEach(() => restoreEnv?.());

async function loadWith(env: Record<string, string>): Promise<{ example: ExampleModules; notices: string[] }> {
  restoreEnv = setProviderEnv(env);
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    const example = await loadExample();
    return { example, notices: log.mock.calls.map((args) => args.join(" ")).filter((line) => line.startsWith("[example]")) };
  } finally {
    log.mockRestore();
  }
}

it.each([
  ["gpt-4o-mini (the default)", {}, "gpt-4o-mini", "OPENAI_API_KEY"],
  ["RAGBITS_MODEL=claude-3-5-haiku-latest", { RAGBITS_MODEL: "claude-3-5-haiku-latest" }, "claude-3-5-haiku-latest", "ANTHROPIC_API_KEY"],
])("%s without its key: the notice, header and welcome name the same model and variable", async (_name, env, model, variable) => {
  const { example, notices } = await loadWith(env);
  expect(example.tutorialLLM.offline).toBe(true);
  expect(notices).toHaveLength(1);
  expect(notices[0]).toContain(`(${model}): no API key: set the ${variable} environment variable`);
  expect(notices[0]).toContain("offline MockLLM demo");

  const chat = new example.main.SimpleStreamingChat();
  const server = await new example.chat.RagbitsAPI(chat).run({ host: "127.0.0.1", port: 0 });
  try {
    const { customization } = await getJson(`${server.url}/api/config`);
    expect(customization.header.subtitle).toBe(`offline demo — ${variable} is not set, answers come from MockLLM`);
    expect(customization.welcome_message).toContain(`${variable} is not set, so answers come from \`MockLLM\` instead of **${model}**`);
    expect(customization.welcome_message).toContain(`Set \`${variable}\``);
    for (const other of ["OPENAI_API_KEY", "ANTHROPIC_API_KEY"].filter((name) => name !== variable)) {
      expect(`${notices[0]} ${customization.header.subtitle} ${customization.welcome_message}`).not.toContain(other);
    }
  } finally {
    await server.close();
  }
});
