// How fast each provider serves each model, in this process: an exponentially weighted moving
// average of answered requests' durations, used to order providers of equal priority.
// A pair never measured counts as instant, so it gets tried and measured. While its first
// request is still out it counts as at least as slow as that request's age: otherwise every
// call in a burst would pick the unmeasured (perhaps very slow) provider before the first answer.

const WEIGHT_OF_NEWEST = 0.3;

export interface LatencyTracker {
  /** Milliseconds expected for the next request to this provider and model. */
  estimate(key: string): number;
  /** A request is starting. */
  started(key: string): void;
  /** A request ended; durationMs when its duration says something about speed (an answer, a timeout). */
  ended(key: string, durationMs?: number): void;
}

export function createLatencyTracker(now: () => number): LatencyTracker {
  const averages = new Map<string, number>();
  const firstRequestStartedAt = new Map<string, number>();

  return {
    estimate(key) {
      const average = averages.get(key);
      if (average !== undefined) return average;
      const since = firstRequestStartedAt.get(key);
      return since === undefined ? 0 : now() - since;
    },
    started(key) {
      if (!averages.has(key) && !firstRequestStartedAt.has(key)) firstRequestStartedAt.set(key, now());
    },
    ended(key, durationMs) {
      firstRequestStartedAt.delete(key);
      if (durationMs === undefined) return;
      const average = averages.get(key);
      averages.set(
        key,
        average === undefined ? durationMs : average + WEIGHT_OF_NEWEST * (durationMs - average),
      );
    },
  };
}
