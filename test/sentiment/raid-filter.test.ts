// The raid filter on its own clock: copies within the window are judged together, a repeat by the
// same author is spam, variations in case and punctuation are the same text, and the window ends.
import { contentHashOf, createRaidFilter } from "@memebot/core";
import { describe, expect, it } from "vitest";

describe("raid filter", () => {
  it("keeps two copies from different authors, then calls it a raid until the window ends", () => {
    let now = 0;
    const filter = createRaidFilter({ windowMs: 1_000, copiesKept: 2, now: () => now });
    expect(filter.check("c", "a", "FREE airdrop!!").keep).toBe(true);
    expect(filter.check("c", "b", "free airdrop").keep).toBe(true);
    expect(filter.check("c", "c", "free   AIRDROP 🚀")).toEqual({ keep: false, reason: "raid" });
    expect(filter.check("c", "a", "free airdrop")).toEqual({ keep: false, reason: "repeat" });
    // Another community's copy is its own.
    expect(filter.check("other", "c", "free airdrop").keep).toBe(true);
    now = 1_000;
    expect(filter.check("c", "c", "free airdrop").keep).toBe(true);
  });

  it("hashes the normalised text", () => {
    expect(contentHashOf("GM, frens!")).toBe(contentHashOf("gm frens"));
    expect(contentHashOf("gm frens")).not.toBe(contentHashOf("gn frens"));
  });

  it("forgets the oldest texts past its bound", () => {
    const filter = createRaidFilter({ maxEntries: 3 });
    for (const text of ["one", "two", "three", "four"]) filter.check("c", "a", text);
    expect(filter.size()).toBe(3);
    // "one" was forgotten: the same author may say it again.
    expect(filter.check("c", "a", "one").keep).toBe(true);
    expect(filter.check("c", "a", "four").keep).toBe(false);
  });
});
