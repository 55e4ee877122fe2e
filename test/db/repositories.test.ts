import { randomUUID } from "node:crypto";
import { createRepositories, type CommunityKey, type Database, type IdentityKey } from "@memebot/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, repositoryOptions, saveSettings } from "../support/database.ts";

// Other test files share this database, so every test works on chats and people of its own.
function newCommunity(title?: string): CommunityKey {
  return { platform: "telegram", externalId: `chat-${randomUUID()}`, ...(title ? { title } : {}) };
}
function newActor(names: Partial<IdentityKey> = {}): IdentityKey {
  return { platform: "telegram", externalId: `user-${randomUUID()}`, ...names };
}

let database: Database;
let repositories: ReturnType<typeof createRepositories>;

beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(() => database.close());

async function communityRow(key: CommunityKey) {
  return database.prisma.community.findUniqueOrThrow({
    where: { platform_externalId: { platform: key.platform, externalId: key.externalId } },
    include: { settingChanges: { orderBy: { createdAt: "asc" } } },
  });
}

async function identityRows(key: IdentityKey) {
  return database.prisma.platformIdentity.findMany({
    where: { platform: key.platform, externalId: key.externalId },
  });
}

describe("communities", () => {
  it("finds no settings for a community it has never seen", async () => {
    expect(await repositories.communities.findSettings(newCommunity())).toBeNull();
  });

  it("saves settings together with the community, the admin and an audit row", async () => {
    const community = newCommunity("Doge Army");
    const actor = newActor({ username: "shibe", displayName: "Such Admin" });

    await saveSettings(repositories, {
      community,
      actor,
      key: "cooldownSeconds",
      oldValue: undefined,
      newValue: 30,
      settings: { cooldownSeconds: 30, ticker: "DOGE" },
    });

    expect(await repositories.communities.findSettings(community)).toEqual({
      cooldownSeconds: 30,
      ticker: "DOGE",
    });
    const row = await communityRow(community);
    expect(row.title).toBe("Doge Army");
    const [identity] = await identityRows(actor);
    expect(identity).toMatchObject({ username: "shibe", displayName: "Such Admin" });
    expect(row.settingChanges).toEqual([
      expect.objectContaining({
        key: "cooldownSeconds",
        oldValue: null,
        newValue: 30,
        userId: identity?.userId,
      }),
    ]);
  });

  it("updates settings and names in place, keeping names the caller did not send", async () => {
    const community = newCommunity("Old title");
    const actor = newActor({ username: "first", displayName: "First Name" });
    const base = { community, actor, key: "ticker" };
    await saveSettings(repositories, {
      ...base,
      oldValue: undefined,
      newValue: "A",
      settings: { ticker: "A" },
    });
    await saveSettings(repositories, {
      ...base,
      community: { ...community, title: "New title" },
      actor: { platform: actor.platform, externalId: actor.externalId, username: "second" },
      oldValue: "A",
      newValue: { symbol: "B" },
      settings: { ticker: { symbol: "B" } },
    });

    expect(await repositories.communities.findSettings(community)).toEqual({ ticker: { symbol: "B" } });
    const row = await communityRow(community);
    expect(row.title).toBe("New title");
    expect(row.settingChanges.map((change) => [change.oldValue, change.newValue])).toEqual([
      [null, "A"],
      ["A", { symbol: "B" }],
    ]);
    const identities = await identityRows(actor);
    expect(identities).toHaveLength(1);
    expect(identities[0]).toMatchObject({ username: "second", displayName: "First Name" });
    expect(new Set(row.settingChanges.map((change) => change.userId))).toEqual(
      new Set([identities[0]?.userId]),
    );
  });

  it("survives twenty workers saving for the same new community and admin at once", async () => {
    const community = newCommunity("Race");
    const actor = newActor({ username: "racer" });
    const startedAt = new Date(Date.now() - 1000);

    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) =>
        saveSettings(repositories, {
          community,
          actor,
          key: "round",
          oldValue: index - 1,
          newValue: index,
          settings: { round: index },
        }),
      ),
    );

    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    const row = await communityRow(community);
    expect(row.settingChanges).toHaveLength(20);
    const identities = await identityRows(actor);
    expect(identities).toHaveLength(1);
    expect(new Set(row.settingChanges.map((change) => change.userId))).toEqual(
      new Set([identities[0]?.userId]),
    );
    // The losers of the identity race must not leave Users behind.
    const orphans = await database.prisma.user.count({
      where: { createdAt: { gte: startedAt }, identities: { none: {} } },
    });
    expect(orphans).toBe(0);
  });
});

