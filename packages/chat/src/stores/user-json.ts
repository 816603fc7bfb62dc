import { type User } from "../interface/chat-context";
import { StoreError, messageOf } from "./store-error";

/** The user as JSON for a session row; a typed error when the authentication backend returned something JSON cannot hold. */
export function userJson(user: User): string {
  try {
    return JSON.stringify(user);
  } catch (error) {
    throw new StoreError({ code: "serialize-failed", message: `the user ${user.user_id} cannot be stored in a session as JSON: ${messageOf(error)}`, cause: error });
  }
}
