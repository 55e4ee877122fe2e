// Test access to PostgreSQL. The global setup creates one fresh, migrated
// database per test run (see global-setup.ts); tests reach it through
// testDatabaseUrl(), child processes through TEST_DATABASE_URL. Tests that need
// a database of their own (an empty one, to migrate it) use createScratchDatabase().
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import {
  openDatabase,
  type Database,
  type Repositories,
  type RepositoryOptions,
  type SettingsEdit,
  type UpdateSettingsInput,
} from "@memebot/db";
import { createScrubber } from "@memebot/telemetry";
import pg from "pg";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    testDatabaseUrl: string;
  }
}

/** The server the test databases are created on. */
export const postgresAdminUrl =
  process.env.TEST_POSTGRES_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** The URL of this test run's migrated database. */
export function testDatabaseUrl(): string {
  return inject("testDatabaseUrl");
}

/** createRepositories' options as a process with no configured secrets has them: secrets found by shape are scrubbed. */
export const repositoryOptions: RepositoryOptions = { scrubText: createScrubber([]).scrubText };

/** Stores one settings change the way the settings store does: through updateSettings. */
export function saveSettings(
  repositories: Repositories,
  input: Omit<UpdateSettingsInput, "edit"> & SettingsEdit,
): Promise<void> {
  const { community, actor, ...edit } = input;
  return repositories.communities.updateSettings({ community, actor, edit: () => edit });
}

/** A Database on this run's test database; close it in afterAll. */
export function openTestDatabase(): Promise<Database> {
  return openDatabase({ databaseUrl: testDatabaseUrl(), dataDir: tmpdir() });
}

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Drops the database, disconnecting anyone still on it. */
  drop(): Promise<void>;
}

/** Creates an empty database named `<prefix>_<timestamp>_<random>`. */
export async function createScratchDatabase(prefix = "memebot_scratch"): Promise<ScratchDatabase> {
  const name = `${prefix}_${Date.now()}_${randomBytes(4).toString("hex")}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/**
 * Drops test databases left by runs that were killed before their teardown.
 * The timestamp in the name tells their age; recent ones may belong to a run
 * still going in parallel, so they are left alone.
 */
export async function dropStaleTestDatabases(olderThanMs = 12 * 60 * 60 * 1000): Promise<string[]> {
  return withAdminClient(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname ~ '^memebot_(test|scratch)_[0-9]+_[0-9a-f]+$'",
    );
    const stale = rows
      .map((row) => row.datname)
      .filter((name) => Date.now() - Number(name.split("_")[2]) > olderThanMs);
    for (const name of stale) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return stale;
  });
}

async function withAdminClient<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Tests need PostgreSQL at ${postgresAdminUrl} (set TEST_POSTGRES_ADMIN_URL to use another): ${String(error)}`,
      { cause: error },
    );
  }
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
