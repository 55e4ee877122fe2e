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
  /** Short while having access: access stays until the grace period ends (then "removed"). */
  "grace",
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
  /** Where the given members stand with the community's gate targets (rows that exist; none for new members). */
  memberStates(
    community: Pick<CommunityRef, "platform" | "externalId">,
    memberIds: readonly string[],
  ): Promise<GateMemberState[]>;
  /** Upserts the states (keyed by community, target and member) in one statement. */
  saveMemberStates(
    community: Pick<CommunityRef, "platform" | "externalId">,
    states: readonly GateMemberState[],
  ): Promise<void>;
  /**
   * The member left the group or server (leftAt set on all their rows, which drops them from passes)
   * or is back (leftAt cleared). A member without rows gets none: nothing to drop.
   */
  setMemberPresence(
    community: Pick<CommunityRef, "platform" | "externalId">,
    memberId: string,
    leftAt: Date | null,
  ): Promise<void>;
  /**
   * A page of the members a re-verification pass checks, in memberId order after `after` (null: from
   * the start): every member with a linked wallet in the community or with access on record (a state
   * row with hasAccess or shortSince), except members who left (a state row with leftAt).
   */
  passMembers(
    community: Pick<CommunityRef, "platform" | "externalId">,
    after: string | null,
    limit: number,
  ): Promise<string[]>;
  /** How many members `passMembers` would list in all (for spreading a pass's pages). */
  countPassMembers(community: Pick<CommunityRef, "platform" | "externalId">): Promise<number>;
  /** The community's current or last pass, or null before its first. */
  passOf(community: Pick<CommunityRef, "platform" | "externalId">): Promise<GatePassState | null>;
  savePass(community: Pick<CommunityRef, "platform" | "externalId">, pass: GatePassState): Promise<void>;
  /** Every community with at least one gate, with its platform and title. */
  communitiesWithGates(): Promise<Array<Pick<CommunityRef, "platform" | "externalId">>>;
  /** Records (or renews) a Telegram join request waiting for the member to qualify. */
  openJoinRequest(request: NewJoinRequest): Promise<void>;
  /** Of these members, those with a pending join request in the community. */
  pendingJoinRequests(
    community: Pick<CommunityRef, "platform" | "externalId">,
    memberIds: readonly string[],
  ): Promise<Set<string>>;
  /** Closes a pending request; false when it was not pending (already closed by another worker). */
  closeJoinRequest(
    community: Pick<CommunityRef, "platform" | "externalId">,
    memberId: string,
    status: "approved" | "declined",
  ): Promise<boolean>;
  /** Pending requests made before `before`, oldest first: the ones whose window has passed. */
  expiredJoinRequests(before: Date, limit: number): Promise<PendingJoinRequest[]>;
}

/** The group itself as a gate's target (Telegram), where a Discord gate's target is its role id. */
export const GROUP_TARGET = "group";

/** A gate's target: the Discord role it grants, or the Telegram group. */
export const targetOf = (gate: Pick<StoredTokenGate, "roleId">): string => gate.roleId ?? GROUP_TARGET;

/**
 * Where one member stands with one target (a role, or the group) of a community's gates: what passes
 * keep in step. Several gates may share a target (two tokens for one role): the member has access when
 * any of them qualifies.
 */
export interface GateMemberState {
  /** A Discord role id, or GROUP_TARGET. */
  target: string;
  memberId: string;
  /** Whether the member has the target's access, as of the last check. */
  hasAccess: boolean;
  /** Since when the member, having access, has been short; null when not short. */
  shortSince: Date | null;
  /** Consecutive checks that could not read the chain or reach the platform; 0 after one that did. */
  failures: number;
  /** When access was last removed (a later grant is audited as "restored"); null if never. */
  removedAt: Date | null;
  /** When the member was seen to have left the group or server; null while they are in it. */
  leftAt: Date | null;
  checkedAt: Date;
}

/** A re-verification pass over one community's members, resumable from its cursor. */
export interface GatePassState {
  startedAt: Date;
  /** The last memberId done; null before the first page. */
  cursor: string | null;
  /** Members to check when the pass started (to spread its pages over the window). */
  total: number;
  checked: number;
  /** Members whose check could not get through (rechecked later). */
  failed: number;
  /** When the next page is due; a page not started long after this is re-queued by the sweep. */
  nextPageAt: Date | null;
  finishedAt: Date | null;
}

export interface NewJoinRequest {
  community: CommunityKey;
  memberId: string;
  /** The private chat the bot may write to about this request (Telegram's user_chat_id). */
  userChatId: string;
  /** The member's language, for the private message and the decline. */
  language: string;
  requestedAt: Date;
}

export interface PendingJoinRequest extends Omit<NewJoinRequest, "community"> {
  community: Pick<CommunityRef, "platform" | "externalId">;
}
