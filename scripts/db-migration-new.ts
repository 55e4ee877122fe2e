// `pnpm db:migration:new <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
// with the SQL that brings the existing migrations up to prisma/schema.prisma.
// Needs no database server: the schema engine replays the history on an
// in-memory PGlite. Review the SQL before committing it (renames come out as
// drop + add, for example).
import { defaultMigrationsDir, diffMigrationsToSchema, writeMigration } from "@memebot/db";

const name = process.argv[2];
if (!name || process.argv.length > 3) {
  console.error("Usage: pnpm db:migration:new <name>   (e.g. add_meme_history)");
  process.exit(2);
}

try {
  const script = await diffMigrationsToSchema();
  if (script === null) {
    console.log("prisma/schema.prisma already matches the migrations; nothing to write.");
  } else {
    const written = await writeMigration({ migrationsDir: defaultMigrationsDir, name, script });
    console.log(`Wrote ${written.scriptPath}`);
  }
} catch (error) {
  console.error(`Could not create the migration: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
