/**
 * `ragbits api run … --openai-compatible` as a user runs it: the built CLI on a user's project, its
 * keys from RAGBITS_OPENAI_API_KEYS or a file, and its refusal to serve the endpoint without keys on
 * a host other machines reach.
 */
import { existsSync } from "node:fs";
import OpenAI, { AuthenticationError } from "openai";
import { CLI, spawnCli, stopAll, waitForExit, waitForUrl } from "../cli-fixtures/cli-process";
import { UserProject } from "../cli-fixtures/user-project";

jest.setTimeout(90_000);

const ENV_KEYS = ["sk-env-key-number-one", "sk-env-key-number-two"];
const FILE_KEY = "sk-file-key-0123456789";

let project: UserProject;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm --filter @ragbits/chat build\` first`);
  project = new UserProject();
  project.write("openai-keys.txt", `# keys for the OpenAI-compatible endpoint\n${FILE_KEY}\n\n`);
});

afterEach(stopAll);

afterAll(() => project?.remove());

const messages: OpenAI.ChatCompletionMessageParam[] = [
  { role: "user", content: "earlier" },
  { role: "assistant", content: "reply" },
  { role: "user", content: "hello there" },
];

it("refuses --openai-compatible on 0.0.0.0 without keys: exit 1, a message saying how to give keys, never listening", async () => {
  const result = await waitForExit(spawnCli(["api", "run", "main.ts:EchoChat", "--host", "0.0.0.0", "--port", "0", "--openai-compatible"], project.dir, { RAGBITS_OPENAI_API_KEYS: "" }));
  expect({ code: result.code, signal: result.signal }).toEqual({ code: 1, signal: null });
  expect(result.stderr).toMatch(/^ragbits: error: --openai-compatible on --host 0\.0\.0\.0 needs API keys.*RAGBITS_OPENAI_API_KEYS=key1,key2 or --openai-api-keys-file <file>.*listen on 127\.0\.0\.1$/m);
  expect(result.stdout).not.toContain("running at");
  expect(result.stderr).not.toMatch(/^\s+at /m);
});

it("serves the chat as an OpenAI model with the keys of RAGBITS_OPENAI_API_KEYS, and says so without printing them", async () => {
  const server = spawnCli(["api", "run", "main.ts:EchoChat", "--port", "0", "--openai-compatible", "--openai-model", "echo"], project.dir, { RAGBITS_OPENAI_API_KEYS: ` ${ENV_KEYS.join(" , ")} ` });
  const url = await waitForUrl(server);
  expect(server.stdout).toContain(`OpenAI-compatible API at ${url}/v1 (model "echo", 2 API keys)`);
  for (const key of ENV_KEYS) {
    const completion = await new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({ model: "echo", messages });
    expect(completion.choices[0]!.message.content).toBe("v1 hello there (after 2 messages)");
  }
  await expect(new OpenAI({ baseURL: `${url}/v1`, apiKey: "sk-not-a-key", maxRetries: 0 }).models.list()).rejects.toBeInstanceOf(AuthenticationError);
  for (const key of ENV_KEYS) expect(`${server.stdout}${server.stderr}`).not.toContain(key);
});

it("takes keys from --openai-api-keys-file (one per line, # comments) under the default model name", async () => {
  const server = spawnCli(["api", "run", "main.ts:EchoChat", "--port", "0", "--openai-compatible", "--openai-api-keys-file", "openai-keys.txt"], project.dir, { RAGBITS_OPENAI_API_KEYS: "" });
  const url = await waitForUrl(server);
  expect(server.stdout).toContain(`OpenAI-compatible API at ${url}/v1 (model "ragbits", 1 API key)`);
  const stream = await new OpenAI({ baseURL: `${url}/v1`, apiKey: FILE_KEY, maxRetries: 0 }).chat.completions.create({ model: "ragbits", messages, stream: true });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  expect(text).toBe("v1 hello there (after 2 messages)");
  expect(`${server.stdout}${server.stderr}`).not.toContain(FILE_KEY);
});

it.each([
  [["--openai-model", "echo"], /^ragbits: error: --openai-model only applies with --openai-compatible$/m],
  [["--openai-compatible", "--openai-api-keys-file", "missing-keys.txt"], /^ragbits: error: --openai-api-keys-file: cannot read .*missing-keys\.txt \(ENOENT\)$/m],
])("refuses %j with a message naming the flag", async (flags, message) => {
  const result = await waitForExit(spawnCli(["api", "run", "main.ts:EchoChat", "--port", "0", ...flags], project.dir));
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(message);
});
