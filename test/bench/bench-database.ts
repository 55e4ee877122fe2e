// A benchmark's PostgreSQL database: BENCH_DATABASE_URL (already migrated), or a scratch database of
// the run's own on BENCH_POSTGRES_ADMIN_URL's server, created and migrated here and dropped by `drop`.
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import pg from "pg";
import { openDatabase, type Database } from "@memebot/db";

export const postgresAdminUrl =
  process.env.BENCH_POSTGRES_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * An empty database of the run's own on BENCH_POSTGRES_ADMIN_URL's server, named `<prefix>_<uuid>`
 * (not migrated: openDatabase with `migrate` does that); `drop` removes it, connections and all.
 */
export async function scratchDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomUUID().replaceAll("-", "")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: postgresAdminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

export async function benchDatabase(
  prefix: string,
): Promise<{ database: Database; drop: () => Promise<void> }> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given)
    return { database: await openDatabase({ databaseUrl: given, dataDir: tmpdir() }), drop: async () => {} };
  const { url, drop } = await scratchDatabase(prefix);
  const database = await openDatabase({ databaseUrl: url, dataDir: tmpdir(), migrate: true });
  return { database, drop };
}
