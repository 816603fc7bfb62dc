/**
 * A provider client created on first use and then shared. A failed creation (missing key, missing
 * SDK) is not remembered, so the next call reports it again — or succeeds once the user fixed it.
 */
export class LazyClient<T> {
  private pending: Promise<T> | undefined;

  constructor(private readonly create: () => Promise<T>) {}

  get(): Promise<T> {
    if (!this.pending) {
      const created = this.create();
      this.pending = created;
      created.catch(() => {
        if (this.pending === created) this.pending = undefined;
      });
    }
    return this.pending;
  }
}
