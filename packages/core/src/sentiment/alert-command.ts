// /alert: admins ask to hear when a token's chatter swings (a mood drop or rise of some points, or a
// burst of messages, against the window before). Anyone lists the alerts; setting and removing one is
// checked against the platform's own admin rights, asked afresh, as /track does. Crossings are found
// and posted by the worker's sentiment.alerts job (alert-check.ts), in the chat the alert was set in.
import { adminRefusal } from "../commands/admin-refusal.ts";
import type { CommandContext, CommandOutcome } from "../commands/types.ts";
import { defineCommand } from "../commands/types.ts";
import { channelTargetOf, type CommunityRef, type ReplyTarget } from "../platform.ts";
import { userError, type UserError } from "../result.ts";
import {
  describeRule,
  parseAlertWords,
  ruleOf,
  sameRule,
  storedRuleOf,
  type AlertArgs,
  type SentimentAlertRecord,
  type SentimentAlertRule,
} from "./alert-rules.ts";

/** What /alert needs of storage (the sentimentAlerts repository, in the bot). */
export interface SentimentAlertService {
  list(community: CommunityRef): Promise<SentimentAlertRecord[]>;
  add(
    input: ReturnType<typeof storedRuleOf> & {
      community: CommunityRef;
      /** Where crossings are posted: the chat (and topic, or channel) the alert was set in. */
      target: ReplyTarget;
      createdBy: string;
    },
  ): Promise<{ ok: true; id: number } | { ok: false; reason: "too_many"; limit: number }>;
  /** True when the community had that alert. */
  remove(community: CommunityRef, id: number): Promise<boolean>;
  /** Most alerts a community may have (shown in the list). */
  readonly limit: number;
}

type Context = CommandContext<AlertArgs>;

const failure = (error: UserError): CommandOutcome => ({ kind: "error", error });
const answer = (outcome: string, text: string): CommandOutcome => ({
  kind: "reply",
  outcome,
  message: { text },
});

async function list(context: Context, alerts: SentimentAlertService): Promise<CommandOutcome> {
  const { invocation, services, settings, t } = context;
  const stored = await alerts.list(invocation.community);
  // /track remove leaves its alerts: say so, since their chatter now comes only from cashtags.
  const tracked =
    services.tracking && stored.some((record) => record.symbol !== null)
      ? new Set((await services.tracking.list(invocation.community)).map((token) => token.symbol))
      : undefined;
  const lines = [];
  for (const record of stored) {
    const rule = ruleOf(record);
    if (!rule) continue;
    const parts = [t("alert.list.item", { id: record.id, alert: describeRule(rule, t) })];
    if (record.crossings > 0) parts.push(t("alert.list.fired", { count: record.crossings }));
    if (record.state === "fired") parts.push(t("alert.list.crossed"));
    if (rule.symbol && tracked && !tracked.has(rule.symbol))
      parts.push(t("alert.list.untracked", { symbol: rule.symbol }));
    lines.push(parts.join(" — "));
  }
  const text =
    lines.length === 0
      ? [t("alert.list.empty")]
      : [t("alert.list.header", { count: lines.length, max: alerts.limit }), ...lines];
  // Alerts read stored chatter: with tracking off nothing new arrives, so nothing crosses.
  if (!settings.sentiment.tracking) text.push(t("track.list.trackingOff"));
  return answer("alert.listed", text.join("\n"));
}

async function remove(context: Context, alerts: SentimentAlertService, id: number): Promise<CommandOutcome> {
  const refused = await adminRefusal(context);
  if (refused) return refused;
  if (!(await alerts.remove(context.invocation.community, id)))
    return failure(userError("alert.error.notFound", { id }));
  return answer("alert.removed", context.t("alert.removed", { id }));
}

/** A token must be one the community tracks: chatter is only tagged with tracked tokens' symbols. */
async function untracked(context: Context, symbol: string): Promise<CommandOutcome | undefined> {
  const tracking = context.services.tracking;
  if (!tracking) return failure(userError("alert.error.unavailable"));
  const tracked = await tracking.list(context.invocation.community);
  if (tracked.some((token) => token.symbol === symbol)) return undefined;
  return failure(
    tracked.length === 0
      ? userError("alert.error.noTokens", { symbol })
      : userError("alert.error.unknownToken", {
          symbol,
          tracked: tracked.map((token) => `$${token.symbol}`).join(", "),
        }),
  );
}

async function add(
  context: Context,
  alerts: SentimentAlertService,
  rule: SentimentAlertRule,
): Promise<CommandOutcome> {
  const { invocation, t } = context;
  // Chatter is only kept for groups: in a private chat there is nothing to watch.
  if (invocation.community.kind !== "group") return failure(userError("alert.error.groupsOnly"));
  // Before anything is read or stored: a member learns nothing but that this is for admins.
  const refused = await adminRefusal(context);
  if (refused) return refused;
  if (rule.symbol) {
    const refusal = await untracked(context, rule.symbol);
    if (refusal) return refusal;
  }
  const target = channelTargetOf(invocation.target);
  if (!target) return failure(userError("alert.error.noChannel"));
  const known = (await alerts.list(invocation.community)).find((record) => {
    const stored = ruleOf(record);
    return stored !== undefined && sameRule(stored, rule);
  });
  if (known) return answer("alert.exists", t("alert.exists", { id: known.id }));
  const result = await alerts.add({
    community: invocation.community,
    ...storedRuleOf(rule),
    target,
    createdBy: invocation.actor.externalId,
  });
  if (!result.ok) return failure(userError("alert.error.tooMany", { limit: result.limit }));
  return answer("alert.added", t("alert.added", { id: result.id, alert: describeRule(rule, t) }));
}

export const alertCommand = defineCommand<AlertArgs>({
  name: "alert",
  description: "command.alert.description",
  // Four options so Discord shows what each part is; typed text fills them in order and the last
  // takes the rest, and the words are read as one line whichever option they arrived in.
  args: [
    { name: "action", description: "arg.alert.action", required: false, maxLength: 16 },
    { name: "token", description: "arg.alert.token", required: false, maxLength: 16 },
    { name: "change", description: "arg.alert.change", required: false, maxLength: 24 },
    { name: "window", description: "arg.alert.window", required: false, rest: true, maxLength: 40 },
  ],
  parse: (raw) =>
    parseAlertWords(
      [raw.action, raw.token, raw.change, raw.window]
        .flatMap((value) => (value ?? "").split(/\s+/))
        .filter((word) => word !== ""),
    ),
  // Anyone may list; setting and removing are checked in `run`, against the platform's roles.
  permission: "anyone",
  toggleable: true,
  defaultCooldownSeconds: 0,
  answeredByJob: false,
  async run(context) {
    const alerts = context.services.alerts;
    if (!alerts) return failure(userError("alert.error.unavailable"));
    const { args } = context;
    switch (args.action) {
      case "list":
        return list(context, alerts);
      case "remove":
        return remove(context, alerts, args.id);
      case "add":
        return add(context, alerts, args.rule);
    }
  },
});
