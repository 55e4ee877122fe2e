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

function turns(cooldownMs: number) {
  const prefix = `test-turns-${randomUUID()}`;
  prefixes.push(prefix);
  return createConversationTurns({ redis, prefix, cooldownMs });
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("conversation turns", () => {
  it("GIVEN messages within the cooldown THEN the first answers now, the next waits for the cooldown's end, the rest fold into it", async () => {
    const chat = turns(5_000);
    expect(await chat.take({ key: "m1", threadKey: "t" })).toEqual({ kind: "now" });
    const second = await chat.take({ key: "m2", threadKey: "t" });
    expect(second.kind).toBe("later");
    expect(second.kind === "later" && second.delayMs).toBeGreaterThan(4_500);
    expect(second.kind === "later" && second.delayMs).toBeLessThanOrEqual(5_000);
    expect(await chat.take({ key: "m3", threadKey: "t" })).toEqual({ kind: "fold" });
    // Another chat has its own cooldown.
    expect(await chat.take({ key: "m4", threadKey: "other" })).toEqual({ kind: "now" });
  });

  it("GIVEN the same message twice THEN the second is a duplicate and changes nothing", async () => {
    const chat = turns(5_000);
    expect(await chat.take({ key: "m1", threadKey: "t" })).toEqual({ kind: "now" });
    expect(await chat.take({ key: "m1", threadKey: "t" })).toEqual({ kind: "duplicate" });
    // Had the duplicate taken a turn, this one would fold into an answer nobody scheduled.
    expect((await chat.take({ key: "m2", threadKey: "t" })).kind).toBe("later");
  });

  it("GIVEN a message forgotten (its job could not be enqueued) THEN its redelivery is taken afresh", async () => {
    const chat = turns(5_000);
    await chat.take({ key: "m1", threadKey: "t" });
    await chat.forget("m1");
    expect((await chat.take({ key: "m1", threadKey: "t" })).kind).toBe("later");
  });

  it("GIVEN the scheduled answer is about to start THEN a message no longer folds into it but gets the next turn", async () => {
    const cooldownMs = FOLD_MARGIN_MS + 300;
    const chat = turns(cooldownMs);
    await chat.take({ key: "m1", threadKey: "t" });
    expect((await chat.take({ key: "m2", threadKey: "t" })).kind).toBe("later");
    // The fold window closes FOLD_MARGIN_MS before the scheduled answer starts.
    await sleep(400);
    const late = await chat.take({ key: "m3", threadKey: "t" });
    expect(late.kind).toBe("later");
    expect(late.kind === "later" && late.delayMs).toBeGreaterThan(cooldownMs);
  });

  it("GIVEN the cooldown is over THEN the next message answers now", async () => {
    const chat = turns(200);
    await chat.take({ key: "m1", threadKey: "t" });
    await sleep(250);
    expect(await chat.take({ key: "m2", threadKey: "t" })).toEqual({ kind: "now" });
  });
});
