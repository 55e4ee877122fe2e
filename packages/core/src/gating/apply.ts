// Applies a member's gate results on the platform and audits every decision. Grants only on
// "qualifies", removals only on "short": an unknown result (the chain could not be read) changes
// nothing and is audited as check_failed, so the failure is counted and the check retried later.
// A role the bot cannot manage (no Manage Roles, the role above the bot's) changes nothing either;
// the audit names the problem so admins see it in /gate audit.
import type { CommunityRef } from "../platform.ts";
import type { GateAccess, GateAccessProblem } from "./access.ts";
import type { GateResult, MemberEvaluation } from "./evaluate.ts";
import type { GateAuditAction, GateStore, NewGateAuditEntry } from "./store.ts";

export interface GateApplyDependencies {
  store: Pick<GateStore, "audit" | "lastActions">;
  /** The platform's access port; without it (Telegram, the console, for now) results are only audited. */
  access?: GateAccess;
}

export interface AppliedGate {
  result: GateResult;
  action: GateAuditAction;
  /** Stable id: enough, short, no_wallet, rpc_error, platform_unavailable, not_in_community, or a GateAccessProblem. */
  reason: string;
}

export interface AppliedMember {
  memberId: string;
  gates: AppliedGate[];
  /** True when something could not be decided or done now and is worth trying again. */
  retry: boolean;
}

const RETRYABLE = new Set(["rpc_error", "platform_unavailable"]);

export async function applyGateResults(
  deps: GateApplyDependencies,
  community: Pick<CommunityRef, "platform" | "externalId">,
  evaluations: readonly MemberEvaluation[],
): Promise<AppliedMember[]> {
  const { access } = deps;
  // Asked once per role and run: the bot's permissions do not change between two members.
  const roleChecks = new Map<string, Promise<GateAccessProblem | "platform_unavailable" | null>>();
  const roleProblem = (roleId: string) => {
    let check = roleChecks.get(roleId);
    if (!check) {
      check = (access as GateAccess).checkRole(community.externalId, roleId).then((answer) => {
        if (answer.ok) return null;
        return answer.problem === "unavailable" ? "platform_unavailable" : answer.problem;
      });
      roleChecks.set(roleId, check);
    }
    return check;
  };

  const roleGates = evaluations.flatMap((evaluation) =>
    evaluation.results.filter((result) => result.gate.roleId !== null).map(() => evaluation.memberId),
  );
  const previous =
    access && roleGates.length > 0
      ? await deps.store.lastActions(
          [...new Set(evaluations.flatMap((e) => e.results.map((r) => r.gate.id)))],
          [...new Set(roleGates)],
        )
      : [];
  const lastAction = (gateId: number, memberId: string) =>
    previous.find((entry) => entry.gateId === gateId && entry.memberId === memberId)?.action;

  const applied: AppliedMember[] = [];
  const audit: NewGateAuditEntry[] = [];
  for (const evaluation of evaluations) {
    const { memberId } = evaluation;
    let roles: readonly string[] | null | "unavailable" | undefined;
    const rolesOfMember = async () => {
      if (roles === undefined) {
        const answer = await (access as GateAccess).memberRoles(community.externalId, memberId);
        roles = answer.ok ? answer.roles : "unavailable";
      }
      return roles;
    };
    const gates: AppliedGate[] = [];
    for (const result of evaluation.results) {
      const decided = await decide(result);
      gates.push({ result, ...decided });
      audit.push({
        community,
        gateId: result.gate.id,
        mint: result.gate.mint,
        roleId: result.gate.roleId,
        memberId,
        action: decided.action,
        reason: decided.reason,
        holdings: result.held,
      });
    }
    applied.push({
      memberId,
      gates,
      retry: gates.some((gate) => RETRYABLE.has(gate.reason)),
    });

    async function decide(result: GateResult): Promise<{ action: GateAuditAction; reason: string }> {
      const shortReason = evaluation.wallets.length === 0 ? "no_wallet" : "short";
      if (result.status === "unknown") return { action: "check_failed", reason: "rpc_error" };
      const roleId = result.gate.roleId;
      if (roleId === null || !access) {
        // The group itself (Telegram): who may stay is the join-request and re-verification work's.
        return result.status === "qualifies"
          ? { action: "kept", reason: "enough" }
          : { action: "denied", reason: shortReason };
      }
      const current = await rolesOfMember();
      if (current === "unavailable") return { action: "check_failed", reason: "platform_unavailable" };
      if (current === null) return { action: "denied", reason: "not_in_community" };
      const has = current.includes(roleId);
      if (result.status === "qualifies" && has) return { action: "kept", reason: "enough" };
      if (result.status === "short" && !has) return { action: "denied", reason: shortReason };
      const problem = await roleProblem(roleId);
      if (problem) return { action: "check_failed", reason: problem };
      const auditReason = result.status === "qualifies" ? "enough" : shortReason;
      const change =
        result.status === "qualifies"
          ? await access.grant(
              community.externalId,
              memberId,
              roleId,
              `token gate ${result.gate.id}: ${auditReason}`,
            )
          : await access.revoke(
              community.externalId,
              memberId,
              roleId,
              `token gate ${result.gate.id}: ${auditReason}`,
            );
      if (!change.ok) {
        if (change.problem === "unavailable")
          return { action: "check_failed", reason: "platform_unavailable" };
        if (change.problem === "unknown_member") return { action: "denied", reason: "not_in_community" };
        return { action: "check_failed", reason: change.problem };
      }
      if (result.status === "short") return { action: "removed", reason: shortReason };
      return {
        action: lastAction(result.gate.id, memberId) === "removed" ? "restored" : "granted",
        reason: "enough",
      };
    }
  }
  if (audit.length > 0) await deps.store.audit(audit);
  return applied;
}
