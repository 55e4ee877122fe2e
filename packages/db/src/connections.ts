// What migrateDatabase needs to know about a Database that openDatabase made:
// the PostgreSQL URL, or the PGlite instance itself (PGlite is one in-process
// connection, so migrations must go through the very instance the app uses).
// Kept beside the Database rather than on it so the public type stays small.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";

export type Connection = { kind: "postgres"; databaseUrl: string } | { kind: "pglite"; pglite: PGlite };

const connections = new WeakMap<object, Connection>();

export function rememberConnection(database: object, connection: Connection): void {
  connections.set(database, connection);
}

export function connectionOf(database: object): Connection | undefined {
  return connections.get(database);
}

/** The embedded database lives in its own folder under the app's data directory. */
export function pgliteDataPath(dataDir: string): string {
  return path.resolve(dataDir, "pglite");
}

/** The URL with any password replaced, for messages and logs. */
export function redactDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(unparseable database URL)";
  }
}

/** Opens (creating on first use) the embedded database of `dataDir`. */
export async function openPglite(dataDir: string): Promise<PGlite> {
  const dataPath = pgliteDataPath(dataDir);
  await mkdir(dataPath, { recursive: true });
  // Loaded on demand: PGlite's module alone weighs ~45 MB, wasted on processes using PostgreSQL.
  const { PGlite } = await import("@electric-sql/pglite");
  const pglite = new PGlite(dataPath);
  await pglite.waitReady;
  return pglite;
}
