// The /usage reply: the last day and the last 30 days by task and model, and the daily budget.
// Chat platforms cap a message's length (Telegram 4,096 characters, Discord 2,000), so each period
// shows at most MAX_ROWS_PER_PERIOD rows, most tokens first, then fewer until the text fits, with
// an "…and N more" line for the rest.
import type { Language, Translator } from "../messages/index.ts";
import type { Platform } from "../platform.ts";
import type { UsageRow } from "./reader.ts";

export interface UsageReport {
  lastDay: readonly UsageRow[];
  lastMonth: readonly UsageRow[];
  spentToday: number;
  /** The community's token_budget; 0 for none. */
  budgetPerDay: number;
}

export const MAX_ROWS_PER_PERIOD = 10;
/** The longest message each platform takes (the console has no limit; it gets Telegram's). */
export const MAX_REPLY_LENGTH: Readonly<Record<Platform, number>> = {
  telegram: 4096,
  discord: 2000,
  console: 4096,
};
/** Model names come from the operator's configuration; a very long one must not crowd out the rows. */
const MAX_MODEL_NAME = 48;

export interface RenderOptions {
  t: Translator;
  language: Language;
  maxLength: number;
}

export function renderUsageReport(report: UsageReport, { t, language, maxLength }: RenderOptions): string {
  const numbers = new Intl.NumberFormat(language);
  const percents = new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 0 });
  const budget = budgetLine(report, t, numbers, percents);
  if (report.lastMonth.length === 0) return [t("usage.header"), t("usage.noCalls"), "", budget].join("\n");

  const row = (usage: UsageRow) =>
    t("usage.row", {
      task: usage.task,
      model: clip(usage.model),
      calls: numbers.format(usage.calls),
      tokensIn: numbers.format(usage.tokensIn),
      tokensOut: numbers.format(usage.tokensOut),
      offline: percents.format(usage.calls === 0 ? 0 : usage.offlineCalls / usage.calls),
      latency:
        usage.averageLatencyMs === null
          ? t("usage.noLatency")
          : t("usage.latency", { ms: numbers.format(usage.averageLatencyMs) }),
    });
  const period = (heading: string, rows: readonly UsageRow[], shown: number) => {
    if (rows.length === 0) return [heading, t("usage.noCallsInPeriod")];
    const more = rows.length - shown;
    return [
      heading,
      ...rows.slice(0, shown).map(row),
      ...(more > 0 ? [t("usage.more", { count: numbers.format(more) })] : []),
    ];
  };

  let text = "";
  for (let shown = MAX_ROWS_PER_PERIOD; shown >= 1; shown -= 1) {
    text = [
      t("usage.header"),
      "",
      ...period(t("usage.period.day"), report.lastDay, shown),
      "",
      ...period(t("usage.period.month"), report.lastMonth, shown),
      "",
      budget,
    ].join("\n");
    if (text.length <= maxLength) return text;
  }
  // One row per period always fits the platforms' limits; this only guards a limit set absurdly low.
  return text.slice(0, maxLength);
}

function budgetLine(
  report: UsageReport,
  t: Translator,
  numbers: Intl.NumberFormat,
  percents: Intl.NumberFormat,
) {
  const spent = numbers.format(report.spentToday);
  if (report.budgetPerDay <= 0) return t("usage.noBudget", { spent });
  const budget = numbers.format(report.budgetPerDay);
  if (report.spentToday >= report.budgetPerDay) return t("usage.budgetSpent", { spent, budget });
  return t("usage.budget", {
    spent,
    budget,
    percent: percents.format(report.spentToday / report.budgetPerDay),
  });
}

const clip = (name: string) =>
  name.length <= MAX_MODEL_NAME ? name : `${name.slice(0, MAX_MODEL_NAME - 1)}…`;
