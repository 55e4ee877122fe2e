// What an alert watches (/alert): a mood swing of a window against the window before it, or a burst
// of messages. Parsed from the words admins type, stored as flat rows, described in their language.
import type { Translator } from "../messages/index.ts";
import { err, ok, userError, type Result, type UserError } from "../result.ts";
import { quotable } from "../safe-text.ts";
import { isSentimentWindow, type SentimentWindow } from "./report.ts";
import { symbolOf } from "./track-command.ts";

export const MIN_ALERT_POINTS = 1;
/** The score runs -100..100, so no change is larger than 200. */
export const MAX_ALERT_POINTS = 200;
/** Below 1.5× ordinary ups and downs of a chat would alert all day. */
export const MIN_ALERT_TIMES = 1.5;
export const MAX_ALERT_TIMES = 100;

export type AlertDirection = "drop" | "rise";

/** What an alert watches. `symbol` null: all of the community's chatter ("all"). */
export type SentimentAlertRule =
  | {
      kind: "sentiment";
      symbol: string | null;
      direction: AlertDirection;
      points: number;
      window: SentimentWindow;
    }
  | { kind: "volume"; symbol: string | null; times: number; window: SentimentWindow };

/** An alert as storage keeps it (the sentimentAlerts repository's rows). */
export interface SentimentAlertRecord {
  id: number;
  kind: "sentiment" | "volume";
  symbol: string | null;
  direction: string | null;
  /** Points (sentiment) or times (volume). */
  threshold: number;
  window: string;
  /** The channel target it posts to, checked when read (a ReplyTarget). */
  target: unknown;
  createdBy: string;
  state: "armed" | "fired";
  crossings: number;
  lastFiredAt: Date | null;
  /** When the check last read it; null before its first check. */
  checkedAt: Date | null;
}

/** The row's columns for a rule. */
export function storedRuleOf(rule: SentimentAlertRule): {
  kind: "sentiment" | "volume";
  symbol: string | null;
  direction: AlertDirection | null;
  threshold: number;
  window: SentimentWindow;
} {
  return rule.kind === "sentiment"
    ? {
        kind: "sentiment",
        symbol: rule.symbol,
        direction: rule.direction,
        threshold: rule.points,
        window: rule.window,
      }
    : { kind: "volume", symbol: rule.symbol, direction: null, threshold: rule.times, window: rule.window };
}

/** The rule of a stored row; undefined when the row does not make one (it is skipped, never guessed). */
export function ruleOf(
  record: Pick<SentimentAlertRecord, "kind" | "symbol" | "direction" | "threshold" | "window">,
): SentimentAlertRule | undefined {
  const { symbol, threshold, window } = record;
  if (!isSentimentWindow(window) || !Number.isFinite(threshold)) return undefined;
  if (record.kind === "volume") return { kind: "volume", symbol, times: threshold, window };
  if (record.direction !== "drop" && record.direction !== "rise") return undefined;
  return { kind: "sentiment", symbol, direction: record.direction, points: threshold, window };
}

export const sameRule = (a: SentimentAlertRule, b: SentimentAlertRule): boolean =>
  JSON.stringify(storedRuleOf(a)) === JSON.stringify(storedRuleOf(b));

export type AlertArgs =
  { action: "list" } | { action: "remove"; id: number } | { action: "add"; rule: SentimentAlertRule };

type Action = "list" | "sentiment" | "volume" | "remove";
const DIRECTIONS: readonly string[] = ["drop", "rise"];

/** "$BONK" is BONK, "all" is everything (null); undefined when it is neither. */
function subjectOf(word: string): { symbol: string | null } | undefined {
  if (word.toLowerCase() === "all") return { symbol: null };
  const symbol = symbolOf(word);
  return symbol ? { symbol } : undefined;
}

/** "3", "3x", "1.5×", "2,5x": the multiple; undefined when it is not a number. */
function timesOf(word: string): number | undefined {
  const match = /^(\d{1,3}(?:[.,]\d{1,2})?)\s*[x×]?$/i.exec(word);
  return match?.[1] ? Number(match[1].replace(",", ".")) : undefined;
}

const windowOf = (word: string): Result<SentimentWindow, UserError> => {
  const lower = word.toLowerCase();
  return isSentimentWindow(lower)
    ? ok(lower)
    : err(userError("alert.error.badWindow", { window: quotable(word) }));
};

