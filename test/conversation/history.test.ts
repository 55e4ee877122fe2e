// The conversation history repository on the real PostgreSQL.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepositories, type Database, type Repositories } from "@memebot/db";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";

let database: Database;
let repositories: Repositories;
beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(async () => {
  await database.close();
});

const community = () => ({
  platform: "telegram" as const,
  externalId: `-100${Date.now()}${Math.floor(Math.random() * 1e6)}`,
});

describe("conversations repository", () => {
  it("GIVEN the same message appended twice (a retried job) THEN keeps it once", async () => {
    const threadKey = `telegram:${randomUUID()}`;
    const entry = {
      community: community(),
      threadKey,
      role: "user" as const,
      authorId: "42",
      text: "gm",
      at: new Date(),
    };
    await repositories.conversations.append(entry);
    await repositories.conversations.append(entry);
    // The same words at another moment are another message.
    await repositories.conversations.append({ ...entry, at: new Date(entry.at.getTime() + 1_000) });
    const rows = await repositories.conversations.recent(threadKey, { limit: 10, since: new Date(0) });
    expect(rows.map((row) => [row.role, row.authorId, row.text])).toEqual([
      ["user", "42", "gm"],
      ["user", "42", "gm"],
    ]);
  });

  it("GIVEN a thread THEN recent gives the newest within the limit and age, oldest first, of that thread only", async () => {
    const threadKey = `discord:${randomUUID()}`;
    const place = { community: community(), threadKey };
    const start = Date.now() - 10 * 60_000;
    for (let index = 0; index < 6; index += 1) {
      await repositories.conversations.append({
        ...place,
        role: index % 2 === 0 ? "user" : "assistant",
        authorId: index % 2 === 0 ? "7" : null,
        text: `m${index}`,
        at: new Date(start + index * 60_000),
      });
    }
    await repositories.conversations.append({
      community: place.community,
      threadKey: `${threadKey}-elsewhere`,
      role: "user",
      authorId: "8",
      text: "other thread",
      at: new Date(start + 5 * 60_000),
    });
    const rows = await repositories.conversations.recent(threadKey, {
      limit: 3,
      since: new Date(start + 60_000),
    });
    expect(rows.map((row) => row.text)).toEqual(["m3", "m4", "m5"]);
    const aged = await repositories.conversations.recent(threadKey, {
      limit: 10,
      since: new Date(start + 4 * 60_000),
    });
    expect(aged.map((row) => [row.role, row.text])).toEqual([
      ["user", "m4"],
      ["assistant", "m5"],
    ]);
  });
});