describe("commandRuns", () => {
  const run = (key: string, community: CommunityKey, actor: IdentityKey) => ({
    key,
    command: "meme",
    args: "to the moon",
    community,
    actor,
  });

  it("finds nothing for a key it has never recorded", async () => {
    expect(await repositories.commandRuns.findByKey(`update-${randomUUID()}`)).toBeNull();
  });

  it("records a run once per key and follows it from queued to finished", async () => {
    const key = `update-${randomUUID()}`;
    const community = newCommunity("Runs");
    const actor = newActor({ username: "runner" });

    await repositories.commandRuns.record({ ...run(key, community, actor), status: "queued" });
    const queued = await repositories.commandRuns.findByKey(key);
    expect(queued).toMatchObject({
      key,
      command: "meme",
      args: "to the moon",
      status: "queued",
      outcome: null,
    });
    expect(queued?.finishedAt).toBeNull();
    expect(queued?.createdAt).toBeInstanceOf(Date);

    await repositories.commandRuns.record({
      ...run(key, community, actor),
      status: "succeeded",
      outcome: "meme.model",
      detail: "3.2s",
    });
    const finished = await repositories.commandRuns.findByKey(key);
    expect(finished).toMatchObject({ status: "succeeded", outcome: "meme.model", detail: "3.2s" });
    expect(finished?.finishedAt).toBeInstanceOf(Date);
    expect(finished?.createdAt).toEqual(queued?.createdAt);
    expect(Math.abs((finished?.finishedAt?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);

    // A redelivered update queues the same key again: the answer it already got must stand.
    await repositories.commandRuns.record({ ...run(key, community, actor), status: "queued" });
    expect(await repositories.commandRuns.findByKey(key)).toEqual(finished);

    await repositories.commandRuns.record({
      ...run(key, community, actor),
      status: "failed",
      detail: "delivery failed",
    });
    expect(await repositories.commandRuns.findByKey(key)).toMatchObject({
      status: "failed",
      outcome: "meme.model",
      detail: "delivery failed",
    });
    expect(await database.prisma.commandRun.count({ where: { key } })).toBe(1);
  });

  it("stores the detail scrubbed, then clipped: no part of a secret across the cut remains", async () => {
    const key = `update-${randomUUID()}`;
    const password = "p4ssw0rd-across-the-cut";
    // The password starts at character 495 of 600, so a cut at 500 would keep its first five characters.
    const message = `${"x".repeat(475)} postgres://memebot:${password}@db.internal/memebot ${"y".repeat(70)}`;

    await repositories.commandRuns.record({
      ...run(key, newCommunity(), newActor()),
      status: "failed",
      detail: message,
    });

    const detail = (await repositories.commandRuns.findByKey(key))?.detail ?? "";
    expect(detail).toBe(message.replace(password, "[redacted]").slice(0, 500));
    expect(detail).not.toContain(password.slice(0, 4));
  });

  it("creates the community and the user it runs for", async () => {
    const key = `update-${randomUUID()}`;
    const community = newCommunity("Fresh chat");
    const actor = newActor({ displayName: "Newcomer" });

    await repositories.commandRuns.record({
      ...run(key, community, actor),
      status: "rejected",
      outcome: "error.cooldown",
    });

    const row = await database.prisma.commandRun.findUniqueOrThrow({
      where: { key },
      include: { community: true, user: { include: { identities: true } } },
    });
    expect(row.community).toMatchObject({
      externalId: community.externalId,
      title: "Fresh chat",
      settings: {},
    });
    expect(row.user.identities).toEqual([
      expect.objectContaining({ externalId: actor.externalId, displayName: "Newcomer" }),
    ]);
    expect(row.finishedAt).toBeInstanceOf(Date);
  });

  it("survives twenty workers recording runs for the same new community and user at once", async () => {
    const community = newCommunity("Busy chat");
    const actor = newActor({ username: "spammer" });
    const keys = Array.from({ length: 20 }, () => `update-${randomUUID()}`);

    const results = await Promise.allSettled(
      keys.map((key) => repositories.commandRuns.record({ ...run(key, community, actor), status: "queued" })),
    );

    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    const runs = await database.prisma.commandRun.findMany({ where: { key: { in: keys } } });
    expect(runs).toHaveLength(20);
    expect(new Set(runs.map((row) => row.communityId)).size).toBe(1);
    expect(new Set(runs.map((row) => row.userId)).size).toBe(1);
    expect(await identityRows(actor)).toHaveLength(1);
  });

  it("keeps one run when twenty deliveries of the same update race", async () => {
    const key = `update-${randomUUID()}`;
    const community = newCommunity();
    const actor = newActor();

    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        repositories.commandRuns.record({ ...run(key, community, actor), status: "queued" }),
      ),
    );

    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    expect(await database.prisma.commandRun.count({ where: { key } })).toBe(1);
  });
});
