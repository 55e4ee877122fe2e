// Telegram's gated groups. A join request is handed to the worker (`gate.join`, keyed by the request
// so a redelivered update is one job), which approves a linked holder at once and writes anyone else
// privately with a verification link: linking a wallet that holds enough re-checks the member
// (checkGatesAfterLink), which approves the waiting request; the sweep declines it when its window
// passes. A member seen leaving is dropped from re-verification passes, and one seen back is in again.
import { formatTokenAmount } from "@memebot/solana";
import type { JobPayload } from "../jobs/catalog.ts";
import { translator, type Translator } from "../messages/index.ts";
import type { CommunityRef } from "../platform.ts";
import type { JobProducer } from "../commands/types.ts";
import type { DeliverOnce } from "../usecases/deliver.ts";
import { startWalletLink, WALLET_LINK_LIFETIME_MS, type WalletLinkDependencies } from "../wallets/link.ts";
import { shortAddress } from "./gate-command.ts";
import { GATE_RECHECK_DELAY_MS, JOIN_REQUEST_WINDOW_MS } from "./jobs.ts";
import { checkMembers, type GateCheckDependencies } from "./verify.ts";
import { GROUP_TARGET, targetOf, type GateStore } from "./store.ts";

export type JoinRequest = JobPayload<"gate.join">;

/** A member asked to join a group (Telegram's chat_join_request): the worker decides. */
export async function queueJoinRequest(
  jobs: Pick<JobProducer, "enqueue">,
  request: JoinRequest,
): Promise<void> {
  await jobs.enqueue("gate.join", request, {
    jobId: `gate-join:${request.community.externalId}:${request.memberId}:${request.requestedAt}`,
  });
}

/** A member left the group or server (or was removed), or is in it again (Telegram's chat_member). */
export async function recordMembership(
  store: Pick<GateStore, "setMemberPresence">,
  community: Pick<CommunityRef, "platform" | "externalId">,
  memberId: string,
  present: boolean,
  at: Date = new Date(),
): Promise<void> {
  await store.setMemberPresence(community, memberId, present ? null : at);
}

export interface GateJoinDependencies extends GateCheckDependencies {
  deliver: DeliverOnce;
  /** Issues the member's verification link (the wallets store and PUBLIC_URL's settings). */
  walletLinks: WalletLinkDependencies;
}

export type JoinOutcome =
  | "gate.join.approved"
  | "gate.join.invited"
  | "gate.join.rechecking"
  | "gate.join.noPage"
  | "gate.join.notGated"
  | "gate.join.blocked";

/** `gate.join`: a holder is let in at once; anyone else is written to with a verification link. */
export async function answerJoinRequest(
  request: JoinRequest,
  deps: GateJoinDependencies,
): Promise<{ outcome: JoinOutcome }> {
  const { community, memberId } = request;
  const gates = (await deps.store.list(community)).filter((gate) => targetOf(gate) === GROUP_TARGET);
  // Not gated (or no longer): the request is the admins' to handle, as without the bot.
  if (gates.length === 0) return { outcome: "gate.join.notGated" };
  await deps.store.openJoinRequest({
    community,
    memberId,
    userChatId: request.userChatId,
    language: request.language,
    requestedAt: new Date(request.requestedAt),
  });
  const [applied] = await checkMembers(deps, community, [memberId]);
  const decided = applied?.gates.find((gate) => targetOf(gate.result.gate) === GROUP_TARGET);
  if (decided?.action === "granted" || decided?.action === "restored" || decided?.action === "kept")
    return { outcome: "gate.join.approved" };
  if (applied?.retry) {
    await deps.jobs.enqueue(
      "gate.recheck",
      { community, memberId },
      {
        jobId: `gate-recheck:join:${community.externalId}:${memberId}:${request.requestedAt}`,
        delayMs: GATE_RECHECK_DELAY_MS,
      },
    );
    return { outcome: "gate.join.rechecking" };
  }
  // A holder the bot could not let in (it is not an admin): /gate audit tells the admins why.
  if (decided?.action === "check_failed") return { outcome: "gate.join.blocked" };

  const t = translator(request.language);
  const started = deps.walletLinks.settings.pageBaseUrl
    ? await startWalletLink(deps.walletLinks, {
        community,
        member: { platform: community.platform, externalId: memberId },
      })
    : undefined;
  const link = started?.ok ? started.value.link : undefined;
  const params = {
    group: community.title ?? t("gate.target.group"),
    needed: gates.map((gate) => neededText(gate, t)).join(t("gate.join.or")),
    minutes: Math.round(WALLET_LINK_LIFETIME_MS / 60_000),
    windowMinutes: Math.round(JOIN_REQUEST_WINDOW_MS / 60_000),
    held:
      decided?.result.held != null
        ? formatTokenAmount(decided.result.held, decided.result.gate.decimals)
        : "0",
    link: link ?? "",
  };
  const text = !link
    ? t("gate.join.dm.noPage", params)
    : decided?.reason === "short"
      ? t("gate.join.dm.short", params)
      : t("gate.join.dm.link", params);
  await deps.deliver(
    { platform: "telegram", chatId: request.userChatId },
    { text },
    `gate-join:${community.externalId}:${memberId}:${request.requestedAt}`,
  );
  return { outcome: link ? "gate.join.invited" : "gate.join.noPage" };
}

const neededText = (gate: { minAmount: bigint; decimals: number; mint: string }, t: Translator) =>
  t("gate.join.needed", {
    amount: formatTokenAmount(gate.minAmount, gate.decimals),
    mint: shortAddress(gate.mint),
  });
