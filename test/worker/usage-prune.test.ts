// The hourly deletion of old model calls (`usage.prune`) over this run's PostgreSQL, run by the
// worker's handler: calls older than 90 days go, a bounded batch at a time; newer ones, which /usage
// reads, stay. Each test's clock sits in a year of its own, long before real time and any other
// test's rows, so no deletion here reaches another test's calls.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jobCatalog, MODEL_CALLS_KEPT_MS, pruneModelCalls, USAGE_PRUNE_EVERY_MS } from "@memebot/core";
import { createModelCallRecorder, createRepositories, type Database } from "@memebot/db";
import { createUsageHandlers } from "../../apps/worker/src/usage.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";

const DAY = 86_400_000;

let database: Database;
let repositories: ReturnType<typeof createRepositories>;
let community: { platform: "telegram"; externalId: string };
/** This test's "now": a year earlier than the previous test's. */
let now: Date;
let year = Date.UTC(1990, 0, 1);

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
  community = { platform: "telegram", externalId: `chat-${randomUUID()}` };
});

/** Records one call per age (ms before now), through the recorder the gateway uses. */
async function callsAgo(ages: number[]): Promise<void> {
  const recorder = createModelCallRecorder(database.prisma, { logger: { warn: () => undefined } });
  for (const age of ages) {
    recorder.record({
      community,
      task: "meme-text",
      provider: "vllm",
      model: "qwen3-32b",
      outcome: "ok",
      tokensIn: 10,
      tokensOut: 5,
      latencyMs: age / DAY,
      at: new Date(now.getTime() - age),
    });
  }
  await recorder.close();
}

/** The ages (days before now) of this test's stored calls, youngest first. */
const storedAgesInDays = async () =>
  (
    await database.prisma.modelCall.findMany({
      where: { community: { platform: community.platform, externalId: community.externalId } },
      select: { createdAt: true },
    })
  )
    .map((row) => (now.getTime() - row.createdAt.getTime()) / DAY)
    .sort((a, b) => a - b);

const runJob = (handlers: ReturnType<typeof createUsageHandlers>) =>
  handlers["usage.prune"](
    { reason: "schedule" },
    { jobId: "test", attempt: 1, signal: new AbortController().signal },
  );

describe("usage.prune", () => {
  it("runs hourly on the maintenance queue", () => {
    expect(jobCatalog["usage.prune"].queue).toBe("maintenance");
    expect(jobCatalog["usage.prune"].schedule?.everyMs).toBe(USAGE_PRUNE_EVERY_MS);
    expect(USAGE_PRUNE_EVERY_MS).toBe(60 * 60_000);
  });

  it("deletes calls older than 90 days and keeps the rest, which /usage still sums", async () => {
    await callsAgo([1, 29, 89.9, 90.1, 200].map((days) => days * DAY));
    const logs: object[] = [];
    const handlers = createUsageHandlers({
      repositories,
      logger: { info: (fields) => logs.push(fields) },
      now: () => now,
    });

    expect(await runJob(handlers)).toEqual({ deleted: 2, more: false });
    expect(logs).toEqual([{ deleted: 2, more: false }]);
    expect(await storedAgesInDays()).toEqual([1, 29, 89.9]);
    expect(MODEL_CALLS_KEPT_MS).toBe(90 * DAY);
    const lastMonth = await repositories.usage.summary(community, {
      since: new Date(now.getTime() - 30 * DAY),
    });
    expect(lastMonth.map((row) => row.calls)).toEqual([2]);

    // A second run finds nothing left to delete, and says nothing.
    expect(await runJob(handlers)).toEqual({ deleted: 0, more: false });
    expect(logs).toHaveLength(1);
  });

  it("deletes in bounded batches, oldest first, and leaves what is over a run's cap to the next run", async () => {
    await callsAgo([91, 92, 93, 94, 95, 10].map((days) => days * DAY));
    const limits: number[] = [];
    const deps = {
      deleteCallsBefore: (before: Date, limit: number) => {
        limits.push(limit);
        return repositories.usage.deleteCallsBefore(before, limit);
      },
      now: () => now,
      batchSize: 2,
      maxBatches: 2,
    };

    expect(await pruneModelCalls(deps)).toEqual({ deleted: 4, more: true });
    expect(limits).toEqual([2, 2]);
    expect(await storedAgesInDays()).toEqual([10, 91]);
    expect(await pruneModelCalls(deps)).toEqual({ deleted: 1, more: false });
    expect(await storedAgesInDays()).toEqual([10]);
  });

  it("stops between batches when the job is aborted", async () => {
    await callsAgo([100, 101, 102].map((days) => days * DAY));
    const controller = new AbortController();
    const deps = {
      deleteCallsBefore: async (before: Date, limit: number) => {
        const deleted = await repositories.usage.deleteCallsBefore(before, limit);
        controller.abort(new Error("job time limit"));
        return deleted;
      },
      now: () => now,
      batchSize: 1,
    };

    await expect(pruneModelCalls(deps, controller.signal)).rejects.toThrow("job time limit");
    expect(await storedAgesInDays()).toEqual([100, 101]);
  });
});
