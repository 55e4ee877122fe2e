// What token gates' re-verification keeps per member: where each member stands with each gate target,
// each community's pass (resumable from its cursor), and Telegram join requests waiting for a member to
// qualify. Merged into the gates repository. A pass saves a page of members × targets at once, so
// states are upserted in one statement from one JSON parameter; passes page through members with one
// query over indexes. Reads for a community never seen return nothing (they never create it).
import { Prisma, type PrismaClient } from "../generated/client.ts";
import { ensureCommunity } from "./participants.ts";
import type { CommunityKey, CommunityRef } from "./types.ts";

export interface GateMemberStateRow {
  /** A Discord role id, or "group" (Telegram). */
  target: string;
  memberId: string;
  hasAccess: boolean;
  shortSince: Date | null;
  failures: number;
  removedAt: Date | null;
  leftAt: Date | null;
  checkedAt: Date;
}

export interface GatePassRow {
  startedAt: Date;
  cursor: string | null;
  total: number;
  checked: number;
  failed: number;
  nextPageAt: Date | null;
  finishedAt: Date | null;
}

export interface NewGateJoinRequestRow {
  community: CommunityKey;
  memberId: string;
  userChatId: string;
  language: string;
  requestedAt: Date;
}

export interface PendingGateJoinRequestRow extends Omit<NewGateJoinRequestRow, "community"> {
  community: CommunityRef;
}

export interface GateMembersRepository {
  /** The stored states of these members (rows that exist; none for members never checked). */
  memberStates(community: CommunityRef, memberIds: readonly string[]): Promise<GateMemberStateRow[]>;
  /** Upserts the states, keyed by community, target and member, in one statement. */
  saveMemberStates(community: CommunityRef, states: readonly GateMemberStateRow[]): Promise<void>;
  /** Sets (left) or clears (back) leftAt on all of the member's rows; a member without rows gets none. */
  setMemberPresence(community: CommunityRef, memberId: string, leftAt: Date | null): Promise<void>;
  /**
   * Members with a wallet linked in the community or access on record (hasAccess or shortSince), less
   * those who left (any row with leftAt), in memberId order after `after` (null: from the start).
   */
  passMembers(community: CommunityRef, after: string | null, limit: number): Promise<string[]>;
  countPassMembers(community: CommunityRef): Promise<number>;
  passOf(community: CommunityRef): Promise<GatePassRow | null>;
  savePass(community: CommunityRef, pass: GatePassRow): Promise<void>;
  communitiesWithGates(): Promise<CommunityRef[]>;
  /** Records a join request, or renews the member's last one to pending with the new time. */
  openJoinRequest(request: NewGateJoinRequestRow): Promise<void>;
  /** Of these members, those with a pending join request in the community. */
  pendingJoinRequests(community: CommunityRef, memberIds: readonly string[]): Promise<Set<string>>;
  /** Closes a pending request; false when it was not pending (another worker closed it first). */
  closeJoinRequest(
    community: CommunityRef,
    memberId: string,
    status: "approved" | "declined",
  ): Promise<boolean>;
  /** Pending requests made before `before`, oldest first. */
  expiredJoinRequests(before: Date, limit: number): Promise<PendingGateJoinRequestRow[]>;
}

const ofCommunity = (community: CommunityRef) => ({
  community: { platform: community.platform, externalId: community.externalId },
});

/** The community's id, once per query: a community never seen is NULL, matches no rows and is not created. */
const communityCte = (community: CommunityRef) => Prisma.sql`
  c AS MATERIALIZED (
    SELECT "id" FROM "Community"
    WHERE "platform" = ${community.platform}::"Platform" AND "externalId" = ${community.externalId})`;

/** True when the member `row` names has left (a state row of theirs with leftAt): passes skip them. */
const hasLeft = (row: string) => Prisma.sql`EXISTS (
  SELECT 1 FROM "GateMemberState" gone
  WHERE gone."communityId" = (SELECT "id" FROM c) AND gone."memberId" = ${Prisma.raw(row)}."memberId"
    AND gone."leftAt" IS NOT NULL)`;

/** Access on record: the member has it, or is short and in their grace period. */
const ACCESS_ON_RECORD = Prisma.sql`(s."hasAccess" OR s."shortSince" IS NOT NULL)`;

