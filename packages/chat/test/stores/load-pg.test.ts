/**
 * pg is an optional peer: loaded only when a postgres:// database is opened, with a clear
 * "install pg" error when it is missing (the same style as the provider SDKs and better-sqlite3).
 */
import { type PostgresStores } from "../../src";

/** The stores from the module registry as it is now (reset before each test), so the mock applies. */
async function freshStores(): Promise<typeof PostgresStores> {
  return (await import("../../src/stores/postgres/postgres-stores")).PostgresStores;
}

function moduleNotFound(message: string, code = "MODULE_NOT_FOUND"): Error {
  return Object.assign(new Error(message), { code });
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const URL = "postgres://postgres@127.0.0.1:1/unused";

describe("loading pg lazily", () => {
  beforeEach(() => jest.resetModules());
  afterEach(() => {
    jest.dontMock("pg");
    jest.resetModules();
  });

  it("tells the user the exact install command when pg is missing, on first use only", async () => {
    const factory = jest.fn(() => {
      throw moduleNotFound("Cannot find module 'pg'");
    });
    jest.doMock("pg", factory);
    const Stores = await freshStores();
    const stores = new Stores(URL, {}, silent);
    // Creating the stores must not load the driver.
    expect(factory).not.toHaveBeenCalled();
    const failure = stores.open();
    await expect(failure).rejects.toMatchObject({ name: "StoreError", code: "missing-dependency" });
    await expect(failure).rejects.toThrow("npm install pg@^8");
    await expect(stores.sessions.get("x")).rejects.toThrow("npm install pg@^8");
    await stores.close();
  });

  it("recognises the ESM loader's wording too", async () => {
    jest.doMock("pg", () => {
      throw moduleNotFound("Cannot find package 'pg' imported from /app/node_modules/@ragbits/chat/dist/index.js", "ERR_MODULE_NOT_FOUND");
    });
    const stores = new (await freshStores())(URL, {}, silent);
    await expect(stores.open()).rejects.toThrow("npm install pg@^8");
    await stores.close();
  });

  it("does not call pg 'missing' when one of its own dependencies is", async () => {
    jest.doMock("pg", () => {
      throw moduleNotFound("Cannot find module 'pg-pool'\nRequire stack:\n- /app/node_modules/pg/lib/index.js");
    });
    const stores = new (await freshStores())(URL, {}, silent);
    const failure = stores.open();
    await expect(failure).rejects.toMatchObject({ code: "dependency-failed", message: expect.stringMatching(/pg is installed but failed to load.*Cannot find module 'pg-pool'/s) });
    await expect(failure).rejects.not.toThrow("npm install");
    await stores.close();
  });

  it("does not remember the failure: installing pg and retrying gets past loading", async () => {
    jest.doMock("pg", () => {
      throw moduleNotFound("Cannot find module 'pg'");
    });
    const stores = new (await freshStores())(URL, { connectionTimeoutMs: 200 }, silent);
    await expect(stores.open()).rejects.toMatchObject({ code: "missing-dependency" });
    jest.dontMock("pg");
    // Now pg loads; nothing listens on port 1, so the database is unavailable instead.
    await expect(stores.open()).rejects.toMatchObject({ code: "unavailable" });
    await stores.close();
  });
});
