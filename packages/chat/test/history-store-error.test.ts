/**
 * HistoryStoreError is recognised across copies of @ragbits/chat (the ESM and CommonJS builds loaded
 * side by side, or two installs), where `instanceof` fails: the stores pass such errors on unchanged.
 */
import { HistoryStoreError } from "../src/history/history-store-error";

async function loadSecondCopy(): Promise<typeof HistoryStoreError> {
  let copy: typeof HistoryStoreError | undefined;
  await jest.isolateModulesAsync(async () => {
    copy = (await import("../src/history/history-store-error")).HistoryStoreError;
  });
  return copy!;
}

it("isInstance accepts an error from another copy of the module, where instanceof does not", async () => {
  const OtherCopy = await loadSecondCopy();
  expect(OtherCopy).not.toBe(HistoryStoreError);
  const error = new OtherCopy({ code: "closed", message: "the store is closed" });
  expect(error instanceof HistoryStoreError).toBe(false);
  expect(HistoryStoreError.isInstance(error)).toBe(true);
  expect(OtherCopy.isInstance(new HistoryStoreError({ code: "io-failed", message: "disk full" }))).toBe(true);
});

it("isInstance refuses look-alikes: other errors, plain objects with the same name and code, non-objects", () => {
  expect(HistoryStoreError.isInstance(new Error("closed"))).toBe(false);
  expect(HistoryStoreError.isInstance({ name: "HistoryStoreError", code: "closed", message: "x" })).toBe(false);
  expect(HistoryStoreError.isInstance(null)).toBe(false);
  expect(HistoryStoreError.isInstance("HistoryStoreError")).toBe(false);
});

it("the marker is the process-wide Symbol.for(\"@ragbits/chat.HistoryStoreError\")", () => {
  const error = new HistoryStoreError({ code: "closed", message: "closed" }) as unknown as Record<symbol, unknown>;
  expect(error[Symbol.for("@ragbits/chat.HistoryStoreError")]).toBe(true);
});
