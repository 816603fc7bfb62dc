import { StoreError } from "./store-error";

/** What a `databaseUrl` asks for. */
export type DatabaseTarget = { kind: "postgres"; url: string } | { kind: "sqlite"; path: string };

/**
 * Reads a `databaseUrl` (`RAGBITS_DATABASE_URL`, `--database-url`): `postgres://…` or
 * `postgresql://…` for PostgreSQL, `sqlite:<path>` for a SQLite file (`sqlite:./data/chat.db`,
 * `sqlite:///var/lib/chat.db`, `sqlite::memory:`). Anything else is a StoreError "invalid-configuration".
 */
export function parseDatabaseUrl(databaseUrl: string): DatabaseTarget {
  const url = databaseUrl.trim();
  if (/^postgres(ql)?:\/\//i.test(url)) {
    try {
      new URL(url);
    } catch {
      throw invalid(`databaseUrl ${describeDatabaseUrl(url)} is not a valid URL`);
    }
    return { kind: "postgres", url };
  }
  const sqlite = /^sqlite:(.*)$/i.exec(url);
  if (sqlite) {
    // sqlite:///abs/path and sqlite://rel/path, as in SQLAlchemy; sqlite:path as well.
    const path = sqlite[1]!.startsWith("//") ? sqlite[1]!.slice(2) : sqlite[1]!;
    if (path === "") throw invalid("databaseUrl sqlite: needs a file path, e.g. sqlite:./data/chat.db");
    return { kind: "sqlite", path };
  }
  throw invalid(`databaseUrl must start with postgres://, postgresql:// or sqlite: (got ${describeDatabaseUrl(url)})`);
}

/** The URL for messages and logs: the password replaced by "***", so it is never printed. */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const parsed = new URL(databaseUrl);
    if (parsed.password) parsed.password = "***";
    for (const name of ["password", "sslpassword"]) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, "***");
    return parsed.toString();
  } catch {
    // Not a URL: keep only the scheme, which cannot hold a secret.
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(databaseUrl)?.[0];
    return scheme ? `${scheme}…` : "(not a URL)";
  }
}

function invalid(message: string): StoreError {
  return new StoreError({ code: "invalid-configuration", message });
}
