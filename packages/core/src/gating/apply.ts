// Applies members' gate results on the platform, keeps where each member stands with each target (a
// Discord role, or the Telegram group) in step, and audits the decisions. Several gates may share a
// target (two tokens for one role): the member has access when any of them qualifies.
//
// Grants only on "qualifies"; removal only on "short", and only once the member has been short for
// the community's grace period. An unknown result (the chain could not be read) or a platform that did
// not answer changes nothing: it counts a failure and the check is tried again later. A target the bot
// cannot manage (no Manage Roles, the role above the bot's, not an admin of the group) changes nothing
// either; the audit names the problem so admins see it in /gate audit.
//
// Two modes. "member" (/verify, a re-check, a join request) asks the platform about the member and
// audits every decision, since someone asked. "pass" (re-verification of every member) asks the
// platform in bulk where it can, otherwise only about members whose access is to change, and audits
// changes only: a pass over 10,000 members that changes nothing writes nothing but their states.
import type { CommunityRef } from "../platform.ts";
import type { GateAccess, GateAccessProblem } from "./access.ts";
import type { GateResult, MemberEvaluation } from "./evaluate.ts";
import {
  GROUP_TARGET,
  targetOf,
  type GateAuditAction,
  type GateMemberState,
  type GateStore,
  type NewGateAuditEntry,
} from "./store.ts";

export type GateApplyMode = "member" | "pass";

export interface GateApplyDependencies {
  store: Pick<
    GateStore,
    "audit" | "memberStates" | "saveMemberStates" | "pendingJoinRequests" | "closeJoinRequest"
  >;
  /** The platform's access port; without it (the console) results are only audited. */
  access?: GateAccess;
  /** How long a short member keeps access (the community's gate.grace_hours). */
  graceMs: number;
  now?: () => Date;
}

export interface AppliedGate {
  result: GateResult;
  action: GateAuditAction;
  /** Stable id: enough, short, no_wallet, rpc_error, platform_unavailable, not_in_community, or a GateAccessProblem. */
  reason: string;
  /** With action "grace": when access will be removed if the member is still short. */
  graceEndsAt?: Date;
}

export interface AppliedMember {
  memberId: string;
  gates: AppliedGate[];
  /** True when something could not be decided or done now and is worth trying again. */
  retry: boolean;
}

interface Decision {
  action: GateAuditAction;
  reason: string;
  graceEndsAt?: Date;
  /** Whether a pass audits it too: it changed access, or is the first of its kind in a row. */
  notable: boolean;
}

type Roles = readonly string[] | null | "unavailable";

const RETRYABLE = new Set(["rpc_error", "platform_unavailable"]);

/** The result that speaks for a target: the first gate that qualifies, else the first unknown, else short. */
function targetResult(results: readonly GateResult[]): GateResult {
  return (results.find((result) => result.status === "qualifies") ??
    results.find((result) => result.status === "unknown") ??
    results[0]) as GateResult;
}

