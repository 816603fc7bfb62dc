/**
 * `ragbits api run` replicas as a deployment runs them: the built CLI, the app loaded from a user's
 * project, RAGBITS_DATABASE_URL and one RAGBITS_SECRET_KEY shared by all of them.
 */
import { createServer } from "node:net";
import { type CliProcess, spawnCli, waitForUrl } from "../../cli-fixtures/cli-process";
import { type UserProject } from "../../cli-fixtures/user-project";

/** The chat every replica serves: each answer starts with the serving process's id, then streams words. */
export const DEPLOY_CHAT_TS = `import { ChatInterface, type ChatResponse } from "@ragbits/chat";

export class DeployChat extends ChatInterface {
  async *chat(message: string): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse("[" + process.pid + "] ");
    // "slow ...": 60 words, one every 100 ms (a stream long enough to kill a replica in the middle of it).
    const slow = message.startsWith("slow");
    const words = slow ? 60 : 3;
    for (let i = 0; i < words; i++) {
      if (slow) await new Promise((resolve) => setTimeout(resolve, 100));
      yield this.createTextResponse("w" + i + " ");
    }
  }
}
`;

export const DEPLOY_USERS = [
  { username: "ada", password: "analytical-engine" },
  { username: "bob", password: "difference-engine" },
];

export const DEPLOY_AUTH_TS = `import { ListAuthentication } from "@ragbits/chat";

export const users = new ListAuthentication(${JSON.stringify(DEPLOY_USERS)});
`;

/** The one secret every replica shares (state signatures made by one are accepted by the others). */
export const SHARED_SECRET = "deploy-test-shared-secret";

export interface Replica {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  /** The address nginx logs for it. */
  readonly address: string;
  process: CliProcess;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts (or restarts, on the same port) a replica; resolves once it announced its URL. */
export async function startReplica(project: UserProject, name: string, port: number, databaseUrl: string): Promise<Replica> {
  const proc = spawnCli(["api", "run", "deploy-chat.ts:DeployChat", "--auth", "deploy-auth.ts:users", "--port", String(port), "--shutdown-grace-ms", "2000"], project.dir, {
    RAGBITS_DATABASE_URL: databaseUrl,
    RAGBITS_SECRET_KEY: SHARED_SECRET,
  });
  const url = await waitForUrl(proc, 1, 60_000);
  return { name, port, url, address: `127.0.0.1:${port}`, process: proc };
}