/**
 * A page of the members a pass checks, after the cursor. Each source (linked wallets, access on
 * record) reads its (communityId, memberId) index in order, drops members who left and stops after a
 * page; the page is the first `limit` of the two merged, which holds every one of the union's first
 * `limit`. So a page costs about a page of index entries however large the community (a DISTINCT over
 * the union of both sources read all of them, and sorted them, for every page). No cursor is "": no
 * member id is empty, and the same collation orders and compares.
 */
function passPageSql(community: CommunityRef, after: string | null, limit: number) {
  const cursor = after ?? "";
  return Prisma.sql`
    WITH ${communityCte(community)},
    linked AS (
      SELECT DISTINCT w."memberId" FROM "WalletLink" w
      WHERE w."communityId" = (SELECT "id" FROM c) AND w."memberId" > ${cursor} AND NOT ${hasLeft("w")}
      ORDER BY w."memberId" LIMIT ${limit}),
    recorded AS (
      SELECT DISTINCT s."memberId" FROM "GateMemberState" s
      WHERE s."communityId" = (SELECT "id" FROM c) AND s."memberId" > ${cursor} AND ${ACCESS_ON_RECORD}
        AND NOT ${hasLeft("s")}
      ORDER BY s."memberId" LIMIT ${limit})
    SELECT "memberId" FROM linked UNION SELECT "memberId" FROM recorded
    ORDER BY "memberId" LIMIT ${limit}`;
}

/** How many members passPageSql pages through in all: once per pass, so reading them all is fine. */
function passCountSql(community: CommunityRef) {
  return Prisma.sql`
    WITH ${communityCte(community)}
    SELECT count(*)::int AS "count" FROM (
      SELECT w."memberId" FROM "WalletLink" w WHERE w."communityId" = (SELECT "id" FROM c)
      UNION
      SELECT s."memberId" FROM "GateMemberState" s
      WHERE s."communityId" = (SELECT "id" FROM c) AND ${ACCESS_ON_RECORD}
    ) AS m
    WHERE NOT ${hasLeft("m")}`;
}

const JOIN_PENDING = "pending";

/** Timestamps travel in JSON as ISO text; the columns are timestamp(3) in UTC. */
const isoOrNull = (date: Date | null) => (date === null ? null : date.toISOString());

