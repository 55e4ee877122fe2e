import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  DatabaseUnavailableError,
  createRepositories,
  openDatabase,
  type SettingsEdit,
  type UpdateSettingsInput,
} from "@memebot/db";
import { afterAll, describe, expect, it } from "vitest";
import { repositoryOptions } from "../support/database.ts";

/** Stores one change the way the settings store does, through updateSettings. */
function saveSettings(
  repositories: ReturnType<typeof createRepositories>,
  input: Omit<UpdateSettingsInput, "edit"> & SettingsEdit,
) {
  const { community, actor, ...edit } = input;
  return repositories.communities.updateSettings({ community, actor, edit: () => edit });
}

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
