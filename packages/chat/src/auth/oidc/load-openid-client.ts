import type * as OpenIdClient from "openid-client";
import { SignInError } from "./sign-in-error";

export type OpenIdClientModule = typeof OpenIdClient;

/** The command the missing-dependency error tells the user to run. */
export const OPENID_CLIENT_INSTALL_COMMAND = "npm install openid-client@^6";

let loading: Promise<OpenIdClientModule> | undefined;

/**
 * Loads openid-client (an optional peer dependency) the first time a sign-in provider is used, so apps
 * without OAuth2 sign-in need not install it. openid-client 6 is an ES module: the CommonJS build of
 * this package loads it with require(), which Node.js does for ES modules from 20.19 and 22.12 on.
 * A failed load is not cached: the user may install the package and try again.
 */
export function loadOpenIdClient(): Promise<OpenIdClientModule> {
  loading ??= import("openid-client").then(
    (module) => module,
    (error: unknown) => {
      loading = undefined;
      throw describeLoadFailure(error);
    },
  );
  return loading;
}

function describeLoadFailure(error: unknown): SignInError {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  // Only the first line names what is missing; the require stack after it may name openid-client's own files.
  const firstLine = message.split("\n", 1)[0] ?? "";
  if ((code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") && /['"]openid-client['"]/.test(firstLine)) {
    return new SignInError("server_error", `OAuth2 / OpenID Connect sign-in needs the optional package openid-client, which is not installed. Install it: ${OPENID_CLIENT_INSTALL_COMMAND}`, { cause: error });
  }
  if (code === "ERR_REQUIRE_ESM") {
    return new SignInError(
      "server_error",
      `openid-client is an ES module, and this Node.js (${process.version}) cannot require() it from @ragbits/chat's CommonJS build: use Node.js 20.19 or later, or load @ragbits/chat with import (ESM)`,
      { cause: error },
    );
  }
  return new SignInError("server_error", `openid-client is installed but failed to load: ${message}`, { cause: error });
}
