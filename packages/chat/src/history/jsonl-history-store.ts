import { createReadStream } from "node:fs";
import { type FileHandle, mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { type HistoryPersistence, type InteractionRecord } from "./history-persistence";
import { HistoryStoreError, messageOf } from "./history-store-error";
import { emitHistoryStoreWarning, type HistoryStoreWarningHandler } from "./history-store-warning";
import { formatJsonlLine, parseJsonlLine } from "./jsonl-line";
import { SerialQueue } from "./serial-queue";
import { byStartTime } from "./stored-interaction";

export interface JsonlHistoryStoreOptions {
  /** The file interactions are appended to, one JSON object per line. Created on the first save. */
  path: string;
  /** Create the file's parent directories when they are missing (default true). */
  createDirectory?: boolean | undefined;
  /**
   * Told about lines skipped while reading (a torn last line after a crash, a hand-edited line).
   * Each bad line is reported once per store. Default: a process warning (code RAGBITS_HISTORY_STORE).
   */
  onWarning?: HistoryStoreWarningHandler | undefined;
}

/**
 * Keeps every interaction as one line of a JSON Lines file: easy to inspect, grep and ship, with no
 * dependency. Appends are serialised within the process, so concurrent saves never interleave.
 * `getConversation` scans the whole file (streaming, line by line); for large histories or several
 * writing processes, use SqliteHistoryStore.
 */
export class JsonlHistoryStore implements HistoryPersistence {
  readonly path: string;
  private readonly createDirectory: boolean;
  private readonly onWarning: HistoryStoreWarningHandler;
  private readonly writes = new SerialQueue();
  private file: FileHandle | undefined;
  /** True when the file may not end with "\n" (a crash or failed write tore its tail): the next line starts with one. */
  private needsSeparator = false;
  private readonly reportedLines = new Set<number>();
  private closing: Promise<void> | undefined;

  constructor(options: JsonlHistoryStoreOptions) {
    this.path = options.path;
    this.createDirectory = options.createDirectory ?? true;
    this.onWarning = options.onWarning ?? emitHistoryStoreWarning;
  }

  /** Opens (and if needed creates) the file now rather than on the first save, so a bad path fails at startup. */
  async open(): Promise<void> {
    this.assertOpen();
    await this.writes.run(() => this.openFile());
  }

  async saveInteraction(record: InteractionRecord): Promise<void> {
    this.assertOpen();
    const line = formatJsonlLine(record);
    await this.writes.run(() => this.append(line));
  }

  async getConversation(conversationId: string): Promise<InteractionRecord[]> {
    this.assertOpen();
    // After the queued appends: callers see their own saves, and never a line still being written.
    await this.writes.idle();
    const records: InteractionRecord[] = [];
    for await (const record of this.readRecords()) {
      if (record.conversationId === conversationId) records.push(record);
    }
    return records.sort(byStartTime);
  }

  /** Waits for the pending appends, then closes the file. Later calls to the store are rejected. */
  close(): Promise<void> {
    this.closing ??= this.closeFile();
    return this.closing;
  }

  private async closeFile(): Promise<void> {
    await this.writes.idle();
    const file = this.file;
    this.file = undefined;
    await file?.close();
  }

  private assertOpen(): void {
    if (this.closing) throw new HistoryStoreError({ code: "closed", message: `the history store for ${this.path} is closed` });
  }

  private async append(line: string): Promise<void> {
    const file = await this.openFile();
    const text = this.needsSeparator ? `\n${line}` : line;
    // Until the write is known complete, assume a partial line may be on disk.
    this.needsSeparator = true;
    try {
      await file.appendFile(text, "utf8");
    } catch (error) {
      throw ioError(`cannot append to ${this.path}`, error);
    }
    this.needsSeparator = false;
  }

  private async openFile(): Promise<FileHandle> {
    if (this.file) return this.file;
    try {
      if (this.createDirectory) await mkdir(dirname(this.path), { recursive: true });
      // "a+": every write goes to the end of the file, and the last byte can still be read.
      const file = await open(this.path, "a+");
      this.needsSeparator = await endsWithoutNewline(file).catch(async (error: unknown) => {
        await file.close();
        throw error;
      });
      this.file = file;
      return file;
    } catch (error) {
      throw ioError(`cannot open ${this.path} for appending`, error);
    }
  }

  private async *readRecords(): AsyncGenerator<InteractionRecord> {
    const input = createReadStream(this.path, { encoding: "utf8" });
    let lineNumber = 0;
    try {
      for await (const line of splitLines(input)) {
        lineNumber += 1;
        // Blank lines are the separators written after a torn tail: not worth a warning.
        if (line.trim() === "") continue;
        const parsed = parseJsonlLine(line);
        if ("record" in parsed) yield parsed.record;
        else this.reportOnce(lineNumber, parsed.problem);
      }
    } catch (error) {
      // No file yet: nothing was saved, which is an empty history, not an error.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw ioError(`cannot read ${this.path}`, error);
    } finally {
      input.destroy();
    }
  }

  private reportOnce(line: number, problem: string): void {
    if (this.reportedLines.has(line)) return;
    this.reportedLines.add(line);
    try {
      this.onWarning({ message: `${this.path} line ${line} ${problem}`, path: this.path, line });
    } catch {
      // A failing logger must not turn a recoverable line into a failed read.
    }
  }
}

/**
 * Lines ended by "\n" (a "\r" before it dropped), and nothing else. Not node:readline: from Node 24 it
 * also ends lines at U+2028 and U+2029, which JSON.stringify leaves as they are inside strings, so a
 * record holding one would be cut in two and skipped as invalid.
 */
async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of chunks) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) yield line.endsWith("\r") ? line.slice(0, -1) : line;
  }
  if (rest !== "") yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}

async function endsWithoutNewline(file: FileHandle): Promise<boolean> {
  const { size } = await file.stat();
  if (size === 0) return false;
  const { buffer } = await file.read(Buffer.alloc(1), 0, 1, size - 1);
  return buffer[0] !== 0x0a;
}

function ioError(what: string, error: unknown): HistoryStoreError {
  if (HistoryStoreError.isInstance(error)) return error;
  return new HistoryStoreError({ code: "io-failed", message: `${what}: ${messageOf(error)}`, cause: error });
}