export async function applyGateResults(
  deps: GateApplyDependencies,
  community: Pick<CommunityRef, "platform" | "externalId">,
  evaluations: readonly MemberEvaluation[],
  mode: GateApplyMode = "member",
): Promise<AppliedMember[]> {
  const { access } = deps;
  const now = (deps.now ?? (() => new Date()))();
  const memberIds = evaluations.map((evaluation) => evaluation.memberId);
  if (memberIds.length === 0) return [];

  const states = new Map(
    (await deps.store.memberStates(community, memberIds)).map((state) => [
      `${state.target}:${state.memberId}`,
      state,
    ]),
  );
  const groupGated = evaluations.some((e) => e.results.some((r) => targetOf(r.gate) === GROUP_TARGET));
  // A Telegram member at the door (a pending join request) is not in the group yet, but may be let in.
  const atTheDoor =
    access && groupGated ? await deps.store.pendingJoinRequests(community, memberIds) : new Set<string>();
  const bulkRoles = access ? await rolesInBulk(access, community.externalId, memberIds, mode) : undefined;

  // Asked once per target and run: the bot's permissions do not change between two members.
  const targetChecks = new Map<string, Promise<GateAccessProblem | "platform_unavailable" | null>>();
  const targetProblem = (target: string) => {
    let check = targetChecks.get(target);
    if (!check) {
      check = (access as GateAccess).checkRole(community.externalId, target).then((answer) => {
        if (answer.ok) return null;
        return answer.problem === "unavailable" ? "platform_unavailable" : answer.problem;
      });
      targetChecks.set(target, check);
    }
    return check;
  };

  const applied: AppliedMember[] = [];
  const audit: NewGateAuditEntry[] = [];
  const saved: GateMemberState[] = [];
  for (const evaluation of evaluations) {
    const { memberId } = evaluation;
    let roles: Roles | undefined = bulkRoles === undefined ? undefined : (bulkRoles.get(memberId) ?? null);
    const rolesOfMember = async (): Promise<Roles> => {
      if (roles === undefined) {
        const answer = await (access as GateAccess).memberRoles(community.externalId, memberId);
        roles = answer.ok ? answer.roles : "unavailable";
      }
      if (roles === null && atTheDoor.has(memberId)) return [];
      return roles;
    };

    const byTarget = new Map<string, GateResult[]>();
    for (const result of evaluation.results) {
      const target = targetOf(result.gate);
      byTarget.set(target, [...(byTarget.get(target) ?? []), result]);
    }
    const decisions = new Map<string, Decision>();
    for (const [target, results] of byTarget) {
      const result = targetResult(results);
      const previous = states.get(`${target}:${memberId}`);
      const state: GateMemberState = previous
        ? { ...previous, checkedAt: now }
        : {
            target,
            memberId,
            hasAccess: false,
            shortSince: null,
            failures: 0,
            removedAt: null,
            leftAt: null,
            checkedAt: now,
          };
      const decision = await decide(target, result, state, previous);
      decisions.set(target, decision);
      saved.push(state);
      if (mode === "member" || decision.notable) {
        audit.push({
          community,
          gateId: result.gate.id,
          mint: result.gate.mint,
          roleId: result.gate.roleId,
          memberId,
          action: decision.action,
          reason: decision.reason,
          holdings: result.held,
        });
      }
    }

    const gates = evaluation.results.map((result): AppliedGate => {
      const { action, reason, graceEndsAt } = decisions.get(targetOf(result.gate)) as Decision;
      return { result, action, reason, ...(graceEndsAt ? { graceEndsAt } : {}) };
    });
    applied.push({ memberId, gates, retry: gates.some((gate) => RETRYABLE.has(gate.reason)) });

    /** Decides, acts on the platform, and updates `state` in place. */
    async function decide(
      target: string,
      result: GateResult,
      state: GateMemberState,
      previous: GateMemberState | undefined,
    ): Promise<Decision> {
      const failed = (reason: string): Decision => {
        state.failures += 1;
        return { action: "check_failed", reason, notable: state.failures === 1 };
      };
      const shortReason = evaluation.wallets.length === 0 ? "no_wallet" : "short";
      if (result.status === "unknown") return failed("rpc_error");
      if (!access) {
        state.failures = 0;
        state.hasAccess = result.status === "qualifies";
        return result.status === "qualifies"
          ? { action: "kept", reason: "enough", notable: false }
          : { action: "denied", reason: shortReason, notable: false };
      }

      // A pass without bulk roles trusts the stored state while nothing is to change.
      const graceEndsAt = new Date((state.shortSince ?? now).getTime() + deps.graceMs);
      const settled =
        mode === "pass" &&
        bulkRoles === undefined &&
        previous !== undefined &&
        previous.leftAt === null &&
        (result.status === "qualifies"
          ? previous.hasAccess
          : !previous.hasAccess || graceEndsAt.getTime() > now.getTime());
      const current: Roles = settled ? (state.hasAccess ? [target] : []) : await rolesOfMember();
      if (current === "unavailable") return failed("platform_unavailable");
      state.failures = 0;
      if (current === null) {
        const newlyGone = state.leftAt === null;
        state.leftAt ??= now;
        state.hasAccess = false;
        state.shortSince = null;
        return { action: "denied", reason: "not_in_community", notable: newlyGone };
      }
      state.leftAt = null;
      const has = current.includes(target);

      if (result.status === "qualifies") {
        state.shortSince = null;
        if (has) {
          state.hasAccess = true;
          return { action: "kept", reason: "enough", notable: false };
        }
        const problem = await targetProblem(target);
        if (problem) return failed(problem);
        const change = await access.grant(
          community.externalId,
          state.memberId,
          target,
          `token gate ${result.gate.id}: enough`,
        );
        if (!change.ok) return changeFailed(change.problem);
        state.hasAccess = true;
        if (target === GROUP_TARGET && atTheDoor.has(state.memberId))
          await deps.store.closeJoinRequest(community, state.memberId, "approved");
        return { action: state.removedAt ? "restored" : "granted", reason: "enough", notable: true };
      }

      // Short.
      if (!has) {
        state.hasAccess = false;
        state.shortSince = null;
        return { action: "denied", reason: shortReason, notable: false };
      }
      state.hasAccess = true;
      if (graceEndsAt.getTime() > now.getTime()) {
        const started = state.shortSince === null;
        state.shortSince ??= now;
        return { action: "grace", reason: shortReason, graceEndsAt, notable: started };
      }
      const problem = await targetProblem(target);
      if (problem) return failed(problem);
      const change = await access.revoke(
        community.externalId,
        state.memberId,
        target,
        `token gate ${result.gate.id}: ${shortReason}`,
      );
      if (!change.ok) return changeFailed(change.problem);
      state.hasAccess = false;
      state.shortSince = null;
      state.removedAt = now;
      return { action: "removed", reason: shortReason, notable: true };

      function changeFailed(problem: GateAccessProblem | "unknown_member" | "unavailable"): Decision {
        if (problem === "unavailable") return failed("platform_unavailable");
        if (problem === "unknown_member") {
          state.hasAccess = false;
          state.leftAt ??= now;
          return { action: "denied", reason: "not_in_community", notable: true };
        }
        return failed(problem);
      }
    }
  }
  await deps.store.saveMemberStates(community, saved);
  if (audit.length > 0) await deps.store.audit(audit);
  return applied;
}

/** A pass's roles of many members in one go, where the platform lists them; undefined otherwise. */
async function rolesInBulk(
  access: GateAccess,
  communityId: string,
  memberIds: readonly string[],
  mode: GateApplyMode,
): Promise<Map<string, Roles> | undefined> {
  if (mode !== "pass" || !access.membersRoles || memberIds.length < 2) return undefined;
  const answer = await access.membersRoles(communityId, memberIds);
  if (!answer.ok) return new Map(memberIds.map((memberId) => [memberId, "unavailable" as const]));
  return answer.roles;
}
