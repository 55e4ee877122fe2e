// `pnpm db:migrate`: applies pending migrations to DATABASE_URL, or to the
// embedded PGlite under DATA_DIR when no URL is set. The bot and worker also
// migrate at start-up; this is for deploy pipelines and for checking by hand.
import { parseEnv } from "@memebot/config";
import { migrateDatabase } from "@memebot/db";

try {
  const env = parseEnv();
  const where = env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${env.DATA_DIR}`;
  console.log(`Migrating ${where}…`);
  const applied = await migrateDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  if (applied.length === 0) console.log("Already up to date.");
  for (const name of applied) console.log(`Applied ${name}`);
} catch (error) {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
