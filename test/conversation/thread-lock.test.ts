// One answer at a time per thread, on the real Redis.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createThreadLocks } from "@memebot/core";
import { deletePrefix, REDIS_URL } from "../jobs/support.ts";

const redis = new Redis(REDIS_URL);
const prefixes: string[] = [];
afterEach(async () => {
  for (const prefix of prefixes.splice(0)) await deletePrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

function locks(ttlMs?: number) {
  const prefix = `test-thread-lock-${randomUUID()}`;
  prefixes.push(prefix);
  return createThreadLocks({ redis, prefix, pollMs: 20, ...(ttlMs ? { ttlMs } : {}) });
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("thread locks", () => {
  it("GIVEN a thread being answered THEN a second job waits until it is let go, and other threads do not", async () => {
    const threads = locks();
    const release = await threads.acquire("t");
    let second = false;
    const waiting = threads.acquire("t").then((releaseSecond) => {
      second = true;
      return releaseSecond;
    });
    const other = await threads.acquire("other");
    await sleep(150);
    expect(second).toBe(false);
    await release();
    await (
      await waiting
    )();
    expect(second).toBe(true);
    await other();
  });

  it("GIVEN a holder that died THEN the lock expires, and the late holder's release leaves the new one's lock alone", async () => {
    const threads = locks(200);
    const dead = await threads.acquire("t");
    const started = Date.now();
    const next = await threads.acquire("t");
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    await dead();
    let third = false;
    void threads.acquire("t").then(async (release) => {
      third = true;
      await release();
    });
    await sleep(100);
    expect(third).toBe(false);
    await next();
  });

  it("GIVEN the job is aborted while waiting THEN acquire gives up", async () => {
    const threads = locks();
    const release = await threads.acquire("t");
    await expect(threads.acquire("t", AbortSignal.timeout(100))).rejects.toThrow();
    await release();
  });
});
