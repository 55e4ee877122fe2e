// Re-verification: every member of a gated community is checked again every `gate.recheck_hours`,
// so access follows the chain (sold below the minimum: removed after the grace period; holding again:
// restored). The sweep (a BullMQ job scheduler, so one run per tick however many workers) starts each
// due pass; a pass goes in pages of members, each page one `gate.pass` job that saves the cursor and
// queues the next page, delayed so the pass spreads over half its interval instead of hitting the RPC
// endpoints all at once. A page whose job was lost (a worker killed between pages) is re-queued by
// the sweep from the saved cursor. The sweep also declines Telegram join requests whose window passed.
import type { JobPayload } from "../jobs/catalog.ts";
import type { CommunityRef } from "../platform.ts";
import { GateCheckIncompleteError, checkMembers, type GateCheckDependencies } from "./verify.ts";
import { GATE_RECHECK_DELAY_MS, JOIN_REQUEST_WINDOW_MS } from "./jobs.ts";
import type { GatePassState } from "./store.ts";

/** Members per page: 5 getMultipleAccounts requests per mint, one save of their states. */
export const GATE_PASS_PAGE_SIZE = 500;
/** The share of the interval a pass spreads its pages over; the rest is slack for retries and restarts. */
const SPREAD_SHARE = 0.5;
/** However few members, pages of one pass are never further apart than this. */
const MAX_PAGE_DELAY_MS = 10 * 60_000;
/** A page this overdue was lost (its job gone with a killed worker or a flushed queue): queued again. */
export const GATE_PASS_STALL_MS = 15 * 60_000;
/** Join requests declined per sweep; the next sweep takes the rest. */
const DECLINES_PER_SWEEP = 200;
const HOUR_MS = 60 * 60_000;

type CommunityKey = Pick<CommunityRef, "platform" | "externalId">;

export interface GatePassDependencies extends GateCheckDependencies {
  /** False: pages follow each other at once (a benchmark's full pass); true by default. */
  spread?: boolean;
  pageSize?: number;
}

const clockOf = (deps: Pick<GateCheckDependencies, "now">) => (deps.now ?? (() => new Date()))();

const pageJobId = (community: CommunityKey, startedAt: number, cursor: string | null, suffix = "") =>
  `gate-pass:${community.platform}:${community.externalId}:${startedAt}:${cursor ?? "-"}${suffix}`;

async function intervalMsOf(deps: GateCheckDependencies, community: CommunityKey): Promise<number> {
  const { gating } = await deps.settings.get({ ...community, kind: "group" });
  return gating.recheckHours * HOUR_MS;
}

/** How long after one page the next starts: the pass's pages spread over half the interval. */
export function pageDelayMs(total: number, pageSize: number, intervalMs: number): number {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return Math.min(MAX_PAGE_DELAY_MS, Math.floor((intervalMs * SPREAD_SHARE) / pages));
}

/** Starts a community's pass now: its state from the start, and its first page queued. */
export async function startGatePass(
  deps: GatePassDependencies,
  community: CommunityRef,
): Promise<GatePassState> {
  const now = clockOf(deps);
  const pass: GatePassState = {
    startedAt: now,
    cursor: null,
    total: await deps.store.countPassMembers(community),
    checked: 0,
    failed: 0,
    nextPageAt: now,
    finishedAt: null,
  };
  await deps.store.savePass(community, pass);
  await deps.jobs.enqueue(
    "gate.pass",
    { community, startedAt: now.getTime(), cursor: null },
    { jobId: pageJobId(community, now.getTime(), null) },
  );
  return pass;
}

