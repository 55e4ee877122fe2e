// `pnpm db:migrate`: applies pending migrations to DATABASE_URL, or to the
// embedded PGlite under DATA_DIR when no URL is set. `pnpm start*` run it first
// with --start-up (quiet unless something is applied, and on stderr, because the
// console chat owns stdout), in a process of its own so the schema engine's
// memory never stays in the bot or the worker.
import { parseEnv } from "@memebot/config";
import { migrateDatabase } from "@memebot/db";

const startUp = process.argv.includes("--start-up");
const say = (line: string) => (startUp ? process.stderr : process.stdout).write(`${line}\n`);

try {
  const env = parseEnv();
  const where = env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${env.DATA_DIR}`;
  if (!startUp) say(`Migrating ${where}…`);
  const applied = await migrateDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  if (applied.length === 0 && !startUp) say("Already up to date.");
  for (const name of applied) say(`Applied migration ${name} to ${where}`);
} catch (error) {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
