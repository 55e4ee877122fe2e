import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RequestPace } from "../../packages/solana/src/rate-limit.ts";

// Fake timers: the pace is checked by which requests may go at which moment, not by waiting.
beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});

afterEach(() => {
  vi.useRealTimers();
});

function startAll(pace: RequestPace, count: number): boolean[] {
  const started = Array.from({ length: count }, () => false);
  started.forEach((_, index) => void pace.take().then(() => (started[index] = true)));
  return started;
}

describe("RequestPace", () => {
  it("lets `burst` requests go at once, then one every 1/perSecond seconds, in order", async () => {
    const started = startAll(new RequestPace(10, 3), 6);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([true, true, true, false, false, false]);
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toEqual([true, true, true, true, false, false]);
    await vi.advanceTimersByTimeAsync(200);
    expect(started).toEqual([true, true, true, true, true, true]);
  });

  it("fills up again while idle, but never beyond the burst", async () => {
    const pace = new RequestPace(2, 2);
    startAll(pace, 2);
    await vi.advanceTimersByTimeAsync(10_000);
    const started = startAll(pace, 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([true, true, false]);
    await vi.advanceTimersByTimeAsync(500);
    expect(started).toEqual([true, true, true]);
  });

  it("refuses a rate that is not above zero", () => {
    expect(() => new RequestPace(0)).toThrow(RangeError);
  });
});
