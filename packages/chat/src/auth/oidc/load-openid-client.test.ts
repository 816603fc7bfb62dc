/**
 * What the user is told when openid-client cannot be loaded: not installed (install it), or a Node.js
 * too old to require() an ES module from the CommonJS build (upgrade, or use ESM).
 */
import type * as Loader from "./load-openid-client";

describe("loadOpenIdClient failures", () => {
  afterEach(() => {
    jest.resetModules();
    jest.dontMock("openid-client");
  });

  function failingWith(error: Error & { code?: string }) {
    jest.doMock("openid-client", () => {
      throw error;
    });
    // A fresh copy of the loader (resetModules), which then meets the mocked package.
    return jest.requireActual<typeof Loader>("./load-openid-client").loadOpenIdClient();
  }

  it("says to install the optional package when it is missing", async () => {
    const missing = Object.assign(new Error("Cannot find module 'openid-client'\nRequire stack:\n- /app/index.cjs"), { code: "MODULE_NOT_FOUND" });
    await expect(failingWith(missing)).rejects.toMatchObject({ name: "SignInError", code: "server_error", message: expect.stringContaining("Install it: npm install openid-client@^6") });
  });

  it("says what to do when this Node.js cannot require() an ES module", async () => {
    const esm = Object.assign(new Error("require() of ES Module .../openid-client/build/index.js not supported."), { code: "ERR_REQUIRE_ESM" });
    await expect(failingWith(esm)).rejects.toMatchObject({ message: expect.stringMatching(/use Node\.js 20\.19 or later, or load @ragbits\/chat with import \(ESM\)/) });
  });

  it("does not call a broken install missing: a dependency of openid-client that is gone is named as such", async () => {
    const inner = Object.assign(new Error("Cannot find module 'oauth4webapi'\nRequire stack:\n- /app/node_modules/openid-client/build/index.js"), { code: "MODULE_NOT_FOUND" });
    await expect(failingWith(inner)).rejects.toMatchObject({ message: expect.stringMatching(/^openid-client is installed but failed to load: Cannot find module 'oauth4webapi'/) });
  });
});
