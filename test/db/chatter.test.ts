// The chatter repository on this run's PostgreSQL: a batch of messages is one INSERT, redelivered
// keys are stored once, messages of unknown communities are skipped, tracked tokens are capped per
// community, and the retention delete removes only what is older than its cut-off.
import { randomUUID } from "node:crypto";
import {
  createRepositories,
  MAX_CHATTER_TEXT,
  MAX_TRACKED_TOKENS_PER_COMMUNITY,
  type CommunityKey,
  type Database,
  type NewChatterMessage,
} from "@memebot/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";

const newCommunity = (): CommunityKey => ({ platform: "telegram", externalId: `-100${randomUUID()}` });

let database: Database;
let repositories: ReturnType<typeof createRepositories>;
beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(() => database.close());

/** Tracking is a stored setting, so a tracking community has a row: make one. */
async function knownCommunity(): Promise<CommunityKey> {
  const community = newCommunity();
  await repositories.chatter.trackToken({ community, symbol: "SEED", aliases: [], createdBy: "1" });
  await repositories.chatter.untrackToken(community, "SEED");
  return community;
}

function message(community: CommunityKey, overrides: Partial<NewChatterMessage> = {}): NewChatterMessage {
  return {
    community,
    key: `telegram:1:${randomUUID()}`,
    channelKey: `telegram:${community.externalId}`,
    authorId: "4242",
    text: "bonk to the moon",
    mentions: ["BONK"],
    contentHash: randomUUID(),
    createdAt: new Date(),
    ...overrides,
  };
}

const rowsOf = (community: CommunityKey) =>
  database.prisma.chatterMessage.findMany({
    where: { community: { platform: community.platform, externalId: community.externalId } },
    orderBy: { createdAt: "asc" },
  });

describe("chatter messages", () => {
  it("stores a batch in one statement, with mentions, times and clipped text", async () => {
    const community = await knownCommunity();
    const at = new Date("2026-11-30T12:34:56.789Z");
    const batch = [
      message(community, { createdAt: at, mentions: ["BONK", "WIF"] }),
      message(community, { mentions: [], text: "x".repeat(MAX_CHATTER_TEXT + 50) }),
      ...Array.from({ length: 498 }, () => message(community)),
    ];
    expect(await repositories.chatter.insertMessages(batch)).toBe(500);
    const rows = await rowsOf(community);
    expect(rows).toHaveLength(500);
    expect(rows[0]).toMatchObject({
      mentions: ["BONK", "WIF"],
      authorId: "4242",
      label: null,
      scoredAt: null,
    });
    expect(rows[0]?.createdAt.toISOString()).toBe(at.toISOString());
    const long = rows.find((row) => row.text.startsWith("xxx"));
    expect(long?.text).toHaveLength(MAX_CHATTER_TEXT);
    expect(long?.mentions).toEqual([]);
  });

  it("stores a text clipped in the middle of an emoji, and quotes, backslashes and a NUL, with its batch", async () => {
    const community = await knownCommunity();
    // 999 characters and a rocket (two UTF-16 units): the clip keeps only the rocket's first half.
    const cut = `${"y".repeat(MAX_CHATTER_TEXT - 1)}🚀 and more`;
    const odd = 'he said "moon" \\ back\u0000slash';
    const batch = [message(community, { text: cut }), message(community, { text: odd }), message(community)];
    expect(await repositories.chatter.insertMessages(batch)).toBe(3);
    const texts = (await rowsOf(community)).map((row) => row.text);
    expect(texts).toContain(`${"y".repeat(MAX_CHATTER_TEXT - 1)}\uFFFD`);
    expect(texts).toContain('he said "moon" \\ back\uFFFDslash');
  });

  it("stores a redelivered key once and skips communities without a row", async () => {
    const community = await knownCommunity();
    const first = message(community);
    expect(await repositories.chatter.insertMessages([first])).toBe(1);
    const stranger = message(newCommunity());
    expect(await repositories.chatter.insertMessages([first, stranger, message(community)])).toBe(1);
    expect(await rowsOf(community)).toHaveLength(2);
  });

  it("deletes only what is older than the cut-off, and /track purge deletes everything", async () => {
    const community = await knownCommunity();
    const other = await knownCommunity();
    const day = 86_400_000;
    const now = Date.now();
    await repositories.chatter.insertMessages([
      message(community, { createdAt: new Date(now - 8 * day), text: "old" }),
      message(community, { createdAt: new Date(now - 6 * day), text: "recent" }),
      message(other, { createdAt: new Date(now - 8 * day), text: "other's old" }),
    ]);
    expect(await repositories.chatter.deleteOlderThan(community, new Date(now - 7 * day))).toBe(1);
    expect((await rowsOf(community)).map((row) => row.text)).toEqual(["recent"]);
    expect(await rowsOf(other)).toHaveLength(1);
    const withChatter = await repositories.chatter.communitiesWithChatter();
    expect(withChatter.map((entry) => entry.community.externalId)).toEqual(
      expect.arrayContaining([community.externalId, other.externalId]),
    );
    expect(await repositories.chatter.purgeCommunity(other)).toBe(1);
    expect(await rowsOf(other)).toHaveLength(0);
  });
});

describe("tracked tokens", () => {
  it("adds, replaces, lists and removes", async () => {
    const community = newCommunity();
    const mint = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
    expect(
      await repositories.chatter.trackToken({
        community,
        symbol: "BONK",
        mint,
        aliases: ["bonk"],
        createdBy: "1",
      }),
    ).toEqual({ ok: true, created: true });
    expect(
      await repositories.chatter.trackToken({
        community,
        symbol: "BONK",
        aliases: ["bonk", "bonk inu"],
        createdBy: "2",
      }),
    ).toEqual({ ok: true, created: false });
    expect(await repositories.chatter.trackedTokens(community)).toMatchObject([
      { symbol: "BONK", mint: null, aliases: ["bonk", "bonk inu"], createdBy: "2" },
    ]);
    expect(await repositories.chatter.untrackToken(community, "BONK")).toBe(true);
    expect(await repositories.chatter.untrackToken(community, "BONK")).toBe(false);
  });

  it("caps the tokens of one community", async () => {
    const community = newCommunity();
    for (let index = 0; index < MAX_TRACKED_TOKENS_PER_COMMUNITY; index++) {
      const result = await repositories.chatter.trackToken({
        community,
        symbol: `T${index}`,
        aliases: [],
        createdBy: "1",
      });
      expect(result.ok).toBe(true);
    }
    expect(
      await repositories.chatter.trackToken({ community, symbol: "ONEMORE", aliases: [], createdBy: "1" }),
    ).toEqual({ ok: false, reason: "too_many", limit: MAX_TRACKED_TOKENS_PER_COMMUNITY });
  });
});
