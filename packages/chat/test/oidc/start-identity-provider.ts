import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";

export interface TestClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  /** "native": oidc-provider then accepts a loopback redirect URI on any port (RFC 8252), for servers on port 0. */
  application_type?: "web" | "native";
}

/** Claims of a test user (the id is the key it is listed under, and its `sub`). */
export type TestAccounts = Record<string, Record<string, unknown>>;

export interface IdentityProviderSettings {
  /** The provider's clock runs this far ahead (negative: behind) of the real one. */
  clockOffsetMs?: number;
  codeTtlSeconds?: number;
  idTokenTtlSeconds?: number;
  /** Re-sign the ID tokens it issues with this audience (a token for another client); null stops it. */
  idTokenAudience?: string | null;
}

export interface TestIdentityProvider {
  issuer: string;
  /** Changes the provider's test settings (identity-provider.mjs). */
  configure(settings: IdentityProviderSettings): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the certified oidc-provider on 127.0.0.1 in a child process (test/oidc/identity-provider.mjs)
 * with these clients and users, and resolves once it listens.
 */
export async function startIdentityProvider(clients: TestClient[], accounts: TestAccounts): Promise<TestIdentityProvider> {
  const child = spawn(process.execPath, [join(__dirname, "identity-provider.mjs"), JSON.stringify({ clients, accounts })], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    // oidc-provider warns about its in-memory adapter (meant for development and tests): not news here.
    const text = String(chunk);
    if (!/quick start development-only in-memory adapter/.test(text)) stderr += text;
  });
  const issuer = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`the identity provider did not start in 15 s: ${stderr}`)), 15_000);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += String(chunk);
      const ready = /READY (\S+)/.exec(stdout);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]!);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the identity provider exited with ${code}: ${stderr}`));
    });
  });
  return {
    issuer,
    configure: async (settings) => {
      const response = await fetch(`${issuer}/__test/settings`, { method: "POST", body: JSON.stringify(settings) });
      if (!response.ok) throw new Error(`configuring the identity provider failed: ${response.status}`);
    },
    close: () => stop(child),
  };
}

function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.stdin.end();
    setTimeout(() => child.kill("SIGKILL"), 2_000).unref();
  });
}
