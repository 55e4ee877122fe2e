// The daily sentiment digest of each community (/digest): its local hour, time zone, where it is
// posted and the last local day done. Days are DATE columns, read and written as "YYYY-MM-DD". The
// last day done only ever moves forward (GREATEST in SQL), so neither a second job nor an admin moving
// the hour can make a day that was sent due again.
import type { PrismaClient } from "../generated/client.ts";
import { ensureCommunity, utcNow } from "./participants.ts";
import type { CommunityKey, CommunityRef } from "./types.ts";

export interface StoredSentimentDigest {
  enabled: boolean;
  hour: number;
  timeZone: string;
  /** A ReplyTarget as JSON, checked by its reader. */
  target: unknown;
  /** "YYYY-MM-DD". */
  lastLocalDate: string;
  updatedBy: string;
  updatedAt: Date;
}

export interface SentimentDigestCandidate {
  community: CommunityRef;
  hour: number;
  timeZone: string;
  target: unknown;
  lastLocalDate: string;
}

export interface SwitchOnDigestInput {
  community: CommunityKey;
  hour: number;
  timeZone: string;
  target: unknown;
  /** "YYYY-MM-DD"; a later day already stored is kept. */
  lastLocalDate: string;
  updatedBy: string;
}

export interface SentimentDigestsRepository {
  find(community: CommunityRef): Promise<StoredSentimentDigest | null>;
  /** Creates or replaces the community's digest, switched on; returns the last day done as stored. */
  switchOn(input: SwitchOnDigestInput): Promise<{ lastLocalDate: string }>;
  /** True when the community had a digest switched on. */
  switchOff(community: CommunityRef, updatedBy: string): Promise<boolean>;
  /** Switched-on digests whose last day done is `onOrBefore` ("YYYY-MM-DD") or earlier. */
  candidates(onOrBefore: string): Promise<SentimentDigestCandidate[]>;
  /** Records `date` as the last day done, unless it or a later day already is. */
  markDone(community: CommunityRef, date: string): Promise<void>;
}

// Prisma's reads give a DATE as a Date at UTC midnight; a raw query's may come as text.
const dayOf = (date: Date | string) =>
  typeof date === "string" ? date.slice(0, 10) : date.toISOString().slice(0, 10);
const dateOf = (day: string) => new Date(`${day}T00:00:00Z`);

const ofCommunity = (community: CommunityRef) => ({
  community: { platform: community.platform, externalId: community.externalId },
});

export function createSentimentDigestsRepository(prisma: PrismaClient): SentimentDigestsRepository {
  return {
    async find(community) {
      const row = await prisma.sentimentDigest.findFirst({
        where: ofCommunity(community),
        select: {
          enabled: true,
          hour: true,
          timeZone: true,
          target: true,
          lastLocalDate: true,
          updatedBy: true,
          updatedAt: true,
        },
      });
      return row ? { ...row, lastLocalDate: dayOf(row.lastLocalDate) } : null;
    },

    async switchOn(input) {
      return prisma.$transaction(async (tx) => {
        const communityId = await ensureCommunity(tx, input.community);
        const [row] = await tx.$queryRaw<{ lastLocalDate: Date | string }[]>`
          INSERT INTO "SentimentDigest"
            ("id", "communityId", "enabled", "hour", "timeZone", "target", "lastLocalDate", "updatedBy",
             "createdAt", "updatedAt")
          VALUES (gen_random_uuid()::text, ${communityId}, true, ${input.hour}, ${input.timeZone},
                  ${JSON.stringify(input.target)}::jsonb, ${input.lastLocalDate}::date, ${input.updatedBy},
                  ${utcNow}, ${utcNow})
          ON CONFLICT ("communityId") DO UPDATE SET
            "enabled" = true, "hour" = EXCLUDED."hour", "timeZone" = EXCLUDED."timeZone",
            "target" = EXCLUDED."target", "updatedBy" = EXCLUDED."updatedBy", "updatedAt" = ${utcNow},
            "lastLocalDate" = GREATEST("SentimentDigest"."lastLocalDate", EXCLUDED."lastLocalDate")
          RETURNING "lastLocalDate"`;
        if (!row) throw new Error("SentimentDigest upsert returned no row");
        return { lastLocalDate: dayOf(row.lastLocalDate) };
      });
    },

    async switchOff(community, updatedBy) {
      const { count } = await prisma.sentimentDigest.updateMany({
        where: { ...ofCommunity(community), enabled: true },
        data: { enabled: false, updatedBy },
      });
      return count > 0;
    },

    async candidates(onOrBefore) {
      const rows = await prisma.sentimentDigest.findMany({
        where: { enabled: true, lastLocalDate: { lte: dateOf(onOrBefore) } },
        // The longest waiting first, should a run stop before the end.
        orderBy: [{ lastLocalDate: "asc" }, { hour: "asc" }],
        select: {
          hour: true,
          timeZone: true,
          target: true,
          lastLocalDate: true,
          community: { select: { platform: true, externalId: true } },
        },
      });
      return rows.map(({ lastLocalDate, ...row }) => ({ ...row, lastLocalDate: dayOf(lastLocalDate) }));
    },

    async markDone(community, date) {
      await prisma.sentimentDigest.updateMany({
        where: { ...ofCommunity(community), lastLocalDate: { lt: dateOf(date) } },
        data: { lastLocalDate: dateOf(date) },
      });
    },
  };
}
