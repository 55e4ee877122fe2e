// The worker's side of /verify and of a re-check: evaluate the member's holdings against every
// gate, apply the results through the platform's access port, audit each decision, and (for /verify)
// answer once with each gate's result. A check that could not read the chain or reach the platform
// changes nothing and schedules `gate.recheck`, which is retried with backoff until it gets through.
import { formatTokenAmount } from "@memebot/solana";
import type { RunRecorder } from "../dispatch.ts";
import type { JobPayload } from "../jobs/catalog.ts";
import { throwIfTooLateToStart } from "../jobs/reply-window.ts";
import { translator, type MessageId, type Translator } from "../messages/index.ts";
import type { CommunityRef, Platform } from "../platform.ts";
import type { DeliverOnce } from "../usecases/deliver.ts";
import { runRecordOf } from "../usecases/report-failed-run.ts";
import type { JobProducer } from "../commands/types.ts";
import type { SettingsStore } from "../settings-store.ts";
import type { GateAccess } from "./access.ts";
import { applyGateResults, type AppliedGate, type AppliedMember, type GateApplyMode } from "./apply.ts";
import { evaluateMembers, SEARCH_MEMORY_MS, type GateEvaluationDependencies } from "./evaluate.ts";
import { gateTargetOf, shortAddress } from "./gate-command.ts";
import { GATE_RECHECK_DELAY_MS } from "./jobs.ts";
import type { GateStore } from "./store.ts";
import type { CompletedWalletLink } from "../wallets/link.ts";

export interface GateCheckDependencies extends Omit<GateEvaluationDependencies, "gates"> {
  store: GateStore;
  /** The platform's access port (Discord roles); undefined where nothing is granted yet. */
  accessFor(platform: Platform): GateAccess | undefined;
  /** Schedules `gate.recheck` after a check that could not get through. */
  jobs: Pick<JobProducer, "enqueue">;
  /** The community's settings: its grace period (gate.grace_hours) and pass interval. */
  settings: Pick<SettingsStore, "get">;
  now?: () => Date;
}

export interface GateVerifyDependencies extends GateCheckDependencies {
  deliver: DeliverOnce;
  runs: RunRecorder;
}

/** A check that could not read the chain or reach the platform; the job system retries it. */
export class GateCheckIncompleteError extends Error {
  override readonly name = "GateCheckIncompleteError";
  readonly retryable = true;
}

/**
 * Checks members (a page of them, for a scheduler; one for /verify) against the community's gates,
 * applies and audits the results. Members whose check did not get through are in `retry`.
 */
