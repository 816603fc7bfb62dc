import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AWKWARD_TEXT, describeHistoryStoreContract, makeRecord } from "./history-store-contract";
import { type HistoryStoreWarning } from "./history-store-warning";
import { JsonlHistoryStore } from "./jsonl-history-store";

const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ragbits-jsonl-"));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeHistoryStoreContract("JsonlHistoryStore", async () => {
  const dir = await tempDir();
  const store = new JsonlHistoryStore({ path: join(dir, "history.jsonl"), onWarning: () => undefined });
  return {
    store,
    dispose: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe("JsonlHistoryStore", () => {
  let dir: string;
  let path: string;
  let warnings: HistoryStoreWarning[];
  let store: JsonlHistoryStore;

  beforeEach(async () => {
    dir = await tempDir();
    path = join(dir, "nested", "deeper", "history.jsonl");
    warnings = [];
    store = new JsonlHistoryStore({ path, onWarning: (warning) => warnings.push(warning) });
  });
  afterEach(async () => {
    await store.close();
  });

  async function fileLines(): Promise<string[]> {
    return (await readFile(path, "utf8")).split("\n");
  }

  it("writes one complete JSON line per interaction under concurrent saves, never interleaved", async () => {
    const records = Array.from({ length: 200 }, (_, i) => makeRecord({ conversationId: `c${i % 5}`, message: `${i}:${"x".repeat(i * 50)}` }));
    await Promise.all(records.map((record) => store.saveInteraction(record)));
    const lines = await fileLines();
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(200);
    expect(lines.map((line) => JSON.parse(line))).toEqual(records);
    expect(warnings).toEqual([]);
  });

  it("keeps records larger than one write chunk whole when saved concurrently", async () => {
    // Node writes a buffer in 512 KiB pieces; without the queue these pieces would interleave.
    const records = Array.from({ length: 8 }, (_, i) => makeRecord({ response: String.fromCharCode(97 + i).repeat(1_200_000) }));
    await Promise.all(records.map((record) => store.saveInteraction(record)));
    const lines = await fileLines();
    expect(lines).toHaveLength(9);
    expect(lines.slice(0, 8).map((line) => JSON.parse(line))).toEqual(records);
  });

  it("creates the parent directories on the first save, and not before", async () => {
    await expect(stat(join(dir, "nested"))).rejects.toMatchObject({ code: "ENOENT" });
    await store.saveInteraction(makeRecord());
    expect((await stat(path)).isFile()).toBe(true);
  });

  it("reads a file that does not exist yet as an empty history, without creating it", async () => {
    expect(await store.getConversation("conv-1")).toEqual([]);
    await expect(stat(path)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("fails open() early with a typed error when the file cannot be created", async () => {
    await writeFile(join(dir, "a-file"), "");
    const blocked = new JsonlHistoryStore({ path: join(dir, "a-file", "history.jsonl") });
    await expect(blocked.open()).rejects.toMatchObject({ name: "HistoryStoreError", code: "io-failed" });
    await expect(blocked.saveInteraction(makeRecord())).rejects.toThrow(/cannot open .*history\.jsonl/);
    await blocked.close();
  });

  it("is readable by a new store on the same file (what a restarted server does)", async () => {
    const records = [makeRecord(), makeRecord()];
    for (const record of records) await store.saveInteraction(record);
    await store.close();
    store = new JsonlHistoryStore({ path });
    expect(await store.getConversation("conv-1")).toEqual(records);
  });

  it("lets a read see saves that were not awaited yet", async () => {
    const record = makeRecord();
    const saving = store.saveInteraction(record);
    expect(await store.getConversation("conv-1")).toEqual([record]);
    await saving;
  });

  it("waits for pending saves on close", async () => {
    const records = Array.from({ length: 50 }, () => makeRecord());
    const saving = records.map((record) => store.saveInteraction(record));
    await store.close();
    await Promise.all(saving);
    expect(await new JsonlHistoryStore({ path }).getConversation("conv-1")).toEqual(records);
  });

  describe("after a crash tore the last line", () => {
    let kept: ReturnType<typeof makeRecord>;

    beforeEach(async () => {
      kept = makeRecord({ message: AWKWARD_TEXT });
      await store.saveInteraction(kept);
      await store.close();
      const torn = JSON.stringify(makeRecord({ message: AWKWARD_TEXT }));
      // Cut inside the multi-byte text, as a crash mid-write would.
      await appendFile(path, Buffer.from(torn, "utf8").subarray(0, Buffer.byteLength(torn) - 40));
      store = new JsonlHistoryStore({ path, onWarning: (warning) => warnings.push(warning) });
    });

    it("skips the torn line with one warning, and does not throw", async () => {
      expect(await store.getConversation("conv-1")).toEqual([kept]);
      expect(warnings).toEqual([{ path, line: 2, message: expect.stringMatching(/line 2 is not valid JSON/) }]);
      expect(await store.getConversation("conv-1")).toEqual([kept]);
      expect(warnings).toHaveLength(1);
    });

    it("starts the next save on a new line, so the torn line does not swallow it", async () => {
      const next = makeRecord();
      await store.saveInteraction(next);
      expect(await store.getConversation("conv-1")).toEqual([kept, next]);
      const lines = await fileLines();
      expect(lines).toHaveLength(4);
      expect(JSON.parse(lines[2] ?? "")).toEqual(next);
    });

    it("leaves the warning message free of the line's content", async () => {
      await store.getConversation("conv-1");
      expect(warnings[0]?.message).not.toContain("question");
    });
  });

  it("skips lines that are not records, and blank and CRLF-ended lines are fine", async () => {
    const first = makeRecord();
    const second = makeRecord();
    const flat = join(dir, "flat.jsonl");
    await writeFile(flat, [JSON.stringify(first), "", "[1,2]", '{"conversationId":"conv-1"}', "not json", `${JSON.stringify(second)}\r`, ""].join("\n"));
    const reader = new JsonlHistoryStore({ path: flat, onWarning: (warning) => warnings.push(warning) });
    expect(await reader.getConversation("conv-1")).toEqual([first, second]);
    expect(warnings.map((warning) => warning.line)).toEqual([3, 4, 5]);
    expect(warnings[0]?.message).toMatch(/not an interaction record/);
    await reader.close();
  });

  it("reads records larger than one stream chunk with multi-byte text across the chunk boundaries", async () => {
    const big = makeRecord({ response: `${"漢🦄".repeat(60_000)}end` });
    await store.saveInteraction(makeRecord({ conversationId: "other", message: "é".repeat(100_000) }));
    await store.saveInteraction(big);
    expect(await store.getConversation("conv-1")).toEqual([big]);
  });

  it("keeps reading when the warning handler itself throws", async () => {
    await writeFile(join(dir, "bad.jsonl"), `{"torn":\n${JSON.stringify(makeRecord({ conversationId: "z" }))}\n`);
    const reader = new JsonlHistoryStore({
      path: join(dir, "bad.jsonl"),
      onWarning: () => {
        throw new Error("logger down");
      },
    });
    expect(await reader.getConversation("z")).toHaveLength(1);
    await reader.close();
  });

  it("reports skipped lines as a process warning when no handler is given", async () => {
    const emitWarning = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      await writeFile(join(dir, "torn.jsonl"), '{"conversationId":"conv-1","mess');
      const reader = new JsonlHistoryStore({ path: join(dir, "torn.jsonl") });
      expect(await reader.getConversation("conv-1")).toEqual([]);
      expect(emitWarning).toHaveBeenCalledWith(expect.stringMatching(/torn\.jsonl line 1 is not valid JSON/), { code: "RAGBITS_HISTORY_STORE" });
      await reader.close();
    } finally {
      emitWarning.mockRestore();
    }
  });
});
