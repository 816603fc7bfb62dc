import { randomBytes } from "node:crypto";
import { type User } from "../interface/chat-context";

export const DEFAULT_SESSION_TTL_MS = 24 * 60 * 60 * 1000;

/** Server-side sessions in memory: the cookie carries only an unguessable id. */
export class SessionStore {
  private readonly sessions = new Map<string, { user: User; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly ttlMs = DEFAULT_SESSION_TTL_MS) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(ttlMs, 60_000));
    this.sweeper.unref();
  }

  create(user: User): string {
    const id = randomBytes(32).toString("base64url");
    this.sessions.set(id, { user, expiresAt: Date.now() + this.ttlMs });
    return id;
  }

  get(id: string | undefined): User | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= Date.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session.user;
  }

  delete(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}
