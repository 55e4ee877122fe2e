// Old conversation history goes: the pruner on the real repository and PostgreSQL. Its rows are
// dated in 2001, so pruning them cannot touch what other test files store meanwhile.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHistoryPruner, HISTORY_KEPT_MS, HISTORY_MAX_AGE_MS } from "@memebot/core";
import { createRepositories, type Database, type Repositories } from "@memebot/db";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";

let database: Database;
let repositories: Repositories;
beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(async () => {
  await database.close();
});

const HOUR = 3_600_000;
const NOW = Date.UTC(2001, 5, 1, 12, 0, 0);

async function storeAt(threadKey: string, text: string, at: number) {
  await repositories.conversations.append({
    community: { platform: "telegram", externalId: `-100${randomUUID().slice(0, 8)}` },
    threadKey,
    role: "user",
    authorId: "42",
    text,
    at: new Date(at),
  });
}

const textsOf = async (threadKey: string) =>
  (await repositories.conversations.recent(threadKey, { limit: 50, since: new Date(0) })).map(
    (row) => row.text,
  );

describe("createHistoryPruner", () => {
  it("GIVEN history older than the prompt's window THEN deletes it and keeps what a prompt may still read", async () => {
    expect(HISTORY_KEPT_MS).toBeGreaterThan(HISTORY_MAX_AGE_MS);
    const threadKey = `telegram:${randomUUID()}`;
    await storeAt(threadKey, "a day old", NOW - 24 * HOUR);
    await storeAt(threadKey, "just past the kept window", NOW - HISTORY_KEPT_MS - 1);
    await storeAt(threadKey, "inside the prompt's window", NOW - HISTORY_MAX_AGE_MS + HOUR);

    const prune = createHistoryPruner({
      deleteOlderThan: (before) => repositories.conversations.deleteOlderThan(before),
      now: () => NOW,
    });
    expect(await prune()).toBe(2);
    expect(await textsOf(threadKey)).toEqual(["inside the prompt's window"]);
  });

  it("GIVEN a pruning a moment ago THEN does nothing until the interval is over, and retries after a failure", async () => {
    let clock = NOW + 10 * 24 * HOUR;
    const calls: Date[] = [];
    const errors: unknown[] = [];
    let fail = true;
    const prune = createHistoryPruner({
      deleteOlderThan: async (before) => {
        calls.push(before);
        if (fail) throw new Error("database down");
        return 0;
      },
      now: () => clock,
      everyMs: HOUR,
      onError: (error) => errors.push(error),
    });
    expect(await prune()).toBe(0);
    expect(errors).toHaveLength(1);
    clock += HOUR - 1;
    await prune();
    expect(calls).toHaveLength(1);
    fail = false;
    clock += 1;
    await prune();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.getTime()).toBe(clock - HISTORY_KEPT_MS);
  });
});
