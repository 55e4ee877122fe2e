// The sentiment.alerts job's use case: every alert of every community is read against the chatter of
// its window and the window before, and posted once per crossing. An alert fires only on the move from
// armed to fired; it is armed again once its condition is seen not to hold, and only then may it fire
// again. The post's delivery key carries the crossing's number, and the crossing is marked only after
// the post went out, so a retried or doubled check posts once and never loses a crossing.
import type { MessageParams } from "../messages/index.ts";
import { translator, type Translator } from "../messages/index.ts";
import { replyTargetSchema, type CommunityRef } from "../platform.ts";
import type { SettingsModel } from "../settings.ts";
import type { DeliverOnce } from "../usecases/deliver.ts";
import { ruleOf, subjectText, type SentimentAlertRecord, type SentimentAlertRule } from "./alert-rules.ts";
import {
  buildSentimentReport,
  SENTIMENT_WINDOWS,
  type ScoredMessage,
  type SentimentWindow,
} from "./report.ts";

/** How often alerts are checked: a minute late is soon enough for a mood swing. */
export const ALERT_CHECK_EVERY_MS = 60_000;
/**
 * How often an alert of each window is read: a week's window moves little in a minute, and reading
 * two weeks of scores every minute would be most of the check's work. A crossing of a long window is
 * posted at most this much later.
 */
export const ALERT_READ_EVERY_MS: Record<SentimentWindow, number> = {
  "1h": ALERT_CHECK_EVERY_MS,
  "6h": 5 * 60_000,
  "24h": 15 * 60_000,
  "7d": 60 * 60_000,
};

/** Whether the alert is read at this check: its window's interval has passed (half a tick's slack). */
export function isAlertDue(alert: { checkedAt: Date | null; window: SentimentWindow }, now: Date): boolean {
  if (alert.checkedAt === null) return true;
  return (
    now.getTime() - alert.checkedAt.getTime() >= ALERT_READ_EVERY_MS[alert.window] - ALERT_CHECK_EVERY_MS / 2
  );
}
/** A volume alert needs at least this many messages in its window: 1 → 3 messages is no burst. */
export const MIN_VOLUME_ALERT_MESSAGES = 20;
/** The window before counts as at least this many messages, so a chat waking from silence needs a real crowd. */
export const VOLUME_BASELINE_MESSAGES = 5;

/** A community as the database keys it. */
type CommunityKey = Pick<CommunityRef, "platform" | "externalId">;

export interface SentimentAlertCheckDependencies {
  alerts: {
    communitiesWithAlerts(): Promise<Array<{ community: CommunityKey; settings: unknown }>>;
    list(community: CommunityKey): Promise<SentimentAlertRecord[]>;
    /** Armed with `crossing - 1` crossings → fired with `crossing`; false when it was not so. */
    markFired(id: number, crossing: number, at: Date): Promise<boolean>;
    /** Fired → armed; false when it was not fired. */
    rearm(id: number): Promise<boolean>;
    /** Records that these alerts were read at `at`. */
    markChecked(ids: readonly number[], at: Date): Promise<void>;
  };
  chatter: {
    /** Scored messages in [from, to), oldest first; texts may be left out (sentimentAlerts.scoresIn). */
    scoredIn(
      community: CommunityKey,
      range: { symbol?: string; from: Date; to: Date },
    ): Promise<ScoredMessage[]>;
    /** Stored messages in [from, to), scored or not. */
    countMessages(community: CommunityKey, range: { symbol?: string; from: Date; to: Date }): Promise<number>;
  };
  /** Reads the community's language from its stored settings. */
  settingsModel: Pick<SettingsModel, "parse">;
  deliver: DeliverOnce;
  /** The clock; Date.now unless a test moves it. */
  now?: () => number;
  logger?: { warn(object: object, message: string): void };
}

export interface AlertCheckSummary {
  /** Alerts read (those whose window was due). */
  checked: number;
  /** Crossings posted and marked fired by this check. */
  fired: number;
  /** Alerts armed again. */
  rearmed: number;
  /** Alerts whose post failed (tried again at the next check) or whose row could not be read, and communities whose check failed. */
  failed: number;
}

