/** How the database scenario tells its server process where to keep history ("none" | "memory" | "postgres"). */
export const HISTORY_ENV = "BENCH_HISTORY";
/** The PostgreSQL URL of the "postgres" variant. */
export const DATABASE_URL_ENV = "BENCH_DATABASE_URL";
