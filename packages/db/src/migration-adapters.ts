// Driver adapters for the schema engine. The stock adapters work for queries but
// run migration scripts badly: @prisma/adapter-pg splits a script on every ";"
// (breaking strings and function bodies, and running the pieces on whichever
// pooled connection is free), and pglite-prisma-adapter does not await the
// script, so a failing migration would be recorded as applied and its error
// would surface later as an unhandled rejection. Here a script runs as ONE
// simple-protocol query: PostgreSQL runs a multi-statement query as one implicit
// transaction, so a migration applies entirely or not at all (as with the native
// engine's `prisma migrate deploy`).
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type pg from "pg";
import type { PrismaPGlite as PrismaPGliteType } from "pglite-prisma-adapter";

type ScriptRunner = (script: string) => Promise<unknown>;

/** For the engine on PostgreSQL. The caller owns `pool` and ends it. */
export function postgresMigrationAdapter(pool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  const stock = new PrismaPg(pool);
  const runScript: ScriptRunner = (script) => pool.query(script);
  return {
    provider: stock.provider,
    adapterName: stock.adapterName,
    connect: async () => withScriptRunner(await stock.connect(), runScript),
    connectToShadowDb: async () => {
      // Creates and later drops a throwaway database; its own scripts still run whole.
      const shadow = await stock.connectToShadowDb();
      const shadowPool = shadow.underlyingDriver();
      return withScriptRunner(shadow, (script) => shadowPool.query(script));
    },
  };
}

/** For the engine on PGlite. The caller owns `pglite` and closes it. */
export async function pgliteMigrationAdapter(pglite: PGlite): Promise<SqlMigrationAwareDriverAdapterFactory> {
  // Loaded on demand, like PGlite itself (see connections.ts).
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("pglite-prisma-adapter"),
  ]);
  const stock: PrismaPGliteType = new PrismaPGlite(pglite);
  return {
    provider: stock.provider,
    adapterName: stock.adapterName,
    connect: async () => withScriptRunner(await stock.connect(), (script) => pglite.exec(script)),
    connectToShadowDb: async () => {
      // A fresh in-memory database, closed when the engine lets go of it.
      const shadow = new PGlite();
      const adapter = await new PrismaPGlite(shadow).connect();
      return withScriptRunner(
        adapter,
        (script) => shadow.exec(script),
        () => shadow.close(),
      );
    },
  };
}

function withScriptRunner(
  adapter: SqlDriverAdapter,
  runScript: ScriptRunner,
  afterDispose?: () => Promise<void>,
): SqlDriverAdapter {
  const getConnectionInfo = adapter.getConnectionInfo?.bind(adapter);
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    ...(getConnectionInfo ? { getConnectionInfo } : {}),
    dispose: async () => {
      await adapter.dispose();
      await afterDispose?.();
    },
    executeScript: async (script) => {
      try {
        await runScript(script);
      } catch (error) {
        throw asDriverAdapterError(error);
      }
    },
  };
}

interface PostgresErrorFields {
  code: string;
  severity: string;
  message: string;
  detail?: string;
  column?: string;
  hint?: string;
}

function isPostgresError(error: unknown): error is PostgresErrorFields {
  const fields = error as Partial<PostgresErrorFields> | null;
  return typeof fields?.code === "string" && typeof fields.severity === "string";
}

/** The engine prints a DriverAdapterError's SQLSTATE and message; any other error only as "GenericJs". */
function asDriverAdapterError(error: unknown): unknown {
  if (!isPostgresError(error)) return error;
  return new DriverAdapterError({
    kind: "postgres",
    code: error.code,
    severity: error.severity,
    message: error.message,
    detail: error.detail,
    column: error.column,
    hint: error.hint,
  });
}