/** What the chatter says about one alert now: its condition holds, or does not, with the values seen. */
export type AlertReading =
  | { kind: "sentiment"; holds: boolean; score: number; previousScore: number; change: number }
  | { kind: "volume"; holds: boolean; messages: number; previousMessages: number };

/**
 * A sentiment alert's reading from the messages of its window and the one before (the report's own
 * aggregation); undefined when either window has too little chatter to say, which changes nothing.
 */
export function sentimentReading(
  rule: Extract<SentimentAlertRule, { kind: "sentiment" }>,
  messages: readonly ScoredMessage[],
  to: Date,
): AlertReading | undefined {
  const report = buildSentimentReport(messages, rule.window, to);
  if (!report || report.change === null || report.previousScore === null) return undefined;
  const { score, previousScore, change } = report;
  const holds = rule.direction === "drop" ? change <= -rule.points : change >= rule.points;
  return { kind: "sentiment", holds, score, previousScore, change };
}

/** A volume alert's reading: enough messages, and `times` the window before's (counted at least as the baseline). */
export function volumeReading(
  rule: Extract<SentimentAlertRule, { kind: "volume" }>,
  counts: { messages: number; previousMessages: number },
): AlertReading {
  const { messages, previousMessages } = counts;
  const holds =
    messages >= MIN_VOLUME_ALERT_MESSAGES &&
    messages >= rule.times * Math.max(previousMessages, VOLUME_BASELINE_MESSAGES);
  return { kind: "volume", holds, messages, previousMessages };
}

const signed = (value: number) => (value > 0 ? `+${value}` : String(value));

/** The post: what crossed, the values on both sides, the window; and where to see more. */
export function alertPostText(
  alert: { id: number },
  rule: SentimentAlertRule,
  reading: AlertReading,
  t: Translator,
): string {
  const subject = subjectText(rule.symbol, t);
  const base: MessageParams = { id: alert.id, subject, window: rule.window };
  let text: string;
  if (rule.kind === "sentiment" && reading.kind === "sentiment") {
    text = t(`alert.post.sentiment.${rule.direction}`, {
      ...base,
      amount: Math.abs(reading.change),
      score: signed(reading.score),
      previous: signed(reading.previousScore),
      points: rule.points,
    });
  } else if (rule.kind === "volume" && reading.kind === "volume") {
    const params = {
      ...base,
      messages: reading.messages,
      previous: reading.previousMessages,
      times: rule.times,
    };
    text =
      reading.previousMessages < VOLUME_BASELINE_MESSAGES
        ? t("alert.post.volume.fromQuiet", params)
        : t("alert.post.volume", {
            ...params,
            ratio: Math.round((reading.messages / reading.previousMessages) * 10) / 10,
          });
  } else {
    throw new Error(`alert #${alert.id}: a ${reading.kind} reading for a ${rule.kind} rule`);
  }
  const command = ["/sentiment", rule.symbol ? `$${rule.symbol}` : "", rule.window].filter(Boolean).join(" ");
  return `${text}\n${t("alert.post.more", { command })}`;
}

/** True for an error no retry can help (the bot was removed, the console session ended). */
const isPermanent = (error: unknown) =>
  typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === false;

/** Readings of one community's chatter, each window read once however many alerts share it. */
function communityReader(community: CommunityKey, deps: SentimentAlertCheckDependencies, to: Date) {
  const scored = new Map<string, Promise<ScoredMessage[]>>();
  const counts = new Map<string, Promise<number>>();
  const symbolRange = (symbol: string | null) => (symbol ? { symbol } : {});
  return async (rule: SentimentAlertRule): Promise<AlertReading | undefined> => {
    const length = SENTIMENT_WINDOWS[rule.window];
    if (rule.kind === "sentiment") {
      // This window and the one before it, in one read: the change needs both.
      const key = `${rule.symbol ?? ""}|${rule.window}`;
      let messages = scored.get(key);
      if (!messages) {
        const from = new Date(to.getTime() - 2 * length);
        messages = deps.chatter.scoredIn(community, { ...symbolRange(rule.symbol), from, to });
        scored.set(key, messages);
      }
      return sentimentReading(rule, await messages, to);
    }
    const count = (from: number, until: number) => {
      const key = `${rule.symbol ?? ""}|${from}|${until}`;
      let counted = counts.get(key);
      if (!counted) {
        counted = deps.chatter.countMessages(community, {
          ...symbolRange(rule.symbol),
          from: new Date(from),
          to: new Date(until),
        });
        counts.set(key, counted);
      }
      return counted;
    };
    const end = to.getTime();
    const [messages, previousMessages] = await Promise.all([
      count(end - length, end),
      count(end - 2 * length, end - length),
    ]);
    return volumeReading(rule, { messages, previousMessages });
  };
}

