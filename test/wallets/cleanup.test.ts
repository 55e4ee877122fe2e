// The hourly wallet-link clean-up (`wallet.cleanup`) over this run's PostgreSQL, run by the worker's
// handler: link requests expired more than a day ago and attempts older than a week are deleted,
// a bounded batch at a time; newer ones, and the links members made, stay. Each test's clock sits
// in a year of its own before any other test's rows, so no clean-up here reaches another test's.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  cleanUpWalletLinks,
  EXPIRED_REQUESTS_KEPT_MS,
  jobCatalog,
  startWalletLink,
  WALLET_ATTEMPTS_KEPT_MS,
  WALLET_CLEANUP_EVERY_MS,
  WALLET_FAILURE_WINDOW_MS,
  WALLET_LINK_LIFETIME_MS,
  walletLinkSettingsOf,
  walletLinkStatus,
  type WalletLinkDependencies,
} from "@memebot/core";
import { createRepositories, type Database } from "@memebot/db";
import { registerJobSchedulers } from "@memebot/jobs";
import { createWalletHandlers } from "../../apps/worker/src/wallets.ts";
import { deletePrefix, REDIS_URL, uniquePrefix } from "../jobs/support.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";
import { uniqueSnowflake } from "../support/unique-ids.ts";
import { newWallet } from "./keys.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let database: Database;
let repositories: ReturnType<typeof createRepositories>;
let guild: string;
let member: string;
/** This test's "now": a year earlier than the previous test's, and long before real time. */
let now: Date;
let year = Date.UTC(2001, 0, 1);

beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(async () => {
  await database.close();
});
beforeEach(() => {
  year -= 365 * DAY;
  now = new Date(year);
  guild = uniqueSnowflake();
  member = uniqueSnowflake();
});

const community = () => ({ platform: "discord" as const, externalId: guild });

/** A link request issued so that it expires `expiredAgoMs` before now (negative: still valid). */
async function requestExpired(expiredAgoMs: number, options: { used?: boolean } = {}): Promise<string> {
  const expiresAt = new Date(now.getTime() - expiredAgoMs);
  const nonce = randomBytes(12).toString("hex");
  await repositories.wallets.createRequest({
    community: community(),
    memberId: member,
    tokenHash: randomBytes(32).toString("hex"),
    nonce,
    issuedAt: new Date(expiresAt.getTime() - WALLET_LINK_LIFETIME_MS),
    expiresAt,
  });
  if (options.used)
    await database.prisma.walletLinkRequest.update({ where: { nonce }, data: { usedAt: expiresAt } });
  return nonce;
}

async function attemptAgo(agoMs: number, outcome = "bad_signature"): Promise<void> {
  await repositories.wallets.recordAttempt({
    community: community(),
    platform: "discord",
    memberId: member,
    outcome,
    at: new Date(now.getTime() - agoMs),
  });
}

const storedRequests = async () =>
  (
    await database.prisma.walletLinkRequest.findMany({
      where: { community: community(), memberId: member },
      select: { nonce: true },
    })
  )
    .map((row) => row.nonce)
    .sort();

const storedAttemptAges = async () =>
  (
    await database.prisma.walletLinkAttempt.findMany({
      where: { platform: "discord", memberId: member },
      select: { createdAt: true },
    })
  )
    .map((row) => now.getTime() - row.createdAt.getTime())
    .sort((a, b) => a - b);

const runJob = (handlers: ReturnType<typeof createWalletHandlers>) =>
  handlers["wallet.cleanup"](
    { reason: "schedule" },
    { jobId: "test", attempt: 1, signal: new AbortController().signal },
  );

