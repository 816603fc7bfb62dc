import { HistoryStoreError } from "./history-store-error";
import { type SqliteHistoryStore } from "./sqlite-history-store";

/** The store from the module registry as it is now (reset before each test), so the mock applies. */
async function freshStore(): Promise<typeof SqliteHistoryStore> {
  return (await import("./sqlite-history-store")).SqliteHistoryStore;
}

function moduleNotFound(message: string, code = "MODULE_NOT_FOUND"): Error {
  return Object.assign(new Error(message), { code });
}

describe("loading better-sqlite3 lazily", () => {
  beforeEach(() => jest.resetModules());
  afterEach(() => {
    jest.dontMock("better-sqlite3");
    jest.resetModules();
  });

  it("tells the user the exact install command when better-sqlite3 is missing, on first use only", async () => {
    jest.doMock("better-sqlite3", () => {
      throw moduleNotFound("Cannot find module 'better-sqlite3'");
    });
    const SqliteHistoryStore = await freshStore();
    // Constructing the store must not load the driver.
    const store = new SqliteHistoryStore({ path: ":memory:" });
    const failure = store.getConversation("c");
    await expect(failure).rejects.toBeInstanceOf(Error);
    expect(HistoryStoreError.isInstance(await failure.catch((error: unknown) => error))).toBe(true);
    await expect(failure).rejects.toMatchObject({ name: "HistoryStoreError", code: "missing-dependency" });
    await expect(failure).rejects.toThrow("npm install better-sqlite3@^12");
    await store.close();
  });

  it("recognises the ESM loader's wording too", async () => {
    jest.doMock("better-sqlite3", () => {
      throw moduleNotFound("Cannot find package 'better-sqlite3' imported from /app/node_modules/@ragbits/chat/dist/index.js", "ERR_MODULE_NOT_FOUND");
    });
    const store = new (await freshStore())({ path: ":memory:" });
    await expect(store.open()).rejects.toThrow("npm install better-sqlite3@^12");
    await store.close();
  });

  it("does not remember the failure: installing the package and retrying works", async () => {
    jest.doMock("better-sqlite3", () => {
      throw moduleNotFound("Cannot find module 'better-sqlite3'");
    });
    const store = new (await freshStore())({ path: ":memory:" });
    await expect(store.open()).rejects.toMatchObject({ code: "missing-dependency" });
    jest.dontMock("better-sqlite3");
    await expect(store.getConversation("c")).resolves.toEqual([]);
    await store.close();
  });

  it("does not call a package 'missing' when one of its own dependencies is", async () => {
    jest.doMock("better-sqlite3", () => {
      throw moduleNotFound("Cannot find module 'bindings'\nRequire stack:\n- /app/node_modules/better-sqlite3/lib/database.js");
    });
    const store = new (await freshStore())({ path: ":memory:" });
    const failure = store.open();
    await expect(failure).rejects.toMatchObject({ code: "dependency-failed", message: expect.stringMatching(/installed but failed to load.*Cannot find module 'bindings'/s) });
    await expect(failure).rejects.not.toThrow("npm install");
    await store.close();
  });

  it("rethrows any other load failure with context and the original as its cause", async () => {
    const original = new Error("The module was compiled against a different Node.js version (NODE_MODULE_VERSION 127)");
    jest.doMock("better-sqlite3", () => {
      throw original;
    });
    const store = new (await freshStore())({ path: ":memory:" });
    const error = await store.open().catch((caught: unknown) => caught);
    // The class itself comes from the fresh module registry, so compare by marker, not identity.
    expect(HistoryStoreError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "dependency-failed", cause: original, message: expect.stringMatching(/better-sqlite3 is installed but failed to load.*NODE_MODULE_VERSION/) });
    await store.close();
  });

  it("does not load the driver to close a store that was never used", async () => {
    const factory = jest.fn(() => {
      throw moduleNotFound("Cannot find module 'better-sqlite3'");
    });
    jest.doMock("better-sqlite3", factory);
    const store = new (await freshStore())({ path: ":memory:" });
    await store.close();
    expect(factory).not.toHaveBeenCalled();
  });
});
