// Token gates' side of the worker: /verify's check (gate.verify), the re-check after one that could
// not get through (gate.recheck), re-verification (gate.sweep starts passes, gate.pass runs a page)
// and Telegram join requests (gate.join); each a thin call of its use case over the gates and wallets
// repositories, the chain, and each platform's access (Discord roles, the Telegram group).
import {
  answerGateVerify,
  answerJoinRequest,
  recheckGateMember,
  runGatePassPage,
  sweepGates,
  type DeliverOnce,
  type GateAccess,
  type GateChain,
  type GatePassDependencies,
  type JobProducer,
  type RunRecorder,
  type SettingsStore,
  type WalletLinkSettings,
} from "@memebot/core";
import type { Repositories } from "@memebot/db";
import type { JobHandlers } from "@memebot/jobs";

export interface GatingOptions {
  repositories: Pick<Repositories, "gates" | "wallets">;
  chain: Pick<GateChain, "readHoldings">;
  /** Discord's role access (createDiscordRoleAccess); absent without a bot token. */
  discord?: GateAccess;
  /** The Telegram group's access (createTelegramGroupAccess); absent without a bot token. */
  telegram?: GateAccess;
  /** Each community's grace period and pass interval. */
  settings: Pick<SettingsStore, "get">;
  /** PUBLIC_URL's verification page, whose links join requests are answered with. */
  walletLinks: WalletLinkSettings;
  jobs: Pick<JobProducer, "enqueue">;
  deliver: DeliverOnce;
  runs: RunRecorder;
  /** False: a pass's pages follow each other at once (the benchmark); spread over the window by default. */
  spreadPasses?: boolean;
  /** Members per page of a pass (GATE_PASS_PAGE_SIZE unless a test pages through a few). */
  passPageSize?: number;
  /** The clock grace periods and pass intervals are measured by (tests move it). */
  now?: () => Date;
}

type GatingJob = "gate.verify" | "gate.recheck" | "gate.sweep" | "gate.pass" | "gate.join";

export function createGatingHandlers(options: GatingOptions): Pick<JobHandlers, GatingJob> {
  const check: GatePassDependencies = {
    store: options.repositories.gates,
    wallets: options.repositories.wallets,
    chain: options.chain,
    accessFor: (platform) =>
      platform === "discord" ? options.discord : platform === "telegram" ? options.telegram : undefined,
    jobs: options.jobs,
    settings: options.settings,
    ...(options.spreadPasses === false ? { spread: false } : {}),
    ...(options.passPageSize ? { pageSize: options.passPageSize } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  return {
    "gate.verify": (payload) =>
      answerGateVerify(payload, { ...check, deliver: options.deliver, runs: options.runs }),
    "gate.recheck": (payload) => recheckGateMember(payload, check),
    "gate.sweep": () => sweepGates(check),
    "gate.pass": (payload) => runGatePassPage(payload, check),
    "gate.join": (payload) =>
      answerJoinRequest(payload, {
        ...check,
        deliver: options.deliver,
        walletLinks: { store: options.repositories.wallets, settings: options.walletLinks },
      }),
  };
}
