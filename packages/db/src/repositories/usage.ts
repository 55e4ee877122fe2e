// What a community's model calls added up to, for the /usage command.
import type { PrismaClient } from "../generated/client.ts";
import type { CommunityRef } from "./types.ts";

/** One task and model's calls over a period. */
export interface ModelUsageRow {
  task: string;
  model: string;
  calls: number;
  /** Calls a provider answered with usable output (outcome "ok"). */
  answeredCalls: number;
  /** Calls answered by the offline engine instead: no provider, invalid output, over budget… */
  offlineCalls: number;
  tokensIn: number;
  tokensOut: number;
  /** Mean latency of the answered calls; null when none was answered. */
  averageLatencyMs: number | null;
}

export interface UsageRepository {
  /** The community's calls since `since`, by task and model, most tokens first. Empty for an unknown community. */
  summary(community: CommunityRef, options: { since: Date }): Promise<ModelUsageRow[]>;
  /** Deletes at most `limit` calls (of any community) made before `before`, oldest first; returns how many went. */
  deleteCallsBefore(before: Date, limit: number): Promise<number>;
}

export function createUsageRepository(prisma: PrismaClient): UsageRepository {
  return {
    async deleteCallsBefore(before, limit) {
      // The oldest first, found by the createdAt index, and deleted by primary key.
      const batch = await prisma.modelCall.findMany({
        where: { createdAt: { lt: before } },
        select: { id: true },
        orderBy: { createdAt: "asc" },
        take: limit,
      });
      if (batch.length === 0) return 0;
      const removed = await prisma.modelCall.deleteMany({
        where: { id: { in: batch.map((row) => row.id) } },
      });
      return removed.count;
    },

    async summary(community, { since }) {
      // The join finds the community by its unique key, then (communityId, createdAt) bounds the scan.
      // Sums are bigint: a month of a large budget passes the 2^31 of an integer.
      const rows = await prisma.$queryRaw<
        {
          task: string;
          model: string;
          calls: bigint;
          answered: bigint;
          tokensIn: bigint;
          tokensOut: bigint;
          averageLatencyMs: number | null;
        }[]
      >`
        SELECT m."task", m."model",
               count(*) AS "calls",
               count(*) FILTER (WHERE m."outcome" = 'ok') AS "answered",
               coalesce(sum(m."tokensIn"), 0)::bigint AS "tokensIn",
               coalesce(sum(m."tokensOut"), 0)::bigint AS "tokensOut",
               (avg(m."latencyMs") FILTER (WHERE m."outcome" = 'ok'))::float8 AS "averageLatencyMs"
        FROM "ModelCall" m
        JOIN "Community" c ON c."id" = m."communityId"
        WHERE c."platform" = ${community.platform}::"Platform" AND c."externalId" = ${community.externalId}
          AND m."createdAt" >= to_timestamp(${since.getTime()} / 1000.0) AT TIME ZONE 'UTC'
        GROUP BY m."task", m."model"
        ORDER BY sum(m."tokensIn") + sum(m."tokensOut") DESC, count(*) DESC, m."task", m."model"`;
      return rows.map((row) => {
        const calls = Number(row.calls);
        const answeredCalls = Number(row.answered);
        return {
          task: row.task,
          model: row.model,
          calls,
          answeredCalls,
          offlineCalls: calls - answeredCalls,
          tokensIn: Number(row.tokensIn),
          tokensOut: Number(row.tokensOut),
          averageLatencyMs: row.averageLatencyMs === null ? null : Math.round(row.averageLatencyMs),
        };
      });
    },
  };
}
