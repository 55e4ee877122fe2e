// Vitest global setup: one fresh PostgreSQL database per test run, migrated
// with the app's own migrateDatabase, dropped at the end. Tests get its URL via
// inject("testDatabaseUrl"); processes they spawn inherit TEST_DATABASE_URL.
import { migrateDatabase } from "@memebot/db";
import type { TestProject } from "vitest/node";
import { createScratchDatabase, dropStaleTestDatabases } from "./database.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await dropStaleTestDatabases();
  const database = await createScratchDatabase("memebot_test");
  try {
    await migrateDatabase({ databaseUrl: database.url, dataDir: "." });
  } catch (error) {
    await database.drop();
    throw error;
  }
  project.provide("testDatabaseUrl", database.url);
  process.env.TEST_DATABASE_URL = database.url;
  return async () => {
    delete process.env.TEST_DATABASE_URL;
    await database.drop();
  };
}
