// Token gates' side of the worker: /verify's check (gate.verify) and the re-check after one that
// could not read the chain (gate.recheck), each a thin call of its use case over the gates and
// wallets repositories, the chain, and Discord's role access.
import {
  answerGateVerify,
  recheckGateMember,
  type DeliverOnce,
  type GateAccess,
  type GateChain,
  type GateCheckDependencies,
  type JobProducer,
  type Platform,
  type RunRecorder,
} from "@memebot/core";
import type { Repositories } from "@memebot/db";
import type { JobHandlers } from "@memebot/jobs";

export interface GatingOptions {
  repositories: Pick<Repositories, "gates" | "wallets">;
  chain: Pick<GateChain, "readHoldings">;
  /** Discord's role access (createDiscordRoleAccess); absent without a bot token. */
  discord?: GateAccess;
  jobs: Pick<JobProducer, "enqueue">;
  deliver: DeliverOnce;
  runs: RunRecorder;
}

type GatingJob = "gate.verify" | "gate.recheck";

export function createGatingHandlers(options: GatingOptions): Pick<JobHandlers, GatingJob> {
  const check: GateCheckDependencies = {
    store: options.repositories.gates,
    wallets: options.repositories.wallets,
    chain: options.chain,
    accessFor: (platform: Platform) => (platform === "discord" ? options.discord : undefined),
    jobs: options.jobs,
  };
  return {
    "gate.verify": (payload) =>
      answerGateVerify(payload, { ...check, deliver: options.deliver, runs: options.runs }),
    "gate.recheck": (payload) => recheckGateMember(payload, check),
  };
}
