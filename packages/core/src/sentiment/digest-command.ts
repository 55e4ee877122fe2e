// /digest: the community's daily sentiment digest, the last 24 hours' report and chart posted once a
// day from an hour admins choose, in their time zone. Anyone sees whether it is on and when the next
// one comes; admins (asked afresh, as /track asks) switch it on, move it and switch it off. It is
// posted where /digest on was used (channelTargetOf); the sentiment.digest job sends it (digest-job.ts).
import { adminRefusal } from "../commands/admin-refusal.ts";
import type { CommandContext, CommandOutcome } from "../commands/types.ts";
import { defineCommand } from "../commands/types.ts";
import type { Translator } from "../messages/index.ts";
import { channelTargetOf, type CommunityRef, type ReplyTarget } from "../platform.ts";
import { ok, userError, type UserError } from "../result.ts";
import { quotable } from "../safe-text.ts";
import {
  addDays,
  canonicalTimeZone,
  DEFAULT_DIGEST_TIME_ZONE,
  lastLocalDateWhenSwitchedOn,
  localTimeOf,
  nextDigestAt,
  type DigestSchedule,
  type LocalDate,
} from "./digest-schedule.ts";

/** A community's digest as /digest reads it. */
export interface StoredDigest extends DigestSchedule {
  enabled: boolean;
}

/** What /digest needs of storage (the sentiment digests repository, in the bot). */
export interface DigestService {
  find(community: CommunityRef): Promise<StoredDigest | undefined>;
  /**
   * Creates or replaces the community's digest, switched on. The stored last day done is the later of
   * the one given and the one stored (a day already sent stays sent); returns the stored one.
   */
  switchOn(input: {
    community: CommunityRef;
    hour: number;
    timeZone: string;
    target: ReplyTarget;
    lastLocalDate: LocalDate;
    updatedBy: string;
  }): Promise<{ lastLocalDate: LocalDate }>;
  /** True when a digest was on. */
  switchOff(community: CommunityRef, updatedBy: string): Promise<boolean>;
  /** The clock; Date.now unless a test moves it. */
  now?: () => number;
}

interface DigestArgs {
  action: string;
  hour?: string;
  zone?: string;
}

type Context = CommandContext<DigestArgs>;

const failure = (error: UserError): CommandOutcome => ({ kind: "error", error });
const answer = (outcome: string, text: string): CommandOutcome => ({
  kind: "reply",
  outcome,
  message: { text },
});

/** "9", "09" and "9:00" are 9; anything else (a minute, 24, words) is not an hour a digest takes. */
export function digestHourOf(text: string): number | undefined {
  const match = /^(\d{1,2})(?::00)?$/.exec(text.trim());
  const hour = match ? Number(match[1]) : NaN;
  return hour >= 0 && hour <= 23 ? hour : undefined;
}

const hourText = (hour: number) => `${String(hour).padStart(2, "0")}:00`;

