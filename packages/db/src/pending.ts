// The processes do not run the schema engine themselves: `pnpm start*` applies
// migrations in a step of its own (a separate process, so the engine's memory is
// never part of the bot's or worker's). At start they only check nothing is missing.
import type { Database } from "./database.ts";
import { readMigrationsList } from "./migrations-folder.ts";
import { defaultMigrationsDir } from "./paths.ts";

/** Names of migrations in the folder that the database has not applied. */
export async function pendingMigrations(
  database: Database,
  migrationsDir = defaultMigrationsDir,
): Promise<string[]> {
  const list = await readMigrationsList(migrationsDir);
  const wanted = list.migrationDirectories.map((directory) => directory.path);
  let applied: Array<{ migration_name: string }>;
  try {
    applied = await database.prisma.$queryRawUnsafe<Array<{ migration_name: string }>>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
  } catch (error) {
    // No bookkeeping table yet: nothing was ever applied.
    if (/_prisma_migrations|does not exist|42P01/.test(String(error))) return wanted;
    throw error;
  }
  const done = new Set(applied.map((row) => row.migration_name));
  return wanted.filter((name) => !done.has(name));
}
