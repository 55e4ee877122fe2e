// The daily token ledger on the real Redis, each test under a prefix of its own.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createTokenBudgetLedger, LEDGER_TTL_SECONDS, utcDay } from "@memebot/ai";
import { deletePrefix } from "../jobs/support.ts";

const redis = new Redis("redis://127.0.0.1:6379");
// A second connection, as a second process would have.
const otherProcess = new Redis("redis://127.0.0.1:6379");
let prefix: string;

beforeEach((context) => {
  prefix = `test-ledger-${randomUUID()}`;
  const own = prefix;
  context.onTestFinished(() => deletePrefix(redis, own));
});
afterAll(async () => {
  await redis.quit();
  await otherProcess.quit();
});

const community = { platform: "telegram", externalId: "-1001234567890" };

/** A clock the test moves by hand. */
function clock(iso: string) {
  let now = Date.parse(iso);
  return {
    now: () => now,
    set: (next: string) => {
      now = Date.parse(next);
    },
  };
}

describe("token budget ledger", () => {
  it("GIVEN nothing spent THEN spentToday is 0 and no key exists", async () => {
    const ledger = createTokenBudgetLedger({ redis, prefix });
    expect(await ledger.spentToday(community)).toBe(0);
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
  });

  it("GIVEN tokens added THEN they sum in one key per community and UTC day that expires in two days", async () => {
    const time = clock("2026-12-02T10:00:00.000Z");
    const ledger = createTokenBudgetLedger({ redis, prefix, now: time.now });
    await ledger.add(community, 1200);
    await ledger.add(community, 34);
    await ledger.add({ platform: "discord", externalId: "42" }, 7);

    expect(await ledger.spentToday(community)).toBe(1234);
    expect(await ledger.spentToday({ platform: "discord", externalId: "42" })).toBe(7);
    const key = `${prefix}:tokens:telegram:-1001234567890:20261202`;
    expect(await redis.get(key)).toBe("1234");
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(LEDGER_TTL_SECONDS - 5);
    expect(ttl).toBeLessThanOrEqual(2 * 24 * 60 * 60);
  });

  it("GIVEN the UTC day turns THEN today's count starts at zero and yesterday's stays apart", async () => {
    const time = clock("2026-12-02T23:59:59.999Z");
    const ledger = createTokenBudgetLedger({ redis, prefix, now: time.now });
    await ledger.add(community, 900);
    expect(await ledger.spentToday(community)).toBe(900);

    time.set("2026-12-03T00:00:00.000Z");
    expect(await ledger.spentToday(community)).toBe(0);
    await ledger.add(community, 15);
    expect(await ledger.spentToday(community)).toBe(15);

    time.set("2026-12-02T12:00:00.000Z");
    expect(await ledger.spentToday(community)).toBe(900);
    expect((await redis.keys(`${prefix}:tokens:*`)).sort()).toEqual([
      `${prefix}:tokens:telegram:-1001234567890:20261202`,
      `${prefix}:tokens:telegram:-1001234567890:20261203`,
    ]);
  });

  it("GIVEN a time late in the evening west of Greenwich THEN the day is the UTC one, not the local one", () => {
    // 20:30 on 1 March in New York is already 2 March in UTC.
    expect(utcDay(Date.parse("2026-03-01T20:30:00-05:00"))).toBe("20260302");
    expect(utcDay(Date.parse("2026-03-02T00:30:00+02:00"))).toBe("20260301");
  });

  it("GIVEN many parallel adds from two processes THEN the total is exact", async () => {
    const first = createTokenBudgetLedger({ redis, prefix });
    const second = createTokenBudgetLedger({ redis: otherProcess, prefix });
    const amounts = Array.from({ length: 400 }, (_, index) => (index % 37) + 1);
    await Promise.all(amounts.map((amount, index) => (index % 2 ? first : second).add(community, amount)));
    const expected = amounts.reduce((sum, amount) => sum + amount, 0);
    // Read fresh (no cache): what Redis holds is the exact sum of both processes' additions.
    const reader = createTokenBudgetLedger({ redis, prefix, readCacheMs: 0 });
    expect(await reader.spentToday(community)).toBe(expected);
  });

  it("GIVEN another process's spending THEN it is seen once the read cache's second is over, and own spending at once", async () => {
    let clock = Date.UTC(2026, 11, 2, 12, 0, 0);
    const now = () => clock;
    const mine = createTokenBudgetLedger({ redis, prefix, now });
    const theirs = createTokenBudgetLedger({ redis: otherProcess, prefix, now });
    await mine.add(community, 100);
    expect(await mine.spentToday(community)).toBe(100);
    await theirs.add(community, 50);
    // Within the second: answered from memory, without the other process's 50 (and no Redis read).
    expect(await mine.spentToday(community)).toBe(100);
    await mine.add(community, 10);
    // The increment's reply carries the whole count, the other process's share included.
    expect(await mine.spentToday(community)).toBe(160);
    await theirs.add(community, 40);
    clock += 1_000;
    expect(await mine.spentToday(community)).toBe(200);
  });

  it("GIVEN zero, negative or non-numeric tokens THEN nothing is charged; fractions round", async () => {
    const ledger = createTokenBudgetLedger({ redis, prefix });
    await ledger.add(community, 0);
    await ledger.add(community, -50);
    await ledger.add(community, Number.NaN);
    await ledger.add(community, Number.POSITIVE_INFINITY);
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    await ledger.add(community, 2.6);
    expect(await ledger.spentToday(community)).toBe(3);
  });

  it("GIVEN Redis is unreachable THEN add rejects instead of pretending to charge", async () => {
    const down = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const ledger = createTokenBudgetLedger({ redis: down, prefix });
    await expect(ledger.add(community, 10)).rejects.toThrow();
    await expect(ledger.spentToday(community)).rejects.toThrow();
    down.disconnect();
  });
});
