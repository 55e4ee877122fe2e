// Wallet links (/wallet): the wallets members proved they hold, the single-use link requests, and
// every attempt to complete one. Completing is one transaction: the request is marked used by a
// conditional UPDATE (under a race, PostgreSQL's row lock lets one completion through and the other
// then sees it used), and the link is inserted with ON CONFLICT so two members racing for one wallet
// cannot both hold it.
import type { PrismaClient } from "../generated/client.ts";
import { ensureCommunity } from "./participants.ts";
import type { CommunityKey, CommunityRef, Platform } from "./types.ts";

export interface StoredWalletLinkRequest {
  id: string;
  community: CommunityRef;
  memberId: string;
  nonce: string;
  address: string | null;
  issuedAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export type WalletRequestLookup =
  | { tokenHash: string }
  | { nonce: string }
  | { newestOf: { community: CommunityRef; memberId: string; address?: string } };

export type CompleteWalletRequestResult = "linked" | "already_yours" | "nonce_used" | "linked_elsewhere";

export interface NewWalletLinkAttempt {
  community?: CommunityRef;
  platform?: Platform;
  memberId?: string;
  address?: string;
  outcome: string;
  at: Date;
}

export interface WalletsRepository {
  createRequest(input: {
    community: CommunityKey;
    memberId: string;
    tokenHash: string;
    nonce: string;
    address?: string;
    issuedAt: Date;
    expiresAt: Date;
  }): Promise<void>;
  findRequest(lookup: WalletRequestLookup): Promise<StoredWalletLinkRequest | null>;
  completeRequest(input: {
    requestId: string;
    address: string;
    now: Date;
  }): Promise<CompleteWalletRequestResult>;
  recordAttempt(attempt: NewWalletLinkAttempt): Promise<void>;
  countAttempts(input: {
    platform: Platform;
    memberId: string;
    since: Date;
    outcomes: readonly string[];
  }): Promise<number>;
  links(community: CommunityRef, memberId: string): Promise<Array<{ address: string; linkedAt: Date }>>;
  /** Many members' linked wallets in one query (a pass's page), oldest link first; members without any are absent. */
  linksOfMembers(community: CommunityRef, memberIds: readonly string[]): Promise<Map<string, string[]>>;
  unlink(community: CommunityRef, memberId: string, address: string): Promise<boolean>;
  /** Deletes at most `limit` requests that expired before `before`; returns how many went. */
  deleteExpiredRequests(before: Date, limit: number): Promise<number>;
  /** Deletes at most `limit` attempts made before `before`, oldest first; returns how many went. */
  deleteAttemptsBefore(before: Date, limit: number): Promise<number>;
}

const ofCommunity = (community: CommunityRef) => ({
  community: { platform: community.platform, externalId: community.externalId },
});

const requestSelect = {
  id: true,
  memberId: true,
  nonce: true,
  address: true,
  issuedAt: true,
  expiresAt: true,
  usedAt: true,
  community: { select: { platform: true, externalId: true } },
} as const;

export function createWalletsRepository(prisma: PrismaClient): WalletsRepository {
  return {
    async createRequest(input) {
      const communityId = await ensureCommunity(prisma, input.community);
      await prisma.walletLinkRequest.create({
        data: {
          communityId,
          memberId: input.memberId,
          tokenHash: input.tokenHash,
          nonce: input.nonce,
          address: input.address ?? null,
          issuedAt: input.issuedAt,
          expiresAt: input.expiresAt,
        },
      });
    },

    async findRequest(lookup) {
      const where =
        "tokenHash" in lookup
          ? { tokenHash: lookup.tokenHash }
          : "nonce" in lookup
            ? { nonce: lookup.nonce }
            : {
                ...ofCommunity(lookup.newestOf.community),
                memberId: lookup.newestOf.memberId,
                ...(lookup.newestOf.address === undefined ? {} : { address: lookup.newestOf.address }),
              };
      const row = await prisma.walletLinkRequest.findFirst({
        where,
        select: requestSelect,
        orderBy: [{ issuedAt: "desc" }, { id: "desc" }],
      });
      return row;
    },

    async completeRequest({ requestId, address, now }) {
      return prisma.$transaction(async (tx): Promise<CompleteWalletRequestResult> => {
        const spent = await tx.walletLinkRequest.updateMany({
          where: { id: requestId, usedAt: null },
          data: { usedAt: now },
        });
        if (spent.count === 0) return "nonce_used";
        const request = await tx.walletLinkRequest.findUniqueOrThrow({
          where: { id: requestId },
          select: { communityId: true, memberId: true },
        });
        // ON CONFLICT DO NOTHING: a wallet another member holds (or wins a moment ago) is not taken.
        const inserted = await tx.walletLink.createMany({
          data: [{ communityId: request.communityId, memberId: request.memberId, address, linkedAt: now }],
          skipDuplicates: true,
        });
        if (inserted.count === 1) return "linked";
        const holder = await tx.walletLink.findUnique({
          where: { communityId_address: { communityId: request.communityId, address } },
          select: { memberId: true },
        });
        return holder?.memberId === request.memberId ? "already_yours" : "linked_elsewhere";
      });
    },

    async recordAttempt(attempt) {
      await prisma.walletLinkAttempt.create({
        data: {
          community: attempt.community
            ? `${attempt.community.platform}:${attempt.community.externalId}`
            : null,
          platform: attempt.platform ?? null,
          memberId: attempt.memberId ?? null,
          address: attempt.address ?? null,
          outcome: attempt.outcome,
          createdAt: attempt.at,
        },
      });
    },

    countAttempts: ({ platform, memberId, since, outcomes }) =>
      prisma.walletLinkAttempt.count({
        where: { platform, memberId, createdAt: { gte: since }, outcome: { in: [...outcomes] } },
      }),

    links: (community, memberId) =>
      prisma.walletLink.findMany({
        where: { ...ofCommunity(community), memberId },
        select: { address: true, linkedAt: true },
        orderBy: { linkedAt: "asc" },
      }),

    async linksOfMembers(community, memberIds) {
      const rows = await prisma.walletLink.findMany({
        where: { ...ofCommunity(community), memberId: { in: [...memberIds] } },
        select: { memberId: true, address: true },
        orderBy: [{ memberId: "asc" }, { linkedAt: "asc" }],
      });
      const byMember = new Map<string, string[]>();
      for (const row of rows)
        byMember.set(row.memberId, [...(byMember.get(row.memberId) ?? []), row.address]);
      return byMember;
    },

    async unlink(community, memberId, address) {
      const removed = await prisma.walletLink.deleteMany({
        where: { ...ofCommunity(community), memberId, address },
      });
      return removed.count > 0;
    },

    // Bounded: the ids of one batch, then those rows. A row another clean-up deleted in between is
    // simply not counted twice.
    async deleteExpiredRequests(before, limit) {
      const batch = await prisma.walletLinkRequest.findMany({
        where: { expiresAt: { lt: before } },
        select: { id: true },
        // The expiresAt index finds them.
        orderBy: { expiresAt: "asc" },
        take: limit,
      });
      if (batch.length === 0) return 0;
      const removed = await prisma.walletLinkRequest.deleteMany({
        where: { id: { in: batch.map((row) => row.id) } },
      });
      return removed.count;
    },

    async deleteAttemptsBefore(before, limit) {
      const batch = await prisma.walletLinkAttempt.findMany({
        where: { createdAt: { lt: before } },
        select: { id: true },
        // Ids grow with time: walking the primary key from the oldest finds the old rows first and
        // stops at `limit`, with no index on createdAt alone.
        orderBy: { id: "asc" },
        take: limit,
      });
      if (batch.length === 0) return 0;
      const removed = await prisma.walletLinkAttempt.deleteMany({
        where: { id: { in: batch.map((row) => row.id) } },
      });
      return removed.count;
    },
  };
}
