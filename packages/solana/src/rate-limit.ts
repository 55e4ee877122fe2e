// A per-endpoint request pace (the generic cell rate algorithm): `perSecond` requests a second on
// average, up to `burst` at once. Slots are reserved synchronously, so concurrent callers queue up
// in order instead of all waking at the same moment.
export class RequestPace {
  readonly #intervalMs: number;
  readonly #toleranceMs: number;
  /** When the next request is due if the endpoint were used at exactly the average rate. */
  #theoreticalArrival = 0;

  constructor(perSecond: number, burst = 1) {
    if (!(perSecond > 0)) throw new RangeError(`requests per second must be above 0, not ${perSecond}`);
    this.#intervalMs = 1000 / perSecond;
    this.#toleranceMs = this.#intervalMs * (Math.max(1, Math.floor(burst)) - 1);
  }

  /** Resolves when the caller may send one request. */
  async take(): Promise<void> {
    const now = Date.now();
    const arrival = Math.max(this.#theoreticalArrival, now);
    const waitMs = arrival - this.#toleranceMs - now;
    this.#theoreticalArrival = arrival + this.#intervalMs;
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}