/** Checks one community's alerts at `now`: posts each new crossing once, re-arms those that cleared. */
export async function checkCommunityAlerts(
  community: CommunityKey,
  settings: unknown,
  deps: SentimentAlertCheckDependencies,
  signal?: AbortSignal,
): Promise<AlertCheckSummary> {
  const summary: AlertCheckSummary = { checked: 0, fired: 0, rearmed: 0, failed: 0 };
  const now = new Date((deps.now ?? Date.now)());
  const t = translator(deps.settingsModel.parse(settings).language);
  const read = communityReader(community, deps, now);
  // Read at this check and settled (a post that failed retryably is tried again at the next one).
  const settled: number[] = [];
  for (const alert of await deps.alerts.list(community)) {
    signal?.throwIfAborted();
    const rule = ruleOf(alert);
    const target = replyTargetSchema.safeParse(alert.target);
    if (!rule || !target.success) {
      summary.failed += 1;
      deps.logger?.warn({ alert: alert.id }, "sentiment alert row cannot be read; skipped");
      continue;
    }
    if (!isAlertDue({ checkedAt: alert.checkedAt, window: rule.window }, now)) continue;
    summary.checked += 1;
    const reading = await read(rule);
    // Too little chatter to say leaves the alert as it is: silence neither fires nor clears it.
    if (!reading) {
      settled.push(alert.id);
      continue;
    }
    if (!reading.holds) {
      if (alert.state === "fired" && (await deps.alerts.rearm(alert.id))) summary.rearmed += 1;
      settled.push(alert.id);
      continue;
    }
    if (alert.state === "fired") {
      settled.push(alert.id);
      continue;
    }
    const crossing = alert.crossings + 1;
    let posted = true;
    try {
      await deps.deliver(
        target.data,
        { text: alertPostText(alert, rule, reading, t) },
        `sentiment-alert:${alert.id}:${crossing}`,
      );
    } catch (error) {
      if (!isPermanent(error)) {
        // Still armed: the next check posts it, under the same key.
        summary.failed += 1;
        deps.logger?.warn(
          { err: error, alert: alert.id },
          "sentiment alert not posted; trying at the next check",
        );
        continue;
      }
      // The bot may no longer post there: this crossing is given up, not retried every minute.
      posted = false;
      summary.failed += 1;
      deps.logger?.warn({ err: error, alert: alert.id }, "sentiment alert cannot be posted where it was set");
    }
    if ((await deps.alerts.markFired(alert.id, crossing, now)) && posted) summary.fired += 1;
    settled.push(alert.id);
  }
  await deps.alerts.markChecked(settled, now);
  return summary;
}

/**
 * sentiment.alerts: every community's alerts, one community after another. A community whose check
 * fails is left for the next tick, so one community's trouble never silences the others' alerts.
 */
export async function checkSentimentAlerts(
  deps: SentimentAlertCheckDependencies,
  signal?: AbortSignal,
): Promise<AlertCheckSummary> {
  const total: AlertCheckSummary = { checked: 0, fired: 0, rearmed: 0, failed: 0 };
  for (const { community, settings } of await deps.alerts.communitiesWithAlerts()) {
    signal?.throwIfAborted();
    let summary: AlertCheckSummary;
    try {
      summary = await checkCommunityAlerts(community, settings, deps, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      deps.logger?.warn({ err: error, community }, "sentiment alerts of a community not checked");
      total.failed += 1;
      continue;
    }
    for (const key of Object.keys(total) as Array<keyof AlertCheckSummary>) total[key] += summary[key];
  }
  return total;
}
