import { type User } from "../interface/chat-context";
import { StoreError } from "../stores/store-error";
import { type SessionStore, newSessionId } from "./session-store";

const SWEEP_INTERVAL_MS = 60_000;

/** Sessions in this process's memory: the zero-configuration default, gone when the process stops. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, { user: User; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async create(user: User, ttlMs: number): Promise<string> {
    this.assertOpen();
    const id = newSessionId();
    this.sessions.set(id, { user, expiresAt: Date.now() + ttlMs });
    return id;
  }

  async get(sessionId: string): Promise<User | undefined> {
    this.assertOpen();
    const session = this.sessions.get(sessionId);
    if (!session) return undefined;
    if (session.expiresAt <= Date.now()) {
      this.sessions.delete(sessionId);
      return undefined;
    }
    return session.user;
  }

  async delete(sessionId: string): Promise<void> {
    this.assertOpen();
    this.sessions.delete(sessionId);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    this.sessions.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError({ code: "closed", message: "the session store is closed" });
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}
