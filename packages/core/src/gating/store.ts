// What token gates need of storage (the gates repository of @memebot/db, in the bot and worker).
// Amounts are bigint base units here; the repository converts them at its edge.
import type { CommunityRef, Platform } from "../platform.ts";

export type GateTokenProgram = "spl-token" | "token-2022";

type CommunityKey = Pick<CommunityRef, "platform" | "externalId"> & { title?: string };

/** Gates one community may have: a few tokens and tiers, few enough to check for every member. */
export const MAX_GATES_PER_COMMUNITY = 10;

export interface StoredTokenGate {
  /** The number admins see and type (/gate remove 3). */
  id: number;
  mint: string;
  program: GateTokenProgram;
  decimals: number;
  /** Base units. */
  minAmount: bigint;
  /** The Discord role it grants; null on Telegram, where the group itself is gated. */
  roleId: string | null;
  createdBy: string;
  createdAt: Date;
}

export interface NewTokenGate {
  community: CommunityKey;
  mint: string;
  program: GateTokenProgram;
  decimals: number;
  minAmount: bigint;
  roleId: string | null;
  createdBy: string;
}

export type AddTokenGateResult =
  | { ok: true; id: number }
  | { ok: false; reason: "too_many"; limit: number }
  /** The community already gates this role (or, on Telegram, the group) on this mint. */
  | { ok: false; reason: "duplicate"; id: number };

export const GATE_AUDIT_ACTIONS = [
  "granted",
  "removed",
  "restored",
  "kept",
  "check_failed",
  "denied",
] as const;
export type GateAuditAction = (typeof GATE_AUDIT_ACTIONS)[number];

export interface NewGateAuditEntry {
  community: CommunityKey;
  gateId: number | null;
  mint: string;
  roleId: string | null;
  /** The member's platform user id. */
  memberId: string;
  action: GateAuditAction;
  /** A stable id: "enough", "short", "rpc_error", "missing_manage_roles", "role_above_bot", … */
  reason: string;
  /** Base units held, when the chain was read. */
  holdings: bigint | null;
}

export interface StoredGateAuditEntry extends Omit<NewGateAuditEntry, "community"> {
  id: string;
  platform: Platform;
  at: Date;
}

export interface GateStore {
  /** The community's gates, oldest first. */
  list(community: Pick<CommunityRef, "platform" | "externalId">): Promise<StoredTokenGate[]>;
  add(input: NewTokenGate): Promise<AddTokenGateResult>;
  /** True when the community had that gate. */
  remove(community: Pick<CommunityRef, "platform" | "externalId">, id: number): Promise<boolean>;
  audit(entries: readonly NewGateAuditEntry[]): Promise<void>;
  /** The newest entries first. */
  latestAudit(
    community: Pick<CommunityRef, "platform" | "externalId">,
    limit: number,
  ): Promise<StoredGateAuditEntry[]>;
  /** Each member's newest action per gate (restored vs granted), for the given gates and members. */
  lastActions(
    gateIds: readonly number[],
    memberIds: readonly string[],
  ): Promise<Array<{ gateId: number; memberId: string; action: GateAuditAction }>>;
}