/** `gate.pass`: one page of members after the cursor, then the next page queued (or the pass done). */
export async function runGatePassPage(
  payload: JobPayload<"gate.pass">,
  deps: GatePassDependencies,
): Promise<{ outcome: string; checked: number }> {
  const { community, startedAt, cursor } = payload;
  const pass = await deps.store.passOf(community);
  // A page of an older pass, or one already done (a duplicate job): the current pass goes its own way.
  if (!pass || pass.startedAt.getTime() !== startedAt || pass.finishedAt !== null || pass.cursor !== cursor)
    return { outcome: "gate.pass.stale", checked: 0 };

  const pageSize = deps.pageSize ?? GATE_PASS_PAGE_SIZE;
  const members = await deps.store.passMembers(community, cursor, pageSize);
  const applied = members.length > 0 ? await checkMembers(deps, community, members, "pass") : [];
  const incomplete = applied.filter((member) => member.retry).map((member) => member.memberId);
  // Nobody's check got through (the chain or the platform is down): the whole page is tried again.
  if (members.length > 0 && incomplete.length === members.length)
    throw new GateCheckIncompleteError("no check of the page got through; the page is tried again");
  await Promise.all(
    incomplete.map((memberId) =>
      deps.jobs.enqueue(
        "gate.recheck",
        { community, memberId },
        { jobId: `gate-recheck:pass:${startedAt}:${memberId}`, delayMs: GATE_RECHECK_DELAY_MS },
      ),
    ),
  );

  const now = clockOf(deps);
  const done = members.length < pageSize;
  const next = members.at(-1) ?? cursor;
  const delayMs =
    done || deps.spread === false
      ? 0
      : pageDelayMs(pass.total, pageSize, await intervalMsOf(deps, community));
  await deps.store.savePass(community, {
    ...pass,
    cursor: next,
    checked: pass.checked + members.length,
    failed: pass.failed + incomplete.length,
    nextPageAt: done ? null : new Date(now.getTime() + delayMs),
    finishedAt: done ? now : null,
  });
  if (!done)
    await deps.jobs.enqueue(
      "gate.pass",
      { community, startedAt, cursor: next },
      { jobId: pageJobId(community, startedAt, next), ...(delayMs > 0 ? { delayMs } : {}) },
    );
  return { outcome: done ? "gate.pass.finished" : "gate.pass.page", checked: members.length };
}

export interface GateSweepResult {
  outcome: "gate.swept";
  started: number;
  resumed: number;
  declined: number;
}

/** `gate.sweep`: due passes started, lost pages re-queued, expired join requests declined. */
export async function sweepGates(deps: GatePassDependencies): Promise<GateSweepResult> {
  const now = clockOf(deps);
  let started = 0;
  let resumed = 0;
  for (const key of await deps.store.communitiesWithGates()) {
    const community: CommunityRef = { ...key, kind: "group" };
    const pass = await deps.store.passOf(community);
    if (pass === null || pass.finishedAt !== null) {
      const due =
        pass === null || pass.startedAt.getTime() + (await intervalMsOf(deps, community)) <= now.getTime();
      if (due) {
        await startGatePass(deps, community);
        started += 1;
      }
      continue;
    }
    if (pass.nextPageAt !== null && pass.nextPageAt.getTime() + GATE_PASS_STALL_MS <= now.getTime()) {
      await deps.store.savePass(community, { ...pass, nextPageAt: now });
      // A suffix of its own: the lost page's job id may still be held by a failed job in the queue.
      await deps.jobs.enqueue(
        "gate.pass",
        { community, startedAt: pass.startedAt.getTime(), cursor: pass.cursor },
        { jobId: pageJobId(community, pass.startedAt.getTime(), pass.cursor, `:resumed:${now.getTime()}`) },
      );
      resumed += 1;
    }
  }
  return { outcome: "gate.swept", started, resumed, declined: await declineExpiredJoinRequests(deps, now) };
}

async function declineExpiredJoinRequests(deps: GatePassDependencies, now: Date): Promise<number> {
  const expired = await deps.store.expiredJoinRequests(
    new Date(now.getTime() - JOIN_REQUEST_WINDOW_MS),
    DECLINES_PER_SWEEP,
  );
  let declined = 0;
  for (const request of expired) {
    const access = deps.accessFor(request.community.platform);
    if (!access?.decline) continue;
    const answer = await access.decline(request.community.externalId, request.memberId);
    // Telegram forgets a request it no longer holds (the member gave up, or an admin decided): closed too.
    if (!answer.ok && answer.problem !== "unknown_member") continue;
    if (!(await deps.store.closeJoinRequest(request.community, request.memberId, "declined"))) continue;
    declined += 1;
    const gates = await deps.store.list(request.community);
    const gate = gates.find((candidate) => candidate.roleId === null) ?? gates[0];
    await deps.store.audit([
      {
        community: request.community,
        gateId: gate?.id ?? null,
        mint: gate?.mint ?? "",
        roleId: null,
        memberId: request.memberId,
        action: "denied",
        reason: "join_window_passed",
        holdings: null,
      },
    ]);
  }
  return declined;
}
