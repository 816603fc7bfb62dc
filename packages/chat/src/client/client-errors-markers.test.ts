import type * as errorsModule from "./client-errors";
import { RagbitsAbortError, RagbitsClientError, RagbitsHTTPError, RagbitsNetworkError, RagbitsProtocolError } from "./client-errors";

type ErrorsModule = typeof errorsModule;

/** A second copy of the module, as when the ESM and CJS builds (or a bundle) are loaded side by side. */
function secondCopy(): ErrorsModule {
  let copy: ErrorsModule | undefined;
  jest.isolateModules(() => {
    copy = jest.requireActual<ErrorsModule>("./client-errors");
  });
  return copy!;
}

const httpInit = { request: "GET http://127.0.0.1/api/config", status: 500, statusText: "Internal Server Error", detail: "boom", body: "" };

describe("client error markers", () => {
  const samples = {
    client: new RagbitsClientError("plain"),
    http: new RagbitsHTTPError(httpInit),
    network: new RagbitsNetworkError("down"),
    abort: new RagbitsAbortError("POST /api/chat", undefined),
    protocol: new RagbitsProtocolError("bad event"),
  };

  it("recognises each class and its subclasses, not its siblings", () => {
    const table = Object.fromEntries(
      Object.entries(samples).map(([key, error]) => [
        key,
        [RagbitsClientError, RagbitsHTTPError, RagbitsNetworkError, RagbitsAbortError, RagbitsProtocolError].filter((type) => type.isInstance(error)).map((type) => type.name),
      ]),
    );
    expect(table).toEqual({
      client: ["RagbitsClientError"],
      http: ["RagbitsClientError", "RagbitsHTTPError"],
      network: ["RagbitsClientError", "RagbitsNetworkError"],
      abort: ["RagbitsClientError", "RagbitsAbortError"],
      protocol: ["RagbitsClientError", "RagbitsProtocolError"],
    });
  });

  it("rejects values that only look like client errors", () => {
    for (const value of [new Error("x"), { name: "RagbitsHTTPError", message: "x", status: 500 }, null, undefined, "RagbitsClientError", 42]) {
      expect(RagbitsClientError.isInstance(value)).toBe(false);
      expect(RagbitsHTTPError.isInstance(value)).toBe(false);
    }
  });

  it("recognises errors thrown by another copy of the package, where instanceof fails", () => {
    const other = secondCopy();
    const foreign = new other.RagbitsHTTPError(httpInit);
    expect(other.RagbitsHTTPError).not.toBe(RagbitsHTTPError);
    expect(foreign instanceof RagbitsHTTPError).toBe(false);
    expect(RagbitsHTTPError.isInstance(foreign)).toBe(true);
    expect(RagbitsClientError.isInstance(foreign)).toBe(true);
    expect(RagbitsProtocolError.isInstance(foreign)).toBe(false);
    expect(other.RagbitsProtocolError.isInstance(samples.protocol)).toBe(true);
  });

  it("marks with registry symbols named after the class, kept off the instance's own keys", () => {
    expect((samples.http as unknown as Record<symbol, unknown>)[Symbol.for("@ragbits/chat.RagbitsHTTPError")]).toBe(true);
    expect((samples.http as unknown as Record<symbol, unknown>)[Symbol.for("@ragbits/chat.RagbitsClientError")]).toBe(true);
    expect(Object.getOwnPropertySymbols(samples.http)).toEqual([]);
  });
});
