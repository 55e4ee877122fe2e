// /usage: what this community's model calls cost, for its admins.
import { defineCommand } from "../commands/types.ts";
import { ok } from "../result.ts";
import { MAX_REPLY_LENGTH, renderUsageReport } from "./report.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

export const usageCommand = defineCommand({
  name: "usage",
  description: "command.usage.description",
  args: [],
  parse: () => ok({}),
  // The dispatcher asks the platform afresh before an admin command runs.
  permission: "admin",
  toggleable: false,
  defaultCooldownSeconds: 0,
  answeredByJob: false,
  async run({ invocation, settings, language, t, services }) {
    const { platform, externalId } = invocation.community;
    const community = { platform, externalId };
    const now = Date.now();
    const [lastDay, lastMonth, spentToday] = await Promise.all([
      services.usage.summary(community, new Date(now - DAY_MS)),
      services.usage.summary(community, new Date(now - 30 * DAY_MS)),
      services.usage.spentToday(community),
    ]);
    const text = renderUsageReport(
      { lastDay, lastMonth, spentToday, budgetPerDay: settings.tokenBudgetPerDay },
      { t, language, maxLength: MAX_REPLY_LENGTH[invocation.platform] },
    );
    return {
      kind: "reply",
      outcome: lastMonth.length === 0 ? "usage.empty" : "usage.shown",
      message: { text },
    };
  },
});
