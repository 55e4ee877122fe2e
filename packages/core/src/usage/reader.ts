// What /usage needs to know, as core sees it: the process composes it from the database's
// accounting and the token ledger in Redis (see apps/bot/src/bot.ts).
import type { CommunityRef } from "../platform.ts";

/** One task and model's calls over a period. */
export interface UsageRow {
  task: string;
  model: string;
  calls: number;
  /** Calls a provider answered with usable output. */
  answeredCalls: number;
  /** Calls the offline engine answered instead (no provider, unusable output, over budget…). */
  offlineCalls: number;
  tokensIn: number;
  tokensOut: number;
  /** Mean latency of the answered calls; null when none was answered. */
  averageLatencyMs: number | null;
}

export type UsageCommunity = Pick<CommunityRef, "platform" | "externalId">;

export interface UsageReader {
  /** The community's calls since `since`, by task and model, most tokens first. */
  summary(community: UsageCommunity, since: Date): Promise<readonly UsageRow[]>;
  /** Tokens charged to the community's budget today (UTC), by every process. */
  spentToday(community: UsageCommunity): Promise<number>;
}
