import { describe, expect, it } from "vitest";
import { retryDelay } from "@memebot/jobs";

describe("retryDelay", () => {
  it("doubles the base delay with every attempt", () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelay(attempt, 1_000, new Error("boom")))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ]);
  });

  it("waits as long as the failure asks when that is longer", () => {
    const rateLimited = Object.assign(new Error("429"), { retryAfterMs: 35_000 });
    expect(retryDelay(1, 1_000, rateLimited)).toBe(35_000);
  });

  it("keeps the exponential delay when the requested wait is shorter", () => {
    const briefly = Object.assign(new Error("busy"), { retryAfterMs: 10 });
    expect(retryDelay(3, 1_000, briefly)).toBe(4_000);
  });

  it("caps an absurd requested wait at ten minutes", () => {
    const absurd = Object.assign(new Error("429"), { retryAfterMs: 86_400_000 });
    expect(retryDelay(1, 1_000, absurd)).toBe(600_000);
  });
});
