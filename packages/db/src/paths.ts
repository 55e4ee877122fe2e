// Where the schema and its migration history live: the repository's prisma/
// folder. Resolved from this file so scripts, apps and tests agree wherever they
// are started from.
import { fileURLToPath } from "node:url";

export const defaultSchemaPath = fileURLToPath(new URL("../../../prisma/schema.prisma", import.meta.url));
export const defaultMigrationsDir = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));
