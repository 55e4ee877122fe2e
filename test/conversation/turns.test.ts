// The chat's cooldown on the real Redis: who answers now, who waits, who is folded in.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createConversationTurns, FOLD_MARGIN_MS } from "@memebot/core";
import { deletePrefix, REDIS_URL } from "../jobs/support.ts";

const redis = new Redis(REDIS_URL);
const prefixes: string[] = [];
afterEach(async () => {
  for (const prefix of prefixes.splice(0)) await deletePrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

function turns(cooldownMs: number, authorLimit?: { count: number; windowMs: number }) {
  const prefix = `test-turns-${randomUUID()}`;
  prefixes.push(prefix);
  return createConversationTurns({ redis, prefix, cooldownMs, ...(authorLimit ? { authorLimit } : {}) });
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("conversation turns", () => {
  it("GIVEN messages within the cooldown THEN the first answers now, the next waits for the cooldown's end, the rest fold into it", async () => {
    const chat = turns(5_000);
    expect(await chat.take({ key: "m1", threadKey: "t", authorKey: "telegram:1" })).toEqual({ kind: "now" });
    const second = await chat.take({ key: "m2", threadKey: "t", authorKey: "telegram:1" });
    expect(second.kind).toBe("later");
    expect(second.kind === "later" && second.delayMs).toBeGreaterThan(4_500);
    expect(second.kind === "later" && second.delayMs).toBeLessThanOrEqual(5_000);
    expect(await chat.take({ key: "m3", threadKey: "t", authorKey: "telegram:1" })).toEqual({ kind: "fold" });
    // Another chat has its own cooldown.
    expect(await chat.take({ key: "m4", threadKey: "other", authorKey: "telegram:1" })).toEqual({
      kind: "now",
    });
  });

  it("GIVEN the same message twice THEN the second is a duplicate and changes nothing", async () => {
    const chat = turns(5_000);
    expect(await chat.take({ key: "m1", threadKey: "t", authorKey: "telegram:1" })).toEqual({ kind: "now" });
    expect(await chat.take({ key: "m1", threadKey: "t", authorKey: "telegram:1" })).toEqual({
      kind: "duplicate",
    });
    // Had the duplicate taken a turn, this one would fold into an answer nobody scheduled.
    expect((await chat.take({ key: "m2", threadKey: "t", authorKey: "telegram:1" })).kind).toBe("later");
  });

  it("GIVEN a message forgotten (its job could not be enqueued) THEN its redelivery is taken afresh", async () => {
    const chat = turns(5_000);
    await chat.take({ key: "m1", threadKey: "t", authorKey: "telegram:1" });
    await chat.forget("m1");
    expect((await chat.take({ key: "m1", threadKey: "t", authorKey: "telegram:1" })).kind).toBe("later");
  });

  it("GIVEN the scheduled answer is about to start THEN a message no longer folds into it but gets the next turn", async () => {
    const cooldownMs = FOLD_MARGIN_MS + 300;
    const chat = turns(cooldownMs);
    await chat.take({ key: "m1", threadKey: "t", authorKey: "telegram:1" });
    expect((await chat.take({ key: "m2", threadKey: "t", authorKey: "telegram:1" })).kind).toBe("later");
    // The fold window closes FOLD_MARGIN_MS before the scheduled answer starts.
    await sleep(400);
    const late = await chat.take({ key: "m3", threadKey: "t", authorKey: "telegram:1" });
    expect(late.kind).toBe("later");
    expect(late.kind === "later" && late.delayMs).toBeGreaterThan(cooldownMs);
  });

  it("GIVEN an author past their limit of answered messages THEN further messages are limited (told once) in any chat, folded ones cost nothing, and others are not held back", async () => {
    const chat = turns(1, { count: 3, windowMs: 60_000 });
    const author = "telegram:42";
    for (const n of [1, 2, 3]) {
      expect(await chat.take({ key: `m${n}`, threadKey: `dm-${n}`, authorKey: author })).toEqual({
        kind: "now",
      });
    }
    expect(await chat.take({ key: "m4", threadKey: "dm-4", authorKey: author })).toEqual({
      kind: "limited",
      tell: true,
    });
    expect(await chat.take({ key: "m5", threadKey: "dm-1", authorKey: author })).toEqual({
      kind: "limited",
      tell: false,
    });
    // The same author id on another platform is someone else.
    expect(await chat.take({ key: "m6", threadKey: "dm-6", authorKey: "discord:42" })).toEqual({
      kind: "now",
    });

    // Folded messages get no answer of their own, so they do not count.
    const folding = turns(5_000, { count: 2, windowMs: 60_000 });
    expect((await folding.take({ key: "f1", threadKey: "t", authorKey: author })).kind).toBe("now");
    expect((await folding.take({ key: "f2", threadKey: "t", authorKey: author })).kind).toBe("later");
    expect((await folding.take({ key: "f3", threadKey: "t", authorKey: author })).kind).toBe("fold");
    expect((await folding.take({ key: "f4", threadKey: "t", authorKey: author })).kind).toBe("fold");
    expect((await folding.take({ key: "f5", threadKey: "other", authorKey: author })).kind).toBe("limited");
  });

  it("GIVEN the author's window is over THEN they are answered again", async () => {
    const chat = turns(1, { count: 1, windowMs: 200 });
    expect((await chat.take({ key: "m1", threadKey: "t", authorKey: "telegram:7" })).kind).toBe("now");
    expect((await chat.take({ key: "m2", threadKey: "t", authorKey: "telegram:7" })).kind).toBe("limited");
    await sleep(250);
    expect((await chat.take({ key: "m3", threadKey: "t", authorKey: "telegram:7" })).kind).toBe("now");
  });

  it("GIVEN the cooldown is over THEN the next message answers now", async () => {
    const chat = turns(200);
    await chat.take({ key: "m1", threadKey: "t", authorKey: "telegram:1" });
    await sleep(250);
    expect(await chat.take({ key: "m2", threadKey: "t", authorKey: "telegram:1" })).toEqual({ kind: "now" });
  });
});
