import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  MigrationError,
  MigrationLockTimeoutError,
  defaultMigrationsDir,
  migrateDatabase,
  migrationLockKey,
  openDatabase,
  type Database,
} from "@memebot/db";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createScratchDatabase, type ScratchDatabase } from "../support/database.ts";

const appTables = [
  "ChatterMessage",
  "CommandRun",
  "Community",
  "ConversationMessage",
  "GateAudit",
  "GateJoinRequest",
  "GateMemberState",
  "GatePass",
  "MemeTemplate",
  "ModelCall",
  "Persona",
  "PlatformIdentity",
  "SentimentAlert",
  "SentimentDigest",
  "SettingChange",
  "TokenGate",
  "TrackedToken",
  "User",
  "WalletLink",
  "WalletLinkAttempt",
  "WalletLinkRequest",
  "_prisma_migrations",
];

async function migrationNames(): Promise<string[]> {
  const entries = await readdir(defaultMigrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

async function tablesOf(database: Database): Promise<string[]> {
  const rows = await database.prisma.$queryRaw<{ name: string }[]>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`;
  return rows.map((row) => row.name);
}

async function appliedRows(database: Database) {
  return database.prisma.$queryRaw<{ migration_name: string; finished: boolean }[]>`
    SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name`;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A copy of the real migrations plus one that creates a table and then fails. */
async function migrationsWithAFailingOne(): Promise<{ dir: string; failing: string }> {
  const parent = await mkdtemp(path.join(tmpdir(), "memebot-migrations-"));
  cleanups.push(() => rm(parent, { recursive: true, force: true }));
  const dir = path.join(parent, "migrations");
  await cp(defaultMigrationsDir, dir, { recursive: true });
  const failing = "29991231000000_fails_halfway";
  await mkdir(path.join(dir, failing));
  await writeFile(
    path.join(dir, failing, "migration.sql"),
    'CREATE TABLE "Leftover" ("id" INTEGER);\nINSERT INTO "Leftover" VALUES (1);\nSELECT 1 / 0;\n',
  );
  return { dir, failing };
}

async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "memebot-data-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function scratchDatabase(): Promise<ScratchDatabase> {
  const database = await createScratchDatabase();
  cleanups.push(() => database.drop());
  return database;
}

// A fresh PGlite data directory runs initdb: seconds on an idle machine, far more on a busy one.
describe("migrateDatabase on embedded PGlite", { timeout: 120_000 }, () => {
  it("creates every table in a fresh data directory, and a second run applies nothing", async () => {
    const dataDir = await tempDataDir();

    const applied = await migrateDatabase({ dataDir });
    expect(applied).toEqual(await migrationNames());

    const database = await openDatabase({ dataDir, migrate: true });
    cleanups.push(() => database.close());
    expect(database.kind).toBe("pglite");
    expect(await tablesOf(database)).toEqual(appTables);
    expect(await migrateDatabase(database)).toEqual([]);
    expect((await appliedRows(database)).every((row) => row.finished)).toBe(true);
  });

  it("rolls a failing migration back whole and refuses to go on until it is resolved", async () => {
    const dataDir = await tempDataDir();
    const { dir, failing } = await migrationsWithAFailingOne();

    await expect(openDatabase({ dataDir, migrate: { migrationsDir: dir } })).rejects.toThrow(
      /division by zero/,
    );
    await expect(migrateDatabase({ dataDir }, { migrationsDir: dir })).rejects.toThrow(/failed migrations/);

    const database = await openDatabase({ dataDir });
    cleanups.push(() => database.close());
    expect(await tablesOf(database)).not.toContain("Leftover");
    expect(await appliedRows(database)).toContainEqual({ migration_name: failing, finished: false });
  });
});

describe("migrateDatabase on PostgreSQL", () => {
  it("creates every table in a fresh database, and a second run applies nothing", async () => {
    const scratch = await scratchDatabase();
    const location = { databaseUrl: scratch.url, dataDir: await tempDataDir() };

    expect(await migrateDatabase(location)).toEqual(await migrationNames());

    const database = await openDatabase(location);
    cleanups.push(() => database.close());
    expect(database.kind).toBe("postgres");
    expect(await tablesOf(database)).toEqual(appTables);
    expect(await migrateDatabase(location)).toEqual([]);
    expect(await migrateDatabase(database)).toEqual([]);
  });

  it("lets replicas starting together apply each migration exactly once", async () => {
    const scratch = await scratchDatabase();
    const location = { databaseUrl: scratch.url, dataDir: await tempDataDir() };

    const results = await Promise.all(Array.from({ length: 6 }, () => migrateDatabase(location)));

    expect(results.flat().sort()).toEqual(await migrationNames());
    expect(results.filter((applied) => applied.length > 0)).toHaveLength(1);
    const database = await openDatabase(location);
    cleanups.push(() => database.close());
    const rows = await appliedRows(database);
    expect(rows.map((row) => row.migration_name)).toEqual(await migrationNames());
  });

  it("rolls a failing migration back whole", async () => {
    const scratch = await scratchDatabase();
    const location = { databaseUrl: scratch.url, dataDir: await tempDataDir() };
    const { dir, failing } = await migrationsWithAFailingOne();

    const attempt = migrateDatabase(location, { migrationsDir: dir });
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(attempt).rejects.toThrow(/division by zero/);

    const database = await openDatabase(location);
    cleanups.push(() => database.close());
    expect(await tablesOf(database)).not.toContain("Leftover");
    expect(await tablesOf(database)).toContain("Community");
    expect(await appliedRows(database)).toContainEqual({ migration_name: failing, finished: false });
  });

  it("gives up with MigrationLockTimeoutError while another process holds the migration lock", async () => {
    const scratch = await scratchDatabase();
    const holder = new pg.Client({ connectionString: scratch.url });
    await holder.connect();
    cleanups.push(() => holder.end());
    await holder.query("SELECT pg_advisory_lock($1)", [migrationLockKey.toString()]);

    await expect(
      migrateDatabase({ databaseUrl: scratch.url, dataDir: "." }, { lockTimeoutMs: 200 }),
    ).rejects.toBeInstanceOf(MigrationLockTimeoutError);

    await holder.query("SELECT pg_advisory_unlock($1)", [migrationLockKey.toString()]);
    expect(await migrateDatabase({ databaseUrl: scratch.url, dataDir: "." })).toEqual(await migrationNames());
  });
});
