// Applies prisma/migrations the way `prisma migrate deploy` does (same
// `_prisma_migrations` bookkeeping, same checksums), through the WebAssembly
// schema engine, on PostgreSQL or PGlite.
//
// On PostgreSQL several bot and worker replicas may start together, so the whole
// apply runs under a session-level advisory lock: the first process applies, the
// others wait, then find nothing left to do.
import type { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { connectionOf, openPglite, redactDatabaseUrl } from "./connections.ts";
import type { Database, DatabaseLocation } from "./database.ts";
import { MigrationError, MigrationLockTimeoutError } from "./errors.ts";
import { pgliteMigrationAdapter, postgresMigrationAdapter } from "./migration-adapters.ts";
import { readMigrationsList } from "./migrations-folder.ts";
import { defaultMigrationsDir } from "./paths.ts";
import { createSchemaEngine } from "./schema-engine.ts";

export interface MigrateOptions {
  /** Defaults to the repository's prisma/migrations. */
  migrationsDir?: string;
  /** Receives the engine's log lines (JSON) and our own progress notes. */
  log?: (line: string) => void;
  /** PostgreSQL only: how long to wait for another process's migration before giving up. */
  lockTimeoutMs?: number;
}

/**
 * Either where the database is (migrateDatabase connects, migrates, disconnects)
 * or a Database from openDatabase (migrated through its own connection; the only
 * safe way for an open PGlite).
 */
export type MigrationTarget = DatabaseLocation | Database;

/** Arbitrary but fixed: every memebot process agrees on it, nothing else uses it. */
export const migrationLockKey = 7_243_311_592_014_330n;
const defaultLockTimeoutMs = 5 * 60_000;
const noFilters = { externalTables: [], externalEnums: [] };

/** Applies every pending migration; returns the names applied (empty when up to date). */
export async function migrateDatabase(
  target: MigrationTarget,
  options: MigrateOptions = {},
): Promise<string[]> {
  if ("prisma" in target) {
    const connection = connectionOf(target);
    if (!connection) throw new TypeError("migrateDatabase: this Database was not made by openDatabase");
    return connection.kind === "postgres"
      ? migratePostgres(connection.databaseUrl, options)
      : migratePglite(connection.pglite, options);
  }
  if (target.databaseUrl) return migratePostgres(target.databaseUrl, options);

  const pglite = await openPglite(target.dataDir);
  try {
    return await migratePglite(pglite, options);
  } finally {
    await pglite.close();
  }
}

async function migratePostgres(databaseUrl: string, options: MigrateOptions): Promise<string[]> {
  const lockClient = new pg.Client({ connectionString: databaseUrl });
  // An idle client that loses its server emits "error"; unhandled, that would kill the process.
  lockClient.on("error", (error) => options.log?.(`migration lock connection failed: ${error.message}`));
  try {
    await lockClient.connect();
  } catch (error) {
    throw new MigrationError(
      `Cannot reach PostgreSQL at ${redactDatabaseUrl(databaseUrl)} to migrate: ${messageOf(error)}`,
      { cause: error },
    );
  }
  try {
    await acquireMigrationLock(lockClient, options);
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    pool.on("error", (error) => options.log?.(`migration connection failed: ${error.message}`));
    try {
      return await applyMigrations(postgresMigrationAdapter(pool), options);
    } finally {
      await pool.end();
    }
  } finally {
    // Ending the session releases the advisory lock even if unlocking was never reached.
    await lockClient.end().catch(() => undefined);
  }
}

async function acquireMigrationLock(client: pg.Client, options: MigrateOptions): Promise<void> {
  const timeoutMs = options.lockTimeoutMs ?? defaultLockTimeoutMs;
  // lock_timeout also bounds waits for advisory locks.
  await client.query("SELECT set_config('lock_timeout', $1, false)", [`${timeoutMs}ms`]);
  try {
    await client.query("SELECT pg_advisory_lock($1)", [migrationLockKey.toString()]);
  } catch (error) {
    if ((error as { code?: string }).code === "55P03") {
      throw new MigrationLockTimeoutError(
        `Another process has been migrating this database for over ${timeoutMs} ms; gave up waiting`,
        { cause: error },
      );
    }
    throw error;
  }
  await client.query("SELECT set_config('lock_timeout', '0', false)");
}

// Calls on one PGlite take turns: concurrent appliers in one process would race like replicas do.
const pgliteTurns = new WeakMap<PGlite, Promise<unknown>>();

function migratePglite(pglite: PGlite, options: MigrateOptions): Promise<string[]> {
  const previous = pgliteTurns.get(pglite) ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(async () => applyMigrations(await pgliteMigrationAdapter(pglite), options));
  pgliteTurns.set(pglite, run);
  return run;
}

async function applyMigrations(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  options: MigrateOptions,
): Promise<string[]> {
  const migrationsList = await readMigrationsList(options.migrationsDir ?? defaultMigrationsDir);
  const engine = await createSchemaEngine({ adapterFactory, log: options.log });
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: noFilters });
    for (const name of appliedMigrationNames) options.log?.(`applied migration ${name}`);
    return appliedMigrationNames;
  } catch (error) {
    throw new MigrationError(`Migrating failed: ${messageOf(error)}`, { cause: error });
  } finally {
    engine.free();
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null && "message" in error) return String(error.message);
  return String(error);
}
