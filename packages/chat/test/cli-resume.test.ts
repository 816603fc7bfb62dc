/**
 * `ragbits api run --resume-grace-ms`: how long an answer whose resumable client dropped keeps
 * generating. With 300 ms, a client that comes back a second later finds the turn stopped: its replay
 * ends with the error event saying the connection was lost too long (with the default 30 s it would
 * still be streaming).
 */
import { existsSync } from "node:fs";
import { CLI, spawnCli, stopAll, waitForUrl } from "./cli-fixtures/cli-process";
import { UserProject } from "./cli-fixtures/user-project";
import { answerText, openStream } from "./helpers/sse-frames";

jest.setTimeout(60_000);

const SLOW_CHAT_TS = `import { ChatInterface, type ChatResponse } from "@ragbits/chat";
export class SlowChat extends ChatInterface {
  async *chat(_message: string, _history: unknown, context: { signal: AbortSignal }): AsyncGenerator<ChatResponse> {
    for (let i = 0; i < 100 && !context.signal.aborted; i++) {
      yield this.createTextResponse("w" + i + " ");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
`;

let project: UserProject;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm --filter @ragbits/chat build\` first`);
  project = new UserProject();
  project.write("slow-chat.ts", SLOW_CHAT_TS);
});

afterAll(async () => {
  await stopAll();
  project?.remove();
});

it("--resume-grace-ms sets how long a dropped resumable answer goes on before it is stopped", async () => {
  const url = await waitForUrl(spawnCli(["api", "run", "slow-chat.ts:SlowChat", "--port", "0", "--resume-grace-ms", "300"], project.dir));
  const started = await openStream(`${url}/api/chat`, { method: "POST", headers: { "content-type": "application/json", "x-ragbits-resumable": "1" }, body: JSON.stringify({ message: "go" }) });
  const token = started.headers.get("x-ragbits-resume-token")!;
  const frames = await started.readUntil((seen) => seen.filter((frame) => frame.event.type === "text").length >= 3);
  started.drop();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const messageId = frames.find((frame) => frame.event.type === "message_id")!.event.content.message_id as string;
  const resumed = await openStream(`${url}/api/chat/${messageId}/stream`, { headers: { "x-ragbits-resume-token": token, "last-event-id": frames.at(-1)!.id! } });
  expect(resumed.status).toBe(200);
  const rest = await resumed.readAll();
  expect(rest.at(-1)!.event).toEqual({ type: "error", content: { message: "The answer was stopped because the connection to it was lost for too long. Please ask again." } });
  // Stopped ~300 ms after the drop: far from the 100 words (5 s) it would have streamed.
  const words = answerText([...frames, ...rest]).trim().split(" ");
  expect(words.length).toBeGreaterThan(3);
  expect(words.length).toBeLessThan(40);
});
