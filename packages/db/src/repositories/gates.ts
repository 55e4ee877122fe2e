// Token gates (/gate) and their audit. A gate's minimum is a u64 of base units, which does not fit
// PostgreSQL's bigint (i64): it is stored as numeric(20,0) and is a bigint only outside this file.
// Adding a gate locks the community row, so the per-community limit and Telegram's one gate per mint
// (NULL roles are distinct to the unique index) hold under concurrent /gate add. Member states, passes
// and join requests (re-verification) live in gate-members.ts and are merged into this repository.
import { Prisma, type PrismaClient } from "../generated/client.ts";
import type { GateAuditAction } from "../generated/enums.ts";
import { createGateMembersRepository, type GateMembersRepository } from "./gate-members.ts";
import { ensureCommunity } from "./participants.ts";
import type { CommunityKey, CommunityRef, Platform } from "./types.ts";

/** A Telegram gate's target (the group itself), as core's gating names it; a Discord gate's is its role. */
const GROUP_TARGET = "group";

/** Gates one community may have: a few tokens and tiers, few enough to check for every member. */
export const MAX_TOKEN_GATES_PER_COMMUNITY = 10;

type Program = "spl-token" | "token-2022";

export interface StoredTokenGateRow {
  id: number;
  mint: string;
  program: Program;
  decimals: number;
  minAmount: bigint;
  roleId: string | null;
  createdBy: string;
  createdAt: Date;
}

export interface NewTokenGateRow {
  community: CommunityKey;
  mint: string;
  program: Program;
  decimals: number;
  minAmount: bigint;
  roleId: string | null;
  createdBy: string;
}

export type AddTokenGateRowResult =
  | { ok: true; id: number }
  | { ok: false; reason: "too_many"; limit: number }
  | { ok: false; reason: "duplicate"; id: number };

export interface NewGateAuditRow {
  community: CommunityKey;
  gateId: number | null;
  mint: string;
  roleId: string | null;
  memberId: string;
  action: GateAuditAction;
  reason: string;
  holdings: bigint | null;
}

export interface StoredGateAuditRow extends Omit<NewGateAuditRow, "community"> {
  id: string;
  platform: Platform;
  at: Date;
}

export interface TokenGatesRepository {
  list(community: CommunityRef): Promise<StoredTokenGateRow[]>;
  add(input: NewTokenGateRow): Promise<AddTokenGateRowResult>;
  remove(community: CommunityRef, id: number): Promise<boolean>;
  audit(entries: readonly NewGateAuditRow[]): Promise<void>;
  latestAudit(community: CommunityRef, limit: number): Promise<StoredGateAuditRow[]>;
}

/** The gates, their audit, and what re-verification keeps per member (gate-members.ts). */
export type GatesRepository = TokenGatesRepository & GateMembersRepository;

const ofCommunity = (community: CommunityRef) => ({
  community: { platform: community.platform, externalId: community.externalId },
});

const MAX_U64 = 2n ** 64n - 1n;

/** numeric(20,0) → bigint, exactly (toFixed never uses an exponent). */
const toBigInt = (value: Prisma.Decimal) => BigInt(value.toFixed(0));

function toDecimal(amount: bigint): Prisma.Decimal {
  if (amount < 0n || amount > MAX_U64) throw new RangeError(`A gate amount must be a u64, not ${amount}`);
  return new Prisma.Decimal(amount.toString());
}

const isProgram = (text: string): text is Program => text === "spl-token" || text === "token-2022";

export function createGatesRepository(prisma: PrismaClient): GatesRepository {
  return {
    ...createGateMembersRepository(prisma),

    async list(community) {
      const rows = await prisma.tokenGate.findMany({ where: ofCommunity(community), orderBy: { id: "asc" } });
      return rows.map((row) => {
        if (!isProgram(row.program))
          throw new Error(`TokenGate ${row.id} has an unknown program ${row.program}`);
        return {
          id: row.id,
          mint: row.mint,
          program: row.program,
          decimals: row.decimals,
          minAmount: toBigInt(row.minAmount),
          roleId: row.roleId,
          createdBy: row.createdBy,
          createdAt: row.createdAt,
        };
      });
    },

    async add(input) {
      const minAmount = toDecimal(input.minAmount);
      return prisma.$transaction(async (tx): Promise<AddTokenGateRowResult> => {
        const communityId = await ensureCommunity(tx, input.community);
        // The community row is the lock: the count and the duplicate check stay true until the insert.
        await tx.$queryRaw`SELECT 1 FROM "Community" WHERE "id" = ${communityId} FOR UPDATE`;
        const same = await tx.tokenGate.findFirst({
          where: { communityId, mint: input.mint, roleId: input.roleId },
          select: { id: true },
        });
        if (same) return { ok: false, reason: "duplicate", id: same.id };
        const count = await tx.tokenGate.count({ where: { communityId } });
        if (count >= MAX_TOKEN_GATES_PER_COMMUNITY)
          return { ok: false, reason: "too_many", limit: MAX_TOKEN_GATES_PER_COMMUNITY };
        const created = await tx.tokenGate.create({
          data: {
            communityId,
            mint: input.mint,
            program: input.program,
            decimals: input.decimals,
            minAmount,
            roleId: input.roleId,
            createdBy: input.createdBy,
          },
          select: { id: true },
        });
        return { ok: true, id: created.id };
      });
    },

    async remove(community, id) {
      return prisma.$transaction(async (tx) => {
        const { count } = await tx.tokenGate.deleteMany({ where: { id, ...ofCommunity(community) } });
        if (count === 0) return false;
        // Standings on a target no gate grants any more are the gates' no longer: passes stop at them.
        const remaining = await tx.tokenGate.findMany({
          where: ofCommunity(community),
          select: { roleId: true },
        });
        await tx.gateMemberState.deleteMany({
          where: {
            ...ofCommunity(community),
            target: { notIn: remaining.map((gate) => gate.roleId ?? GROUP_TARGET) },
          },
        });
        return true;
      });
    },

    async audit(entries) {
      if (entries.length === 0) return;
      const ids = new Map<string, string>();
      for (const entry of entries) {
        const key = `${entry.community.platform}:${entry.community.externalId}`;
        if (!ids.has(key)) ids.set(key, await ensureCommunity(prisma, entry.community));
      }
      await prisma.gateAudit.createMany({
        data: entries.map((entry) => ({
          communityId: ids.get(`${entry.community.platform}:${entry.community.externalId}`) as string,
          // A gate removed meanwhile: the entry stays, without its link.
          gateId: entry.gateId,
          mint: entry.mint,
          roleId: entry.roleId,
          memberId: entry.memberId,
          action: entry.action,
          reason: entry.reason,
          holdings: entry.holdings === null ? null : entry.holdings.toString(),
        })),
      });
    },

    async latestAudit(community, limit) {
      const rows = await prisma.gateAudit.findMany({
        where: ofCommunity(community),
        orderBy: [{ at: "desc" }, { id: "desc" }],
        take: limit,
        include: { community: { select: { platform: true } } },
      });
      return rows.map((row) => ({
        id: row.id.toString(),
        platform: row.community.platform,
        gateId: row.gateId,
        mint: row.mint,
        roleId: row.roleId,
        memberId: row.memberId,
        action: row.action,
        reason: row.reason,
        holdings: row.holdings === null ? null : BigInt(row.holdings),
        at: row.at,
      }));
    },
  };
}
