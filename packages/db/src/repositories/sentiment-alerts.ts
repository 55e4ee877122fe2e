// Admins' alerts on a community's chatter (/alert), and what the alert check reads and changes: the
// communities with alerts, message counts of a window, and each alert's armed/fired state. A state
// change is a conditional update, so two checks running at once (or a retried one) move it once.
import type { Prisma, PrismaClient } from "../generated/client.ts";
import type { SentimentAlertKind, SentimentAlertState } from "../generated/enums.ts";
import { MAX_SCORED_ROWS } from "./chatter.ts";
import { ensureCommunity } from "./participants.ts";
import type { CommunityKey, CommunityRef } from "./types.ts";

/** Alerts one community may have: enough for a few tokens' moods and volumes, few enough to read. */
export const MAX_SENTIMENT_ALERTS_PER_COMMUNITY = 20;

export interface StoredSentimentAlert {
  /** The number admins see and type (/alert remove 12). */
  id: number;
  kind: SentimentAlertKind;
  /** Null: all of the community's chatter. */
  symbol: string | null;
  direction: string | null;
  threshold: number;
  window: string;
  /** The channel target it posts to, as stored (the caller checks its shape). */
  target: unknown;
  createdBy: string;
  state: SentimentAlertState;
  crossings: number;
  lastFiredAt: Date | null;
  /** When the check last read it. */
  checkedAt: Date | null;
  createdAt: Date;
}

export interface NewSentimentAlert {
  community: CommunityKey;
  kind: SentimentAlertKind;
  symbol: string | null;
  direction: string | null;
  threshold: number;
  window: string;
  target: Prisma.InputJsonObject;
  /** The admin's platform user id. */
  createdBy: string;
}

export type AddSentimentAlertResult =
  { ok: true; id: number } | { ok: false; reason: "too_many"; limit: number };

export interface SentimentAlertsRepository {
  /** The community's alerts, oldest first. */
  list(community: CommunityRef): Promise<StoredSentimentAlert[]>;
  add(input: NewSentimentAlert): Promise<AddSentimentAlertResult>;
  /** True when the community had that alert. */
  remove(community: CommunityRef, id: number): Promise<boolean>;
  /** Communities with at least one alert, with their stored settings (which say their language). */
  communitiesWithAlerts(): Promise<Array<{ community: CommunityRef; settings: unknown }>>;
  /**
   * Marks crossing number `crossing` as fired: only from armed with `crossing - 1` crossings, so a
   * second check of the same crossing changes nothing. True when this call moved it.
   */
  markFired(id: number, crossing: number, at: Date): Promise<boolean>;
  /** Fired → armed: its condition no longer holds. True when this call moved it. */
  rearm(id: number): Promise<boolean>;
  /** Records that the check read these alerts at `at`. */
  markChecked(ids: readonly number[], at: Date): Promise<void>;
  /** The community's stored messages with `from <= createdAt < to` (mentioning `symbol` when given). */
  countMessages(community: CommunityRef, range: { symbol?: string; from: Date; to: Date }): Promise<number>;
  /**
   * The scored messages of the range as chatter's scoredIn gives them (oldest first, the newest
   * MAX_SCORED_ROWS at most), without their texts: an alert needs scores, not quotes, and a week of
   * texts read every minute would be most of the check's work.
   */
  scoresIn(community: CommunityRef, range: { symbol?: string; from: Date; to: Date }): Promise<ScoredRow[]>;
}

/** A scored message without its text ("" stands for it). */
export interface ScoredRow {
  authorId: string;
  text: "";
  label: string;
  score: number;
  confidence: number;
  createdAt: Date;
}

const ofCommunity = (community: CommunityRef) => ({
  community: { platform: community.platform, externalId: community.externalId },
});

const FIELDS = {
  id: true,
  kind: true,
  symbol: true,
  direction: true,
  threshold: true,
  window: true,
  target: true,
  createdBy: true,
  state: true,
  crossings: true,
  lastFiredAt: true,
  checkedAt: true,
  createdAt: true,
} as const;

export function createSentimentAlertsRepository(prisma: PrismaClient): SentimentAlertsRepository {
  return {
    list: (community) =>
      prisma.sentimentAlert.findMany({
        where: ofCommunity(community),
        select: FIELDS,
        orderBy: { id: "asc" },
      }),

    async add(input) {
      return prisma.$transaction(async (tx): Promise<AddSentimentAlertResult> => {
        const communityId = await ensureCommunity(tx, input.community);
        // The community row is the lock: the count stays true until the insert.
        await tx.$queryRaw`SELECT 1 FROM "Community" WHERE "id" = ${communityId} FOR UPDATE`;
        const count = await tx.sentimentAlert.count({ where: { communityId } });
        if (count >= MAX_SENTIMENT_ALERTS_PER_COMMUNITY)
          return { ok: false, reason: "too_many", limit: MAX_SENTIMENT_ALERTS_PER_COMMUNITY };
        const { community: _community, ...fields } = input;
        const created = await tx.sentimentAlert.create({
          data: { communityId, ...fields },
          select: { id: true },
        });
        return { ok: true, id: created.id };
      });
    },

    async remove(community, id) {
      const { count } = await prisma.sentimentAlert.deleteMany({ where: { id, ...ofCommunity(community) } });
      return count > 0;
    },

    async communitiesWithAlerts() {
      const rows = await prisma.community.findMany({
        where: { sentimentAlerts: { some: {} } },
        select: { platform: true, externalId: true, settings: true },
      });
      return rows.map(({ platform, externalId, settings }) => ({
        community: { platform, externalId },
        settings,
      }));
    },

    async markFired(id, crossing, at) {
      const { count } = await prisma.sentimentAlert.updateMany({
        where: { id, state: "armed", crossings: crossing - 1 },
        data: { state: "fired", crossings: crossing, lastFiredAt: at },
      });
      return count > 0;
    },

    async rearm(id) {
      const { count } = await prisma.sentimentAlert.updateMany({
        where: { id, state: "fired" },
        data: { state: "armed" },
      });
      return count > 0;
    },

    async scoresIn(community, range) {
      const rows = await prisma.chatterMessage.findMany({
        where: {
          ...ofCommunity(community),
          scoredAt: { not: null },
          createdAt: { gte: range.from, lt: range.to },
          ...(range.symbol ? { mentions: { has: range.symbol } } : {}),
        },
        // Newest first so the bound keeps the recent end, as scoredIn does.
        orderBy: { createdAt: "desc" },
        take: MAX_SCORED_ROWS,
        select: { authorId: true, label: true, score: true, confidence: true, createdAt: true },
      });
      const scored: ScoredRow[] = [];
      for (const row of rows.reverse()) {
        if (row.label === null || row.score === null) continue;
        scored.push({
          ...row,
          text: "",
          label: row.label,
          score: row.score,
          confidence: row.confidence ?? 0,
        });
      }
      return scored;
    },

    async markChecked(ids, at) {
      if (ids.length === 0) return;
      await prisma.sentimentAlert.updateMany({ where: { id: { in: [...ids] } }, data: { checkedAt: at } });
    },

    countMessages: (community, range) =>
      prisma.chatterMessage.count({
        where: {
          ...ofCommunity(community),
          createdAt: { gte: range.from, lt: range.to },
          ...(range.symbol ? { mentions: { has: range.symbol } } : {}),
        },
      }),
  };
}
