// Chatter sentiment's storage: the tokens each community tracks, and the chat messages of tracking
// communities. Messages arrive in batches (the listener's ingest), so they are written many rows to
// one statement; the retention purge deletes in bounded chunks so it never holds a long lock.
import type { PrismaClient } from "../generated/client.ts";
import { ensureCommunity } from "./participants.ts";
import type { CommunityKey, CommunityRef } from "./types.ts";

/** Tokens one community may track: enough for a community's coins, few enough for one alias pattern. */
export const MAX_TRACKED_TOKENS_PER_COMMUNITY = 25;
/** Stored text is clipped to this many characters: sentiment needs a chat line, not an essay. */
export const MAX_CHATTER_TEXT = 1_000;
/** Most scored rows one /sentiment report reads: the newest this many of its two windows. */
export const MAX_SCORED_ROWS = 20_000;
/** Rows the purge deletes per statement. */
const PURGE_CHUNK = 5_000;

export interface StoredTrackedToken {
  symbol: string;
  mint: string | null;
  aliases: string[];
  createdBy: string;
  createdAt: Date;
}

export interface NewTrackedToken {
  community: CommunityKey;
  symbol: string;
  mint?: string;
  aliases: readonly string[];
  /** The admin's platform user id. */
  createdBy: string;
}

export type TrackTokenResult =
  { ok: true; created: boolean } | { ok: false; reason: "too_many"; limit: number };

export interface NewChatterMessage {
  community: CommunityRef;
  /** The platform's message key; a key already stored is skipped. */
  key: string;
  channelKey: string;
  authorId: string;
  text: string;
  mentions: readonly string[];
  contentHash: string;
  createdAt: Date;
}

export interface ChatterRepository {
  trackedTokens(community: CommunityRef): Promise<StoredTrackedToken[]>;
  /** Adds the token, or replaces the mint and aliases of one tracked under that symbol. */
  trackToken(input: NewTrackedToken): Promise<TrackTokenResult>;
  /** True when the community tracked it. */
  untrackToken(community: CommunityRef, symbol: string): Promise<boolean>;
  /**
   * Stores the messages in one INSERT. Messages of a community without a row (tracking is a stored
   * setting, so a tracking community has one) and keys already stored are skipped. Returns rows written.
   */
  insertMessages(messages: readonly NewChatterMessage[]): Promise<number>;
  /** Deletes all of a community's stored chatter (/track purge); returns how many rows went. */
  purgeCommunity(community: CommunityRef): Promise<number>;
  /** Communities with stored chatter, with their stored settings (which say their retention). */
  communitiesWithChatter(): Promise<Array<{ community: CommunityRef; settings: unknown }>>;
  /** Deletes the community's messages older than `before`; returns how many went. */
  deleteOlderThan(community: CommunityRef, before: Date): Promise<number>;
  /** Up to `limit` of the community's unscored messages, oldest first (the pending index). */
  pendingMessages(community: CommunityRef, limit: number): Promise<Array<{ id: string; text: string }>>;
  /** Stores scores in one UPDATE; rows gone meanwhile (purged) are skipped. Returns rows updated. */
  storeScores(scores: readonly ChatterScoreRow[]): Promise<number>;
  /**
   * The community's scored messages with `from <= createdAt < to` (mentioning `symbol` when given),
   * oldest first: the newest MAX_SCORED_ROWS of them at most (/sentiment's report).
   */
  scoredIn(
    community: CommunityRef,
    range: { symbol?: string; from: Date; to: Date },
  ): Promise<ScoredChatterRow[]>;
}

export interface ScoredChatterRow {
  authorId: string;
  text: string;
  label: string;
  score: number;
  confidence: number;
  createdAt: Date;
}

export interface ChatterScoreRow {
  id: string;
  label: string;
  score: number;
  confidence: number;
  scorer: string;
  scoredAt: Date;
}

// PostgreSQL's json refuses what JSON.stringify writes for a NUL or a lone UTF-16 surrogate (\u0000,
// \ud83d), and the 1,000-character clip can cut an emoji in two: one such text would fail its whole batch on
// every retry. They become U+FFFD (what the driver's UTF-8 encoding made of a lone surrogate before).
const NOT_JSON_SAFE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const jsonSafeText = (text: string) => text.replace(NOT_JSON_SAFE, "\uFFFD");

const ofCommunity = (community: CommunityRef) => ({
  community: { platform: community.platform, externalId: community.externalId },
});