describe("wallet.cleanup", () => {
  it("deletes requests expired over a day ago and attempts over a week old; keeps the rest and the links", async () => {
    const gone = [await requestExpired(DAY + MINUTE), await requestExpired(30 * DAY, { used: true })];
    const kept = [
      await requestExpired(DAY - MINUTE),
      await requestExpired(5 * MINUTE, { used: true }),
      await requestExpired(-5 * MINUTE),
    ];
    for (const ago of [8 * DAY, WALLET_ATTEMPTS_KEPT_MS + MINUTE]) await attemptAgo(ago);
    for (const ago of [MINUTE, 14 * MINUTE, 3 * DAY, WALLET_ATTEMPTS_KEPT_MS - MINUTE]) await attemptAgo(ago);
    const wallet = newWallet();
    await database.prisma.walletLink.create({
      data: {
        community: { connect: { platform_externalId: community() } },
        memberId: member,
        address: wallet.address,
        linkedAt: new Date(now.getTime() - 365 * DAY),
      },
    });
    const logs: object[] = [];

    const result = await runJob(
      createWalletHandlers({ repositories, logger: { info: (fields) => logs.push(fields) }, now: () => now }),
    );

    expect(result).toEqual({ requests: 2, attempts: 2, more: false });
    expect(logs).toEqual([{ requests: 2, attempts: 2, more: false }]);
    expect(await storedRequests()).toEqual(kept.sort());
    expect(gone.some((nonce) => kept.includes(nonce))).toBe(false);
    expect(await storedAttemptAges()).toEqual([
      MINUTE,
      14 * MINUTE,
      3 * DAY,
      WALLET_ATTEMPTS_KEPT_MS - MINUTE,
    ]);
    expect(await repositories.wallets.links(community(), member)).toEqual([
      { address: wallet.address, linkedAt: new Date(now.getTime() - 365 * DAY) },
    ]);
    // The failure limit still counts every failure of its window.
    const failures = await repositories.wallets.countAttempts({
      platform: "discord",
      memberId: member,
      since: new Date(now.getTime() - WALLET_FAILURE_WINDOW_MS),
      outcomes: ["bad_signature"],
    });
    expect(failures).toBe(2);
    // A second run finds nothing left to delete, and says nothing.
    const again = await runJob(
      createWalletHandlers({ repositories, logger: { info: (fields) => logs.push(fields) }, now: () => now }),
    );
    expect(again).toEqual({ requests: 0, attempts: 0, more: false });
    expect(logs).toHaveLength(1);
  });

  it("keeps an expired link's page saying 'expired' for a day; after that the link is unknown", async () => {
    const wallets: WalletLinkDependencies = {
      store: repositories.wallets,
      settings: walletLinkSettingsOf("https://bot.example.com"),
      now: () => now,
    };
    const started = await startWalletLink(wallets, {
      community: community(),
      member: { platform: "discord", externalId: member },
    });
    if (!started.ok || !started.value.link) throw new Error("no link issued");
    const token = started.value.link.split("/").at(-1) as string;
    const cleanUpAt = (at: number) =>
      runJob(
        createWalletHandlers({ repositories, logger: { info: () => undefined }, now: () => new Date(at) }),
      );

    const issued = now.getTime();
    await cleanUpAt(issued + WALLET_LINK_LIFETIME_MS + EXPIRED_REQUESTS_KEPT_MS - MINUTE);
    now = new Date(issued + WALLET_LINK_LIFETIME_MS + HOUR);
    expect(await walletLinkStatus(wallets, token)).toEqual({ state: "expired" });

    await cleanUpAt(issued + WALLET_LINK_LIFETIME_MS + EXPIRED_REQUESTS_KEPT_MS + MINUTE);
    expect(await walletLinkStatus(wallets, token)).toEqual({ state: "unknown" });
  });

  it("deletes in bounded batches and leaves what is over a run's cap to the next run", async () => {
    for (let index = 0; index < 7; index += 1) await requestExpired(2 * DAY + index * MINUTE);
    for (let index = 0; index < 5; index += 1) await attemptAgo(10 * DAY + index * MINUTE);
    const batches: Array<[kind: string, limit: number, deleted: number]> = [];
    const deps = {
      deleteExpiredRequests: async (before: Date, limit: number) => {
        const deleted = await repositories.wallets.deleteExpiredRequests(before, limit);
        batches.push(["requests", limit, deleted]);
        return deleted;
      },
      deleteAttemptsBefore: async (before: Date, limit: number) => {
        const deleted = await repositories.wallets.deleteAttemptsBefore(before, limit);
        batches.push(["attempts", limit, deleted]);
        return deleted;
      },
      now: () => now,
      batchSize: 3,
    };

    // At most two batches of each kind: one request is left for the next run.
    expect(await cleanUpWalletLinks({ ...deps, maxBatches: 2 })).toEqual({
      requests: 6,
      attempts: 5,
      more: true,
    });
    expect(batches).toEqual([
      ["requests", 3, 3],
      ["requests", 3, 3],
      ["attempts", 3, 3],
      ["attempts", 3, 2],
    ]);
    expect(await storedRequests()).toHaveLength(1);

    batches.length = 0;
    expect(await cleanUpWalletLinks(deps)).toEqual({ requests: 1, attempts: 0, more: false });
    expect(batches).toEqual([
      ["requests", 3, 1],
      ["attempts", 3, 0],
    ]);
    expect(await storedRequests()).toEqual([]);
    expect(await storedAttemptAges()).toEqual([]);
  });

  it("stops between batches when the job's time is up", async () => {
    for (let index = 0; index < 4; index += 1) await requestExpired(2 * DAY + index * MINUTE);
    const controller = new AbortController();
    const run = cleanUpWalletLinks(
      {
        deleteExpiredRequests: async (before, limit) => {
          const deleted = await repositories.wallets.deleteExpiredRequests(before, limit);
          controller.abort(new Error("job timed out"));
          return deleted;
        },
        deleteAttemptsBefore: (before, limit) => repositories.wallets.deleteAttemptsBefore(before, limit),
        now: () => now,
        batchSize: 2,
      },
      controller.signal,
    );
    await expect(run).rejects.toThrow("job timed out");
    expect(await storedRequests()).toHaveLength(2);
  });
});

describe("wallet.cleanup's schedule", () => {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  afterAll(() => redis.quit());

  it("runs hourly on the maintenance queue, registered with the other scheduled jobs", async () => {
    expect(jobCatalog["wallet.cleanup"]).toMatchObject({
      queue: "maintenance",
      schedule: { everyMs: HOUR, payload: { reason: "schedule" } },
    });
    expect(WALLET_CLEANUP_EVERY_MS).toBe(HOUR);
    // The failure limit must see every attempt of its window.
    expect(WALLET_ATTEMPTS_KEPT_MS).toBeGreaterThan(WALLET_FAILURE_WINDOW_MS);
    const prefix = uniquePrefix();
    try {
      expect(await registerJobSchedulers({ connection: redis, prefix, catalog: jobCatalog })).toContain(
        "wallet.cleanup",
      );
    } finally {
      await deletePrefix(redis, prefix);
    }
  });
});
