import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseUnavailableError, createRepositories, openDatabase } from "@memebot/db";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { repositoryOptions, saveSettings, testDatabaseUrl } from "../support/database.ts";
import { startDatabaseProxy } from "../support/tcp-proxy.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

// A fresh PGlite data directory runs initdb: seconds on an idle machine, far more on a busy one.
describe("openDatabase", { timeout: 120_000 }, () => {
  it("keeps embedded PGlite data under <dataDir>/pglite across restarts, with the repositories working on it", async () => {
    const dataDir = path.join(await mkdtemp(path.join(tmpdir(), "memebot-data-")), "not-yet-created");
    dirs.push(path.dirname(dataDir));
    const community = { platform: "console" as const, externalId: "local", title: "Terminal" };
    const actor = { platform: "console" as const, externalId: "me", username: "me" };

    const first = await openDatabase({ dataDir, migrate: true });
    try {
      const repositories = createRepositories(first.prisma, repositoryOptions);
      await saveSettings(repositories, {
        community,
        actor,
        key: "ticker",
        oldValue: undefined,
        newValue: "MEME",
        settings: { ticker: "MEME" },
      });
      await repositories.commandRuns.record({
        key: "console-1",
        command: "meme",
        args: "hello",
        status: "succeeded",
        outcome: "meme.offline",
        community,
        actor,
      });
    } finally {
      await first.close();
    }
    await first.close(); // a second close is harmless
    expect((await stat(path.join(dataDir, "pglite"))).isDirectory()).toBe(true);

    const second = await openDatabase({ dataDir, migrate: true });
    try {
      const repositories = createRepositories(second.prisma, repositoryOptions);
      expect(await repositories.communities.findSettings(community)).toEqual({ ticker: "MEME" });
      expect(await repositories.commandRuns.findByKey("console-1")).toMatchObject({
        status: "succeeded",
        outcome: "meme.offline",
      });
    } finally {
      await second.close();
    }
  });

  it("fails fast with DatabaseUnavailableError, without the password, when PostgreSQL cannot be reached", async () => {
    const attempt = openDatabase({
      databaseUrl: "postgres://memebot:s3cret-pw@127.0.0.1:1/memebot",
      dataDir: ".",
    });
    await expect(attempt).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(attempt).rejects.toThrow(/127\.0\.0\.1:1/);
    await expect(attempt).rejects.not.toThrow(/s3cret-pw/);
  });
});

/** How a promise ended and when; "pending" if it had not by `limitMs` (today's hang shows up as that). */
async function settleWithin(promise: Promise<unknown>, limitMs: number) {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<{ state: "pending" }>((resolve) => {
    timer = setTimeout(() => resolve({ state: "pending" }), limitMs);
  });
  const outcome = await Promise.race([
    promise.then(
      () => ({ state: "fulfilled" as const }),
      (error: unknown) => ({ state: "rejected" as const, error: error as Error }),
    ),
    pending,
  ]);
  clearTimeout(timer);
  return { ...outcome, ms: performance.now() - started };
}

describe("openDatabase with timeouts (PostgreSQL)", () => {
  it("has the server cancel a statement that runs past the statement timeout", async () => {
    const database = await openDatabase({
      databaseUrl: testDatabaseUrl(),
      dataDir: ".",
      timeouts: { connectTimeoutMs: 2_000, statementTimeoutMs: 500 },
    });
    onTestFinished(() => database.close());

    await expect(database.prisma.$queryRaw`SELECT 1 AS slept FROM pg_sleep(0.1)`).resolves.toBeDefined();
    const slow = await settleWithin(database.prisma.$queryRaw`SELECT 1 AS slept FROM pg_sleep(3)`, 2_500);
    expect(slow.state).toBe("rejected");
    // The server's cancellation (SQLSTATE 57014), not the client giving up.
    expect("error" in slow && String(slow.error)).toMatch(/statement timeout/);
    // The connection is still good for the next statement.
    await expect(database.prisma.$queryRaw`SELECT 1`).resolves.toBeDefined();
  });

  it("fails queries within seconds once the server stops answering, and recovers when it is back", async () => {
    const proxy = await startDatabaseProxy();
    onTestFinished(() => proxy.close());
    const database = await openDatabase({
      databaseUrl: proxy.url,
      dataDir: ".",
      timeouts: { connectTimeoutMs: 500, statementTimeoutMs: 500 },
    });
    onTestFinished(() => database.close());

    proxy.blackHole();
    // One on the connection opened at start, the others on new connections that never get an answer.
    const queries = [1, 2, 3].map(() => settleWithin(database.prisma.$queryRaw`SELECT 1`, 6_000));
    for (const query of await Promise.all(queries)) {
      expect(query.state).toBe("rejected");
      // Bounded by the statement timeout plus QUERY_TIMEOUT_MARGIN_MS (1.5 s here), or the connect timeout.
      expect(query.ms).toBeLessThan(3_000);
    }

    proxy.restore();
    await expect(database.prisma.$queryRaw`SELECT 1`).resolves.toBeDefined();
  });
});
