// The SQL that takes a database from the state the migrations folder builds to
// the state schema.prisma describes: what `prisma migrate dev --create-only`
// would write. The engine replays the existing migrations on a throwaway
// in-memory PGlite (the "shadow database") to learn where they lead.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { DiffTarget } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { pgliteMigrationAdapter } from "./migration-adapters.ts";
import { readMigrationsList } from "./migrations-folder.ts";
import { defaultMigrationsDir, defaultSchemaPath } from "./paths.ts";
import { createSchemaEngine } from "./schema-engine.ts";

export interface SchemaDiffOptions {
  migrationsDir?: string;
  schemaPath?: string;
  log?: (line: string) => void;
}

/** The migration script, or null when the migrations already match the schema. */
export async function diffMigrationsToSchema(options: SchemaDiffOptions = {}): Promise<string | null> {
  const schemaPath = options.schemaPath ?? defaultSchemaPath;
  const migrationsList = await readMigrationsList(options.migrationsDir ?? defaultMigrationsDir);
  const content = await readFile(schemaPath, "utf8");
  // With no history yet there is nothing to replay, so skip starting a shadow database.
  const from: DiffTarget =
    migrationsList.migrationDirectories.length === 0
      ? { tag: "empty" }
      : { tag: "migrations", ...migrationsList };

  const { PGlite } = await import("@electric-sql/pglite");
  const pglite = new PGlite();
  try {
    const engine = await createSchemaEngine({
      adapterFactory: await pgliteMigrationAdapter(pglite),
      log: options.log,
    });
    try {
      const result = await engine.diff({
        from,
        to: { tag: "schemaDatamodel", files: [{ path: path.basename(schemaPath), content }] },
        script: true,
        exitCode: true,
        filters: { externalTables: [], externalEnums: [] },
      });
      // With exitCode requested the engine answers 2 for "there is a difference", 0 for none.
      return result.exitCode === 2 ? (result.stdout ?? "") : null;
    } finally {
      engine.free();
    }
  } finally {
    await pglite.close();
  }
}