function parseSentiment(words: readonly string[]): Result<AlertArgs, UserError> {
  const how = err(userError("alert.error.sentimentHow"));
  const [token, direction, points, window, ...more] = words;
  // A direction first means the token was left out: saying so beats calling "drop" a token.
  if (token === undefined || DIRECTIONS.includes(token.toLowerCase())) return how;
  const subject = subjectOf(token);
  if (!subject) return err(userError("alert.error.badToken", { token: quotable(token) }));
  if (direction === undefined) return how;
  const lowerDirection = direction.toLowerCase();
  if (lowerDirection !== "drop" && lowerDirection !== "rise")
    return err(userError("alert.error.badDirection", { direction: quotable(direction) }));
  if (points === undefined) return how;
  const value = /^\d{1,4}$/.test(points) ? Number(points) : NaN;
  if (!(value >= MIN_ALERT_POINTS && value <= MAX_ALERT_POINTS))
    return err(
      userError("alert.error.badPoints", {
        points: quotable(points),
        min: MIN_ALERT_POINTS,
        max: MAX_ALERT_POINTS,
      }),
    );
  if (window === undefined || more.length > 0) return how;
  const parsedWindow = windowOf(window);
  if (!parsedWindow.ok) return parsedWindow;
  return ok({
    action: "add",
    rule: {
      kind: "sentiment",
      symbol: subject.symbol,
      direction: lowerDirection,
      points: value,
      window: parsedWindow.value,
    },
  });
}

function parseVolume(words: readonly string[]): Result<AlertArgs, UserError> {
  const how = err(userError("alert.error.volumeHow"));
  const [token, times, window, ...more] = words;
  // A multiple first means the token was left out.
  if (token === undefined || timesOf(token) !== undefined) return how;
  const subject = subjectOf(token);
  if (!subject) return err(userError("alert.error.badToken", { token: quotable(token) }));
  if (times === undefined) return how;
  const value = timesOf(times);
  if (value === undefined || value < MIN_ALERT_TIMES || value > MAX_ALERT_TIMES)
    return err(
      userError("alert.error.badTimes", {
        times: quotable(times),
        min: MIN_ALERT_TIMES,
        max: MAX_ALERT_TIMES,
      }),
    );
  if (window === undefined || more.length > 0) return how;
  const parsedWindow = windowOf(window);
  if (!parsedWindow.ok) return parsedWindow;
  return ok({
    action: "add",
    rule: { kind: "volume", symbol: subject.symbol, times: value, window: parsedWindow.value },
  });
}

function parseRemove(words: readonly string[]): Result<AlertArgs, UserError> {
  const [word, ...more] = words;
  if (word === undefined || more.length > 0) return err(userError("alert.error.removeHow"));
  const digits = word.replace(/^#/, "");
  const id = /^\d{1,9}$/.test(digits) ? Number(digits) : 0;
  if (id < 1) return err(userError("alert.error.badId", { id: quotable(word) }));
  return ok({ action: "remove", id });
}

/** The words after /alert: an action, then what it needs. No words lists the alerts. */
export function parseAlertWords(words: readonly string[]): Result<AlertArgs, UserError> {
  const [first, ...rest] = words;
  const action = (first ?? "list").toLowerCase();
  switch (action as Action) {
    case "list":
      return rest.length === 0 ? ok({ action: "list" }) : err(userError("alert.help"));
    case "sentiment":
      return parseSentiment(rest);
    case "volume":
      return parseVolume(rest);
    case "remove":
      return parseRemove(rest);
    default:
      return err(
        userError("alert.error.unknownAction", { action: quotable(first ?? ""), help: { id: "alert.help" } }),
      );
  }
}

/** "$BONK", or the words for all of a community's chatter. */
export const subjectText = (symbol: string | null, t: Translator): string =>
  symbol ? t("sentiment.subject.token", { symbol }) : t("sentiment.subject.all");

/** One line saying what the rule watches, for /alert list and the confirmation. */
export function describeRule(rule: SentimentAlertRule, t: Translator): string {
  const subject = subjectText(rule.symbol, t);
  return rule.kind === "sentiment"
    ? t(`alert.rule.sentiment.${rule.direction}`, { subject, points: rule.points, window: rule.window })
    : t("alert.rule.volume", { subject, times: rule.times, window: rule.window });
}
