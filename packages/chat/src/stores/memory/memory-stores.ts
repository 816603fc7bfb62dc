import { MemoryLoginAttemptStore } from "../../auth/memory-login-attempt-store";
import { MemorySessionStore } from "../../auth/memory-session-store";
import { MemoryAuthStateStore } from "../../auth/oidc/memory-auth-state-store";
import { type ServerStores } from "../server-stores";

/** The zero-configuration default: sessions, login limits and started sign-ins in this process, no history of its own. */
export class MemoryStores implements ServerStores {
  readonly kind = "memory";
  readonly sessions = new MemorySessionStore();
  readonly loginAttempts = new MemoryLoginAttemptStore();
  readonly authStates = new MemoryAuthStateStore();
  readonly history = undefined;

  async open(): Promise<void> {}

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    await Promise.all([this.sessions.close(), this.loginAttempts.close(), this.authStates.close()]);
  }
}