export async function checkMembers(
  deps: GateCheckDependencies,
  community: Pick<CommunityRef, "platform" | "externalId">,
  memberIds: readonly string[],
  mode: GateApplyMode = "member",
): Promise<AppliedMember[]> {
  const gates = await deps.store.list(community);
  if (gates.length === 0) return memberIds.map((memberId) => ({ memberId, gates: [], retry: false }));
  const { gating } = await deps.settings.get({ ...community, kind: "group" });
  const now = (deps.now ?? (() => new Date()))().getTime();
  // A member's own check searches afresh; a pass trusts searches of the last day (or grace period).
  const searchedSince =
    mode === "pass" ? now - Math.min(SEARCH_MEMORY_MS, gating.graceHours * HOUR_MS) : undefined;
  const evaluations = await evaluateMembers({ ...deps, gates: deps.store }, community, memberIds, gates, {
    ...(searchedSince !== undefined ? { searchedSince } : {}),
    now,
  });
  const access = deps.accessFor(community.platform);
  return applyGateResults(
    {
      store: deps.store,
      graceMs: gating.graceHours * HOUR_MS,
      ...(access ? { access } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    },
    community,
    evaluations,
    mode,
  );
}

const HOUR_MS = 60 * 60_000;

/**
 * A wallet was just linked: it may qualify the member for a token-gated role, so the worker checks the
 * member's gates now (a community without gates costs one query). Called by the chat's paste path
 * (/wallet verify) and by the verification page; keyed by the link, so a repeated call checks once.
 */
export async function checkGatesAfterLink(
  jobs: Pick<JobProducer, "enqueue">,
  linked: Pick<CompletedWalletLink, "community" | "memberId" | "address" | "status">,
  linkKey: string,
): Promise<void> {
  if (linked.status !== "linked") return;
  await jobs.enqueue(
    "gate.recheck",
    { community: { ...linked.community, kind: "group" }, memberId: linked.memberId },
    { jobId: `wallet-linked:${linkKey}` },
  );
}

async function scheduleRecheck(
  deps: GateCheckDependencies,
  community: JobPayload<"gate.recheck">["community"],
  memberId: string,
  key: string,
): Promise<void> {
  await deps.jobs.enqueue(
    "gate.recheck",
    { community, memberId },
    { jobId: `gate-recheck:${key}`, delayMs: GATE_RECHECK_DELAY_MS },
  );
}

function lineOf(applied: AppliedGate, t: Translator): string {
  const { result, action, reason } = applied;
  const { gate } = result;
  const params = {
    id: gate.id,
    target: gateTargetOf(gate, t),
    needed: formatTokenAmount(gate.minAmount, gate.decimals),
    held: result.held === null ? "?" : formatTokenAmount(result.held, gate.decimals),
    until: applied.graceEndsAt
      ? `${applied.graceEndsAt.toISOString().slice(0, 16).replace("T", " ")} UTC`
      : "",
  };
  const status = t(
    result.status === "qualifies" && !result.exact
      ? "verify.status.qualifiesAtLeast"
      : `verify.status.${result.status}`,
    params,
  );
  const effect: MessageId | undefined =
    action === "granted" || action === "restored"
      ? "verify.effect.granted"
      : action === "removed"
        ? "verify.effect.removed"
        : action === "grace"
          ? "verify.effect.grace"
          : action === "check_failed" && reason !== "rpc_error"
            ? reason === "platform_unavailable"
              ? "verify.effect.later"
              : "verify.effect.adminFix"
            : action === "denied" && reason === "not_in_community"
              ? "verify.effect.notInCommunity"
              : undefined;
  return effect ? `${status} ${t(effect, params)}` : status;
}

/** /verify's answer: one line per gate, with what was done about it. */
export function verifyText(
  applied: AppliedMember,
  wallets: readonly string[],
  t: Translator,
): { text: string; outcome: string } {
  if (applied.gates.length === 0) return { text: t("verify.none"), outcome: "verify.none" };
  const lines = [
    wallets.length === 0
      ? t("verify.noWallet")
      : t("verify.wallets", { count: wallets.length, wallets: wallets.map(shortAddress).join(", ") }),
    ...applied.gates.map((gate) => lineOf(gate, t)),
  ];
  if (applied.retry) lines.push(t("verify.retrying"));
  return { text: lines.join("\n"), outcome: applied.retry ? "verify.incomplete" : "verify.checked" };
}

/** `gate.verify`: /verify's check, answered once with each gate's result. */
export async function answerGateVerify(
  payload: JobPayload<"gate.verify">,
  deps: GateVerifyDependencies,
): Promise<{ outcome: string }> {
  const { run } = payload;
  throwIfTooLateToStart(run);
  const t = translator(run.language);
  const memberId = run.actor.externalId;
  const wallets = (await deps.wallets.linksOfMembers(run.community, [memberId])).get(memberId) ?? [];
  const [applied] = await checkMembers(deps, run.community, [memberId]);
  const result = applied as AppliedMember;
  if (result.retry) await scheduleRecheck(deps, run.community, memberId, run.key);
  const { text, outcome } = verifyText(result, wallets, t);
  await deps.deliver(run.target, { text, answers: run.key }, run.key);
  await deps.runs.record({ ...runRecordOf(run), status: "succeeded", outcome });
  return { outcome };
}

/** `gate.recheck`: the member's check again; throws (to be retried) while it still cannot get through. */
export async function recheckGateMember(
  payload: JobPayload<"gate.recheck">,
  deps: GateCheckDependencies,
): Promise<{ outcome: string }> {
  const [applied] = await checkMembers(deps, payload.community, [payload.memberId]);
  if (applied?.retry)
    throw new GateCheckIncompleteError("the chain or the platform could not be read; checked again later");
  return { outcome: "gate.rechecked" };
}
