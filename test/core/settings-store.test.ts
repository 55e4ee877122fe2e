import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSettingsModel,
  createSettingsStore,
  defaultCommands,
  type Actor,
  type CommunityRef,
} from "@memebot/core";
import { createRepositories, type Database } from "@memebot/db";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const model = createSettingsModel(defaultCommands);
/** One replica's settings store (its own cache), on the shared PostgreSQL. */
const replica = () =>
  createSettingsStore({
    repository: createRepositories(database.prisma, repositoryOptions).communities,
    model,
  });
const admin = (name: string): Actor => ({ platform: "telegram", externalId: `${name}-${randomUUID()}` });

describe("settings store", () => {
  it("GIVEN two admins changing different settings at the same moment THEN both changes are kept", async () => {
    const [first, second] = [replica(), replica()];
    for (let round = 0; round < 10; round += 1) {
      const community: CommunityRef = { platform: "telegram", externalId: randomUUID(), kind: "group" };
      // Both replicas have the community cached, as they would after its members' commands.
      await Promise.all([first.get(community), second.get(community)]);
      const [language, cooldown] = await Promise.all([
        first.change(community, admin("ana"), "language", "es"),
        second.change(community, admin("bo"), "meme.cooldown", "30"),
      ]);
      expect(language).toMatchObject({ ok: true, value: { changed: true } });
      expect(cooldown).toMatchObject({ ok: true, value: { changed: true } });

      const stored = model.parse(
        (
          await database.prisma.community.findUniqueOrThrow({
            where: { platform_externalId: { platform: "telegram", externalId: community.externalId } },
          })
        ).settings,
      );
      expect(stored.language, `round ${round}`).toBe("es");
      expect(model.commandOf(stored, "meme").cooldownSeconds, `round ${round}`).toBe(30);
      const audit = await database.prisma.settingChange.findMany({
        where: { community: { externalId: community.externalId } },
      });
      expect(audit.map((change) => change.key).sort()).toEqual(["language", "meme.cooldown"]);
    }
  });

  it("GIVEN a change to the value already set THEN reports it unchanged and writes no audit row", async () => {
    const store = replica();
    const community: CommunityRef = { platform: "discord", externalId: randomUUID(), kind: "group" };
    expect(await store.change(community, admin("cy"), "language", "es")).toMatchObject({
      ok: true,
      value: { changed: true },
    });
    expect(await store.change(community, admin("cy"), "language", "es")).toMatchObject({
      ok: true,
      value: { changed: false, oldValue: "es", newValue: "es" },
    });
    expect(
      await database.prisma.settingChange.count({
        where: { community: { externalId: community.externalId } },
      }),
    ).toBe(1);
  });

  it("GIVEN an invalid value THEN stores nothing and explains", async () => {
    const store = replica();
    const community: CommunityRef = { platform: "discord", externalId: randomUUID(), kind: "group" };
    expect(await store.change(community, admin("di"), "user_rate_limit", "0")).toMatchObject({
      ok: false,
      error: { id: "error.invalidSetting", params: { key: "user_rate_limit" } },
    });
    expect((await store.get(community)).userRateLimitPerMinute).toBe(10);
  });
});