/** "today at 09:00 (in 2 h 5 min)", from the schedule and the clock. */
function nextText(t: Translator, digest: DigestSchedule, now: number): string | undefined {
  const next = nextDigestAt(digest, now);
  if (!next) return undefined;
  const minutes = Math.ceil((next.getTime() - now) / 60_000);
  if (minutes <= 0) return t("digest.next.soon");
  const local = localTimeOf(next.getTime(), digest.timeZone);
  const today = localTimeOf(now, digest.timeZone).date;
  const time = `${String(local.hour).padStart(2, "0")}:${String(local.minute).padStart(2, "0")}`;
  const wait =
    minutes < 60
      ? t("digest.in.minutes", { minutes })
      : t("digest.in.hours", { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  const day =
    local.date === today
      ? t("digest.day.today")
      : addDays(today, 1) === local.date
        ? t("digest.day.tomorrow")
        : local.date;
  return t("digest.next", { day, time, wait });
}

function scheduleLines(context: Context, digest: DigestSchedule, now: number): string[] {
  const { t, settings } = context;
  const next = nextText(t, digest, now);
  return [
    ...(next ? [t("digest.nextLine", { next })] : []),
    // Nothing is read, so there would be nothing to report: say why before the first quiet digest.
    ...(settings.sentiment.tracking ? [] : [t("track.list.trackingOff")]),
  ];
}

async function status(context: Context, digests: DigestService): Promise<CommandOutcome> {
  const { invocation, t } = context;
  const digest = await digests.find(invocation.community);
  if (!digest) return answer("digest.none", t("digest.none"));
  const when = { time: hourText(digest.hour), zone: digest.timeZone };
  if (!digest.enabled) return answer("digest.off", t("digest.status.off", when));
  const now = (digests.now ?? Date.now)();
  return answer(
    "digest.on",
    [t("digest.status.on", when), ...scheduleLines(context, digest, now)].join("\n"),
  );
}

async function switchOn(context: Context, digests: DigestService): Promise<CommandOutcome> {
  const { invocation, args, t } = context;
  if (args.hour === undefined) return failure(userError("digest.help"));
  const hour = digestHourOf(args.hour);
  if (hour === undefined) return failure(userError("digest.error.badHour", { hour: quotable(args.hour) }));
  const timeZone = canonicalTimeZone(args.zone ?? DEFAULT_DIGEST_TIME_ZONE);
  if (!timeZone) return failure(userError("digest.error.badZone", { zone: quotable(args.zone ?? "") }));
  // Chatter is only read in groups: a private chat's digest would be empty forever.
  if (invocation.community.kind !== "group") return failure(userError("digest.error.private"));
  const target = channelTargetOf(invocation.target);
  if (!target) return failure(userError("digest.error.noChannel"));
  const refused = await adminRefusal(context);
  if (refused) return refused;
  const now = (digests.now ?? Date.now)();
  const stored = await digests.switchOn({
    community: invocation.community,
    hour,
    timeZone,
    target,
    lastLocalDate: lastLocalDateWhenSwitchedOn({ hour, timeZone }, now),
    updatedBy: invocation.actor.externalId,
  });
  const digest = { hour, timeZone, lastLocalDate: stored.lastLocalDate };
  return answer(
    "digest.switchedOn",
    [
      t("digest.switchedOn", { time: hourText(hour), zone: timeZone }),
      ...scheduleLines(context, digest, now),
    ].join("\n"),
  );
}

async function switchOff(context: Context, digests: DigestService): Promise<CommandOutcome> {
  const { invocation, args, t } = context;
  if (args.hour !== undefined) return failure(userError("digest.help"));
  const refused = await adminRefusal(context);
  if (refused) return refused;
  if (!(await digests.switchOff(invocation.community, invocation.actor.externalId)))
    return answer("digest.alreadyOff", t("digest.alreadyOff"));
  return answer("digest.switchedOff", t("digest.switchedOff"));
}

export const digestCommand = defineCommand<DigestArgs>({
  name: "digest",
  description: "command.digest.description",
  args: [
    { name: "action", description: "arg.digest.action", required: false, maxLength: 8 },
    { name: "hour", description: "arg.digest.hour", required: false, maxLength: 5 },
    { name: "zone", description: "arg.digest.zone", required: false, maxLength: 64 },
  ],
  parse: (raw) =>
    ok({
      action: raw.action?.toLowerCase() ?? "status",
      ...(raw.hour !== undefined ? { hour: raw.hour } : {}),
      ...(raw.zone !== undefined ? { zone: raw.zone } : {}),
    }),
  // Anyone sees the schedule; on and off are checked in `run`, against the platform's roles.
  permission: "anyone",
  // How admins stop it: it cannot be switched off itself, as /track cannot.
  toggleable: false,
  defaultCooldownSeconds: 0,
  answeredByJob: false,
  async run(context) {
    const { args, services } = context;
    const digests = services.digests;
    if (!digests) return failure(userError("digest.error.unavailable"));
    switch (args.action) {
      case "status":
        return args.hour === undefined ? status(context, digests) : failure(userError("digest.help"));
      case "on":
        return switchOn(context, digests);
      case "off":
        return switchOff(context, digests);
      default:
        return failure(
          userError("digest.error.unknownAction", {
            action: quotable(args.action),
            help: { id: "digest.help" },
          }),
        );
    }
  },
});
