// The one platform-neutral entry point: adapters hand in an invocation and
// render the result. Every check a command passes through lives here, once.
import { readArgs, usageOf } from "./commands/args.ts";
import type { CommandRegistry } from "./commands/registry.ts";
import type {
  AnyCommand,
  AttachmentFetcher,
  CommandInvocation,
  CommandServices,
  JobProducer,
} from "./commands/types.ts";
import type { AdmitRequest, Gate, LimitStatus } from "./gate.ts";
import { translator, type MessageId, type Translator } from "./messages/index.ts";
import type { Actor, CommunityRef, OutgoingMessage, Platform } from "./platform.ts";
import { userError, type UserError } from "./result.ts";
import type { SettingsModel } from "./settings.ts";
import type { SettingsStore } from "./settings-store.ts";
import type { UsageReader } from "./usage/reader.ts";
import type { PersonaStore } from "./persona/store.ts";

export type DispatchResult =
  | {
      kind: "reply";
      message: OutgoingMessage;
      outcome: string;
      private: boolean;
      /**
       * The adapter calls this once the reply is sent: until then the update is only "in progress",
       * so a redelivery after a crash is answered instead of dropped as a duplicate.
       */
      complete: () => Promise<void>;
    }
  | { kind: "queued"; jobId: string }
  | { kind: "ignored"; reason: "duplicate" | "not_addressed" }
  /** Told once already; chat platforms stay quiet, Discord (whose interactions need an answer) may show it privately. */
  | { kind: "ignored"; reason: "limited"; message: OutgoingMessage };

export interface RunRecord {
  key: string;
  command: string;
  args: string;
  status: "queued" | "succeeded" | "failed" | "rejected";
  outcome?: string;
  detail?: string;
  /** What the run made, as JSON data (a meme's template and texts). */
  result?: Readonly<Record<string, unknown>>;
  community: CommunityRef;
  actor: Actor;
}

export interface RunRecorder {
  record(run: RunRecord): Promise<void>;
}

/** A run as recorded, read back (e.g. the meme a re-roll button points at). */
export interface PastRun {
  key: string;
  command: string;
  status: RunRecord["status"];
  result: unknown;
  community: { platform: Platform; externalId: string };
  /** The platform id of who ran it. */
  actorId: string;
}

export interface RunLookup {
  findByKey(key: string): Promise<PastRun | null>;
  /** The newest run of `command` in the community (by `actorId` when given) that recorded a result. */
  latestWithResult(query: {
    community: { platform: Platform; externalId: string };
    command: string;
    actorId?: string;
  }): Promise<PastRun | null>;
}

export interface DispatcherDependencies {
  registry: CommandRegistry;
  settings: SettingsStore;
  settingsModel: SettingsModel;
  personas: PersonaStore;
  /** Downloads files sent with commands; without it, commands that take files say they cannot here. */
  attachments?: AttachmentFetcher;
  /** The community's own meme templates, for /template remove. */
  templates?: CommandServices["templates"];
  /** Tracked tokens and stored chatter, for /track. */
  tracking?: CommandServices["tracking"];
  /** Wallet links by signed message, for /wallet. */
  wallets?: CommandServices["wallets"];
  /** Alerts on chatter, for /alert. */
  alerts?: CommandServices["alerts"];
  /** The daily sentiment digest, for /digest. */
  digests?: CommandServices["digests"];
  /** Token gates, for /gate and /verify. */
  gates?: CommandServices["gates"];
  gate: Gate;
  jobs: JobProducer;
  runs: RunRecorder & RunLookup;
  usage: UsageReader;
  logger: { error(object: object, message: string): void; warn(object: object, message: string): void };
  onOutcome?: (sample: OutcomeSample) => void;
}

/** One handled update, for metrics. Every field comes from a bounded set, never from what users typed. */
export interface OutcomeSample {
  platform: Platform;
  /** A registered command's name, or "unknown" for anything else (unknown commands, plain text). */
  command: string;
  /** A stable outcome or error id. */
  outcome: string;
}

export type Dispatch = (invocation: CommandInvocation) => Promise<DispatchResult>;

const rawArgsText = (invocation: CommandInvocation) =>
  invocation.args.kind === "text"
    ? invocation.args.text.trim()
    : Object.values(invocation.args.values).join(" ");

