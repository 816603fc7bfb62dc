import bcrypt from "bcryptjs";
import { type User } from "../interface/chat-context";
import { type AuthenticationBackend } from "./authentication-backend";

export interface ListedUser {
  username: string;
  /** A bcrypt hash ($2a$/$2b$/$2y$…). Preferred: the password itself is then never in your config. */
  passwordHash?: string;
  /** A plain password, hashed when the backend is created (handy for demos; prefer `passwordHash`). */
  password?: string;
  userId?: string;
  email?: string | null;
  fullName?: string | null;
  roles?: string[];
  metadata?: Record<string, unknown>;
}

const BCRYPT_COST = 10;

/** Users from a list (configuration, environment), passwords checked with bcrypt. */
export class ListAuthentication implements AuthenticationBackend {
  private readonly users = new Map<string, { user: User; hash: Promise<string> }>();
  // Compared against when the username is unknown, so both cases take the same time.
  private readonly decoyHash = bcrypt.hash("decoy-password", BCRYPT_COST);

  constructor(users: ListedUser[]) {
    for (const entry of users) {
      if (!entry.passwordHash && entry.password === undefined) throw new Error(`User "${entry.username}" needs a passwordHash or a password`);
      if (entry.passwordHash && !/^\$2[aby]\$\d{2}\$/.test(entry.passwordHash)) throw new Error(`User "${entry.username}": passwordHash is not a bcrypt hash`);
      const hash = entry.passwordHash ? Promise.resolve(entry.passwordHash) : bcrypt.hash(entry.password!, BCRYPT_COST);
      this.users.set(entry.username, { user: toUser(entry), hash });
    }
  }

  async authenticate(username: string, password: string): Promise<User | null> {
    const entry = this.users.get(username);
    const valid = await bcrypt.compare(password, await (entry?.hash ?? this.decoyHash));
    return entry && valid ? entry.user : null;
  }

  /** A bcrypt hash to put in `passwordHash`. */
  static hashPassword(password: string): Promise<string> {
    return bcrypt.hash(password, BCRYPT_COST);
  }
}

function toUser(entry: ListedUser): User {
  return {
    user_id: entry.userId ?? entry.username,
    username: entry.username,
    email: entry.email ?? null,
    full_name: entry.fullName ?? null,
    roles: entry.roles ?? [],
    metadata: entry.metadata ?? {},
  };
}
