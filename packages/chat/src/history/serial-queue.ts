/**
 * Runs async tasks one at a time, in the order they were queued. The JSONL store appends through
 * it so that concurrent saves never write into the file at the same time.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // A failed task is reported to its caller; it must not stop the tasks queued after it.
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