export function createDispatcher(deps: DispatcherDependencies): Dispatch {
  const { registry, settings: settingsStore, settingsModel, gate } = deps;
  const services: CommandServices = {
    settings: settingsStore,
    settingsModel,
    personas: deps.personas,
    ...(deps.attachments ? { attachments: deps.attachments } : {}),
    ...(deps.templates ? { templates: deps.templates } : {}),
    ...(deps.tracking ? { tracking: deps.tracking } : {}),
    ...(deps.digests ? { digests: deps.digests } : {}),
    ...(deps.wallets ? { wallets: deps.wallets } : {}),
    ...(deps.alerts ? { alerts: deps.alerts } : {}),
    ...(deps.gates ? { gates: deps.gates } : {}),
    jobs: deps.jobs,
    commands: () => registry.all,
    usage: deps.usage,
    runs: deps.runs,
  };

  const outcomeOf = (invocation: CommandInvocation, command: AnyCommand | undefined, outcome: string) =>
    deps.onOutcome?.({ platform: invocation.platform, command: command?.name ?? "unknown", outcome });

  const record = (
    invocation: CommandInvocation,
    command: AnyCommand | undefined,
    status: RunRecord["status"],
    outcome: string,
  ) => {
    outcomeOf(invocation, command, outcome);
    const run: RunRecord = {
      key: invocation.key,
      command: command?.name ?? invocation.name ?? "",
      args: command?.recordedArgs ? command.recordedArgs(rawArgsText(invocation)) : rawArgsText(invocation),
      status,
      outcome,
      community: invocation.community,
      actor: invocation.actor,
    };
    // The reply must not wait on (or fail with) bookkeeping.
    deps.runs
      .record(run)
      .catch((error: unknown) => deps.logger.warn({ err: error, key: run.key }, "run not recorded"));
  };

  const reply = (
    admission: AdmitRequest,
    fields: { message: OutgoingMessage; outcome: string; private: boolean },
  ): DispatchResult => ({ kind: "reply", ...fields, complete: () => gate.complete(admission) });

  const rejection = (
    invocation: CommandInvocation,
    admission: AdmitRequest,
    command: AnyCommand | undefined,
    error: UserError,
    t: Translator,
  ): DispatchResult => {
    record(invocation, command, "rejected", error.id);
    return reply(admission, {
      private: true,
      outcome: error.id,
      message: { text: t(error.id, error.params) },
    });
  };

  /** Reads and checks arguments; a problem becomes the usage message. */
  function parseArguments(command: AnyCommand, invocation: CommandInvocation, t: Translator) {
    const raw = readArgs(invocation, command.args);
    const parsed = raw.ok ? command.parse(raw.value) : raw;
    if (parsed.ok) return parsed;
    const problem = t(parsed.error.id, parsed.error.params);
    return {
      ok: false as const,
      error: userError("error.usage", { problem, usage: usageOf(command.name, command.args) }),
    };
  }

  return async function dispatch(invocation) {
    const command = invocation.name === null ? undefined : registry.get(invocation.name);
    if (!command && !invocation.addressed) return { kind: "ignored", reason: "not_addressed" };

    const settings = await settingsStore.get(invocation.community);
    const t = translator(settings.language);
    const name = command?.name ?? invocation.name ?? "";

    let problem: UserError | undefined;
    let args: unknown;
    if (invocation.name === null) {
      problem = userError(
        invocation.nonCommand === "unsupported" ? "error.unsupportedMessage" : "error.notACommand",
      );
    } else if (!command) problem = userError("error.unknownCommand", { command: invocation.name });
    else if (!settingsModel.commandOf(settings, command.name).enabled) {
      problem = userError("error.commandDisabled", { command: command.name });
    } else {
      const parsed = parseArguments(command, invocation, t);
      if (parsed.ok) args = parsed.value;
      else problem = parsed.error;
    }

    const cooldownSeconds = command ? settingsModel.commandOf(settings, command.name).cooldownSeconds : 0;
    const { community, actor } = invocation;
    const admission: AdmitRequest = {
      updateKey: invocation.key,
      communityKey: `${community.platform}:${community.externalId}`,
      rateLimitPerMinute: settings.rateLimitPerMinute,
      // Keyed by community and member: one community's settings never limit a member elsewhere.
      memberKey: `${community.platform}:${community.externalId}:${actor.externalId}`,
      memberRateLimitPerMinute: settings.userRateLimitPerMinute,
      ...(command && !problem && cooldownSeconds > 0
        ? { cooldown: { command: command.name, seconds: cooldownSeconds } }
        : {}),
    };
    const decision = await gate.admit(admission);
    if (decision.status === "duplicate") return { kind: "ignored", reason: "duplicate" };
    if (decision.status !== "admitted") {
      const id = LIMIT_MESSAGES[decision.status];
      outcomeOf(invocation, command, id);
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      const message = { text: t(id, { seconds, command: name }) };
      if (!decision.notify) return { kind: "ignored", reason: "limited", message };
      // A limit's decision is final at once: there is nothing to complete.
      return { kind: "reply", private: true, outcome: id, message, complete: async () => undefined };
    }

    if (problem || !command) {
      return rejection(invocation, admission, command, problem ?? userError("error.internal"), t);
    }
    // Asked afresh: an admin demoted a moment ago must not run admin commands on a cached answer.
    if (command.permission === "admin" && !(await invocation.isAdmin({ fresh: true }))) {
      const permission = t(`permission.${invocation.platform}`);
      return rejection(invocation, admission, command, userError("error.adminOnly", { permission }), t);
    }

    try {
      const outcome = await command.run({
        invocation,
        args,
        settings,
        language: settings.language,
        t,
        services,
      });
      if (outcome.kind === "error") return rejection(invocation, admission, command, outcome.error, t);
      if (outcome.kind === "queued") {
        // The job is in Redis: from now on a redelivery is a duplicate. Not awaited: the answer does
        // not depend on it, and a batch of updates should not wait a round trip more for it.
        void gate
          .complete(admission)
          .catch((error: unknown) =>
            deps.logger.warn({ err: error, key: invocation.key }, "update not marked done"),
          );
        outcomeOf(invocation, command, "queued");
        return { kind: "queued", jobId: outcome.jobId };
      }
      record(invocation, command, "succeeded", outcome.outcome);
      return reply(admission, {
        private: outcome.private ?? false,
        outcome: outcome.outcome,
        message: outcome.message,
      });
    } catch (error) {
      // Let a redelivery of this update try again instead of being dropped as a duplicate.
      await gate.release(admission).catch(() => undefined);
      deps.logger.error({ err: error, key: invocation.key, command: name }, "command failed");
      outcomeOf(invocation, command, "error.internal");
      const message = { text: t("error.internal") };
      // Released above: completing would mark the update done after all.
      return {
        kind: "reply",
        private: true,
        outcome: "error.internal",
        message,
        complete: async () => undefined,
      };
    }
  };
}

const LIMIT_MESSAGES = {
  cooldown: "error.cooldown",
  rate_limited: "error.rateLimited",
  user_rate_limited: "error.userRateLimited",
} as const satisfies Record<LimitStatus, MessageId>;
