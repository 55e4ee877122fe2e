/**
 * An append-only log of what a fake server received, with promises that wait for entries.
 * Waiters are checked incrementally on every new entry, so waiting for thousands of calls
 * (the benchmark does) stays linear instead of re-scanning the whole log each time.
 */
interface Waiter<T> {
  /** Returns true once the waiter is satisfied and must be removed. */
  observe(entry: T): boolean;
}

export class CallLog<T> {
  readonly entries: T[] = [];
  readonly #waiters = new Set<Waiter<T>>();

  record(entry: T): void {
    this.entries.push(entry);
    if (this.#waiters.size === 0) return;
    for (const waiter of this.#waiters) {
      if (waiter.observe(entry)) this.#waiters.delete(waiter);
    }
  }

  /** Resolves with the first existing or future entry matching `predicate`. */
  waitFor(predicate: (entry: T) => boolean, timeoutMs: number, description: string): Promise<T> {
    return this.waitForCount(predicate, 1, timeoutMs, description).then((found) => found[0] as T);
  }

  /** Resolves with the first `count` existing or future entries matching `predicate`. */
  waitForCount(
    predicate: (entry: T) => boolean,
    count: number,
    timeoutMs: number,
    description: string,
  ): Promise<T[]> {
    const found = this.entries.filter(predicate).slice(0, count);
    if (found.length >= count) return Promise.resolve(found);
    return new Promise<T[]>((resolve, reject) => {
      const waiter: Waiter<T> = {
        observe: (entry) => {
          if (!predicate(entry)) return false;
          found.push(entry);
          if (found.length < count) return false;
          clearTimeout(timer);
          resolve(found);
          return true;
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for ${description} ` +
              `(matched ${found.length} of ${count}; ${this.entries.length} calls recorded in total)`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }
}
