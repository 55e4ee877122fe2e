// Opens the app's database: PostgreSQL when a URL is configured, otherwise an
// embedded PGlite (real PostgreSQL compiled to WebAssembly) persisted under the
// data directory, so a single-machine install needs no database server.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { openPglite, redactDatabaseUrl, rememberConnection, type Connection } from "./connections.ts";
import { DatabaseUnavailableError } from "./errors.ts";
import { migrateDatabase, type MigrateOptions } from "./migrate.ts";

export type DatabaseKind = "postgres" | "pglite";

export interface DatabaseLocation {
  /** postgres:// URL; without one the embedded PGlite under `dataDir` is used. */
  databaseUrl?: string | undefined;
  /** The app's data directory; PGlite keeps its files in `<dataDir>/pglite`. */
  dataDir: string;
}

export interface Database {
  readonly prisma: PrismaClient;
  readonly kind: DatabaseKind;
  /** Disconnects (and for PGlite, flushes and closes the files). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Bounds on waiting for PostgreSQL, so a database that is unreachable or has stopped answering fails a
 * command within seconds instead of holding it forever. Unbounded when absent. (The embedded PGlite runs
 * in-process and needs none; migrations open connections of their own, without them, as they may run long.)
 */
export interface DatabaseTimeouts {
  /** Waiting for a connection: a new one to be set up, or a busy pool to free one. */
  connectTimeoutMs?: number | undefined;
  /**
   * The longest a statement may run; the server cancels it then. The client also stops waiting for an answer
   * shortly after (QUERY_TIMEOUT_MARGIN_MS later), which is what ends a wait on a server that went silent.
   */
  statementTimeoutMs?: number | undefined;
}

/** How much longer than the statement timeout the client waits, so the server's own cancellation arrives first. */
export const QUERY_TIMEOUT_MARGIN_MS = 1_000;

export interface OpenDatabaseOptions extends DatabaseLocation {
  /**
   * Apply pending migrations before returning (through the same PGlite instance,
   * or under the migration lock on PostgreSQL). `true` uses the defaults.
   */
  migrate?: boolean | MigrateOptions;
  timeouts?: DatabaseTimeouts;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const connection = options.databaseUrl
    ? ({ kind: "postgres", databaseUrl: options.databaseUrl } as const)
    : ({ kind: "pglite", pglite: await openPglite(options.dataDir) } as const);
  try {
    const database = await connect(connection, options.timeouts ?? {});
    if (options.migrate) {
      await migrateDatabase(database, options.migrate === true ? {} : options.migrate).catch(
        async (error: unknown) => {
          await database.close();
          throw error;
        },
      );
    }
    return database;
  } catch (error) {
    if (connection.kind === "pglite" && !connection.pglite.closed) await connection.pglite.close();
    throw error;
  }
}

async function connect(connection: Connection, timeouts: DatabaseTimeouts): Promise<Database> {
  if (connection.kind === "pglite") {
    const { pglite } = connection;
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    const database = withClose({ prisma, kind: "pglite" }, async () => {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    });
    rememberConnection(database, connection);
    return database;
  }

  const prisma = new PrismaClient({ adapter: new PrismaPg(poolConfig(connection.databaseUrl, timeouts)) });
  // Prisma connects lazily; ask once so a wrong URL fails at start-up, not at the first command.
  try {
    await prisma.$queryRaw`SELECT 1`;
  } catch (error) {
    await prisma.$disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseUnavailableError(
      `Cannot reach PostgreSQL at ${redactDatabaseUrl(connection.databaseUrl)}: ${reason}`,
      { cause: error },
    );
  }
  const database = withClose({ prisma, kind: "postgres" }, () => prisma.$disconnect());
  rememberConnection(database, connection);
  return database;
}

/** node-postgres pool settings: the URL and the timeouts. */
function poolConfig(connectionString: string, { connectTimeoutMs, statementTimeoutMs }: DatabaseTimeouts) {
  return {
    connectionString,
    // pg-pool applies it both to setting up a connection and to waiting for a free one.
    ...(connectTimeoutMs === undefined ? {} : { connectionTimeoutMillis: connectTimeoutMs }),
    ...(statementTimeoutMs === undefined
      ? {}
      : {
          // Sent with the connection's start-up parameters: no extra round trip per connection.
          statement_timeout: statementTimeoutMs,
          query_timeout: statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
        }),
  };
}

function withClose(fields: Omit<Database, "close">, close: () => Promise<void>): Database {
  let closing: Promise<void> | undefined;
  return {
    ...fields,
    close: () => (closing ??= close()),
  };
}
