// How fast each provider serves each model, in this process: an exponentially weighted moving
// average of answered requests' durations, used to order providers of equal priority.
// A pair never measured comes first, so it gets one request that measures it. While that request
// is out, the pair comes after every measured one (else every call of a burst would pick the
// unmeasured, perhaps very slow, provider before its first answer); among pairs still being
// measured, the one whose first request is youngest comes first.

const WEIGHT_OF_NEWEST = 0.3;

/** Compared in order: a pair being measured ranks after the others; then by milliseconds. */
export type LatencyRank = readonly [measuring: 0 | 1, ms: number];

export interface LatencyTracker {
  /** Where this provider and model stand: lower ranks are tried first. */
  rank(key: string): LatencyRank;
  /** A request is about to go; true when it is the pair's first measurement (pass it to ended). */
  started(key: string): boolean;
  /** A request ended (or never went); durationMs when its duration says something about speed. */
  ended(key: string, first: boolean, durationMs?: number): void;
}

export function createLatencyTracker(now: () => number): LatencyTracker {
  const averages = new Map<string, number>();
  const firstRequestStartedAt = new Map<string, number>();

  return {
    rank(key) {
      const average = averages.get(key);
      if (average !== undefined) return [0, average];
      const since = firstRequestStartedAt.get(key);
      return since === undefined ? [0, 0] : [1, now() - since];
    },
    started(key) {
      if (averages.has(key) || firstRequestStartedAt.has(key)) return false;
      firstRequestStartedAt.set(key, now());
      return true;
    },
    ended(key, first, durationMs) {
      if (first) firstRequestStartedAt.delete(key);
      if (durationMs === undefined) return;
      const average = averages.get(key);
      averages.set(
        key,
        average === undefined ? durationMs : average + WEIGHT_OF_NEWEST * (durationMs - average),
      );
    },
  };
}