export function createChatterRepository(prisma: PrismaClient): ChatterRepository {
  async function communityIdOf(community: CommunityRef): Promise<string | undefined> {
    const row = await prisma.community.findUnique({
      where: { platform_externalId: { platform: community.platform, externalId: community.externalId } },
      select: { id: true },
    });
    return row?.id;
  }

  return {
    trackedTokens: (community) =>
      prisma.trackedToken.findMany({
        where: ofCommunity(community),
        select: { symbol: true, mint: true, aliases: true, createdBy: true, createdAt: true },
        orderBy: { symbol: "asc" },
      }),

    async trackToken(input) {
      return prisma.$transaction(async (tx): Promise<TrackTokenResult> => {
        const communityId = await ensureCommunity(tx, input.community);
        // The community row is the lock: the count stays true until the insert.
        await tx.$queryRaw`SELECT 1 FROM "Community" WHERE "id" = ${communityId} FOR UPDATE`;
        const data = { mint: input.mint ?? null, aliases: [...input.aliases], createdBy: input.createdBy };
        const known = await tx.trackedToken.findUnique({
          where: { communityId_symbol: { communityId, symbol: input.symbol } },
          select: { id: true },
        });
        if (known) {
          await tx.trackedToken.update({ where: { id: known.id }, data });
          return { ok: true, created: false };
        }
        const count = await tx.trackedToken.count({ where: { communityId } });
        if (count >= MAX_TRACKED_TOKENS_PER_COMMUNITY)
          return { ok: false, reason: "too_many", limit: MAX_TRACKED_TOKENS_PER_COMMUNITY };
        await tx.trackedToken.create({ data: { communityId, symbol: input.symbol, ...data } });
        return { ok: true, created: true };
      });
    },

    async untrackToken(community, symbol) {
      const { count } = await prisma.trackedToken.deleteMany({
        where: { ...ofCommunity(community), symbol },
      });
      return count > 0;
    },

    async insertMessages(messages) {
      if (messages.length === 0) return 0;
      // One JSON text for json_to_recordset: one statement, one round trip and one parameter however
      // many rows (nine text[] parameters cost the client a walk over every element, and more CPU
      // than the INSERT's own work on the bot's side). Mentions are symbols ([A-Z0-9]) or base58
      // addresses, so a comma joins them safely into one text per row.
      const rows = JSON.stringify(
        messages.map((message) => ({
          p: message.community.platform,
          e: message.community.externalId,
          k: message.key,
          c: message.channelKey,
          a: message.authorId,
          t: jsonSafeText(message.text.slice(0, MAX_CHATTER_TEXT)),
          m: message.mentions.join(","),
          h: message.contentHash,
          at: message.createdAt.toISOString(),
        })),
      );
      return prisma.$executeRaw`
        INSERT INTO "ChatterMessage"
          ("id", "communityId", "key", "channelKey", "authorId", "text", "mentions", "contentHash", "createdAt")
        SELECT gen_random_uuid()::text, c."id", m.k, m.c, m.a, m.t,
               CASE WHEN m.m = '' THEN '{}'::text[] ELSE string_to_array(m.m, ',') END,
               m.h, m.at::timestamptz AT TIME ZONE 'UTC'
        FROM json_to_recordset(${rows}::json)
          AS m(p text, e text, k text, c text, a text, t text, m text, h text, at text)
        JOIN "Community" c ON c."platform"::text = m.p AND c."externalId" = m.e
        ON CONFLICT ("key") DO NOTHING`;
    },

    async purgeCommunity(community) {
      const communityId = await communityIdOf(community);
      if (!communityId) return 0;
      const { count } = await prisma.chatterMessage.deleteMany({ where: { communityId } });
      return count;
    },

    async communitiesWithChatter() {
      const rows = await prisma.community.findMany({
        where: { chatterMessages: { some: {} } },
        select: { platform: true, externalId: true, settings: true },
      });
      return rows.map(({ platform, externalId, settings }) => ({
        community: { platform, externalId },
        settings,
      }));
    },

    async deleteOlderThan(community, before) {
      const communityId = await communityIdOf(community);
      if (!communityId) return 0;
      let total = 0;
      for (;;) {
        // Chunks: a week of a busy group deleted at once would hold its rows' locks for long.
        const deleted = await prisma.$executeRaw`
          DELETE FROM "ChatterMessage" WHERE "id" IN (
            SELECT "id" FROM "ChatterMessage"
            WHERE "communityId" = ${communityId} AND "createdAt" < (${before.toISOString()}::timestamptz AT TIME ZONE 'UTC')
            LIMIT ${PURGE_CHUNK})`;
        total += deleted;
        if (deleted < PURGE_CHUNK) return total;
      }
    },

    async pendingMessages(community, limit) {
      // One statement, the community by its key inside it, in raw SQL: it runs once per scoring round,
      // and the community's id as a scalar subquery lets the planner walk the pending index in order.
      return prisma.$queryRaw<Array<{ id: string; text: string }>>`
        SELECT "id", "text" FROM "ChatterMessage"
        WHERE "communityId" = (SELECT "id" FROM "Community"
                               WHERE "platform"::text = ${community.platform} AND "externalId" = ${community.externalId})
          AND "scoredAt" IS NULL
        ORDER BY "createdAt"
        LIMIT ${limit}`;
    },

    async scoredIn(community, range) {
      const rows = await prisma.chatterMessage.findMany({
        where: {
          ...ofCommunity(community),
          scoredAt: { not: null },
          createdAt: { gte: range.from, lt: range.to },
          ...(range.symbol ? { mentions: { has: range.symbol } } : {}),
        },
        // Newest first so the bound keeps the recent end; the caller wants them oldest first.
        orderBy: { createdAt: "desc" },
        take: MAX_SCORED_ROWS,
        select: { authorId: true, text: true, label: true, score: true, confidence: true, createdAt: true },
      });
      const scored: ScoredChatterRow[] = [];
      for (const row of rows.reverse()) {
        if (row.label === null || row.score === null) continue;
        scored.push({ ...row, label: row.label, score: row.score, confidence: row.confidence ?? 0 });
      }
      return scored;
    },

    async storeScores(scores) {
      if (scores.length === 0) return 0;
      // One JSON text, as insertMessages: six array parameters cost the worker more to send.
      const rows = JSON.stringify(
        scores.map((row) => ({
          id: row.id,
          l: row.label,
          s: row.score,
          c: row.confidence,
          by: row.scorer,
          at: row.scoredAt.toISOString(),
        })),
      );
      return prisma.$executeRaw`
        UPDATE "ChatterMessage" AS m
        SET "label" = s.l, "score" = s.s, "confidence" = s.c,
            "scorer" = s.by, "scoredAt" = s.at::timestamptz AT TIME ZONE 'UTC'
        FROM json_to_recordset(${rows}::json) AS s(id text, l text, s float8, c float8, by text, at text)
        WHERE m."id" = s.id`;
    },
  };
}