export function createGateMembersRepository(prisma: PrismaClient): GateMembersRepository {
  return {
    async memberStates(community, memberIds) {
      if (memberIds.length === 0) return [];
      return prisma.gateMemberState.findMany({
        where: { ...ofCommunity(community), memberId: { in: [...memberIds] } },
        select: {
          target: true,
          memberId: true,
          hasAccess: true,
          shortSince: true,
          failures: true,
          removedAt: true,
          leftAt: true,
          checkedAt: true,
        },
        orderBy: [{ memberId: "asc" }, { target: "asc" }],
      });
    },

    async saveMemberStates(community, states) {
      if (states.length === 0) return;
      const communityId = await ensureCommunity(prisma, community);
      // ON CONFLICT refuses a batch that names one row twice: the last state of a member and target wins.
      const latest = new Map(states.map((state) => [`${state.target}\n${state.memberId}`, state]));
      const rows = JSON.stringify(
        [...latest.values()].map((state) => ({
          t: state.target,
          m: state.memberId,
          a: state.hasAccess,
          s: isoOrNull(state.shortSince),
          f: state.failures,
          r: isoOrNull(state.removedAt),
          l: isoOrNull(state.leftAt),
          c: state.checkedAt.toISOString(),
        })),
      );
      await prisma.$executeRaw`
        INSERT INTO "GateMemberState"
          ("communityId", "target", "memberId", "hasAccess", "shortSince", "failures", "removedAt", "leftAt", "checkedAt")
        SELECT ${communityId}, s.t, s.m, s.a,
               s.s::timestamptz AT TIME ZONE 'UTC', s.f, s.r::timestamptz AT TIME ZONE 'UTC',
               s.l::timestamptz AT TIME ZONE 'UTC', s.c::timestamptz AT TIME ZONE 'UTC'
        FROM jsonb_to_recordset(${rows}::jsonb)
          AS s(t text, m text, a boolean, s text, f integer, r text, l text, c text)
        ON CONFLICT ("communityId", "target", "memberId") DO UPDATE SET
          "hasAccess" = EXCLUDED."hasAccess", "shortSince" = EXCLUDED."shortSince",
          "failures" = EXCLUDED."failures", "removedAt" = EXCLUDED."removedAt",
          -- A member seen leaving after this check began (setMemberPresence meanwhile) stays gone.
          "leftAt" = CASE WHEN "GateMemberState"."leftAt" > EXCLUDED."checkedAt"
                          THEN "GateMemberState"."leftAt" ELSE EXCLUDED."leftAt" END,
          "checkedAt" = EXCLUDED."checkedAt"`;
    },

    async setMemberPresence(community, memberId, leftAt) {
      await prisma.gateMemberState.updateMany({
        where: { ...ofCommunity(community), memberId },
        data: { leftAt },
      });
    },

    async passMembers(community, after, limit) {
      if (limit <= 0) return [];
      const rows = await prisma.$queryRaw<Array<{ memberId: string }>>(passPageSql(community, after, limit));
      return rows.map((row) => row.memberId);
    },

    async countPassMembers(community) {
      const [row] = await prisma.$queryRaw<Array<{ count: number }>>(passCountSql(community));
      return row?.count ?? 0;
    },

    async passOf(community) {
      return prisma.gatePass.findFirst({
        where: ofCommunity(community),
        select: {
          startedAt: true,
          cursor: true,
          total: true,
          checked: true,
          failed: true,
          nextPageAt: true,
          finishedAt: true,
        },
      });
    },

    async savePass(community, pass) {
      const communityId = await ensureCommunity(prisma, community);
      const fields = {
        startedAt: pass.startedAt,
        cursor: pass.cursor,
        total: pass.total,
        checked: pass.checked,
        failed: pass.failed,
        nextPageAt: pass.nextPageAt,
        finishedAt: pass.finishedAt,
      };
      await prisma.gatePass.upsert({
        where: { communityId },
        create: { communityId, ...fields },
        update: fields,
      });
    },

    communitiesWithGates: () =>
      prisma.community.findMany({
        where: { tokenGates: { some: {} } },
        select: { platform: true, externalId: true },
        orderBy: [{ platform: "asc" }, { externalId: "asc" }],
      }),

    async openJoinRequest(request) {
      const communityId = await ensureCommunity(prisma, request.community);
      const fields = {
        userChatId: request.userChatId,
        language: request.language,
        requestedAt: request.requestedAt,
        status: JOIN_PENDING,
        decidedAt: null,
      };
      await prisma.gateJoinRequest.upsert({
        where: { communityId_memberId: { communityId, memberId: request.memberId } },
        create: { communityId, memberId: request.memberId, ...fields },
        update: fields,
      });
    },

    async pendingJoinRequests(community, memberIds) {
      if (memberIds.length === 0) return new Set();
      const rows = await prisma.gateJoinRequest.findMany({
        where: { ...ofCommunity(community), memberId: { in: [...memberIds] }, status: JOIN_PENDING },
        select: { memberId: true },
      });
      return new Set(rows.map((row) => row.memberId));
    },

    async closeJoinRequest(community, memberId, status) {
      // Conditional on still pending: of two workers closing one request, the row lock lets one
      // through and the other then finds it closed and changes nothing.
      const { count } = await prisma.gateJoinRequest.updateMany({
        where: { ...ofCommunity(community), memberId, status: JOIN_PENDING },
        data: { status, decidedAt: new Date() },
      });
      return count > 0;
    },

    async expiredJoinRequests(before, limit) {
      const rows = await prisma.gateJoinRequest.findMany({
        where: { status: JOIN_PENDING, requestedAt: { lt: before } },
        orderBy: [{ requestedAt: "asc" }, { communityId: "asc" }, { memberId: "asc" }],
        take: limit,
        select: {
          memberId: true,
          userChatId: true,
          language: true,
          requestedAt: true,
          community: { select: { platform: true, externalId: true } },
        },
      });
      return rows;
    },
  };
}
