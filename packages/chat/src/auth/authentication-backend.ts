import { type User } from "../interface/chat-context";

/**
 * Checks credentials. Return the user for a valid username/password pair, `null` otherwise (never
 * throw for wrong credentials: the server answers 401 either way, without saying which part was wrong).
 */
export interface AuthenticationBackend {
  authenticate(username: string, password: string): Promise<User | null>;
}

export function isAuthenticationBackend(value: unknown): value is AuthenticationBackend {
  return typeof value === "object" && value !== null && typeof (value as AuthenticationBackend).authenticate === "function";
}
