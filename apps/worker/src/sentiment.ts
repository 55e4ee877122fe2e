// Chatter sentiment's side of the worker: the handler of each sentiment job, each a thin call of its
// use case over the chatter repository.
import { createSentimentScorer, type ModelGateway } from "@memebot/ai";
import {
  answerSentimentReport,
  sendDueDigests,
  checkSentimentAlerts,
  createScoringContinuation,
  createThreadLocks,
  purgeOldChatter,
  scoreChatter,
  type ChatterCommunity,
  type DeliverOnce,
  type RunRecorder,
  type SentimentReportDependencies,
  type CommunityRef,
  type CommunitySettings,
  type JobProducer,
  type ReplyTarget,
  type SettingsModel,
  type ThreadLocksOptions,
} from "@memebot/core";
import type { Repositories } from "@memebot/db";
import type { JobHandlers } from "@memebot/jobs";

export interface SentimentOptions {
  repositories: Pick<Repositories, "chatter" | "communities" | "sentimentDigests" | "sentimentAlerts">;
  /** Reads each community's retention from its stored settings. */
  settingsModel: Pick<SettingsModel, "parse">;
  /** Scoring stored chatter (`sentiment.score`); without it that job fails as not configured. */
  scoring?: SentimentScoringOptions;
  logger: { info(obj: object, msg: string): void; warn?(obj: object, msg: string): void };
  /**
   * Answering /sentiment (`sentiment.report`) and posting the daily digests (`sentiment.digest`);
   * without it those jobs fail as not configured.
   */
  reports?: SentimentReportOptions;
  /** Posting alerts' crossings (`sentiment.alerts`); without it that job fails as not configured. */
  alerts?: SentimentAlertOptions;
}

export interface SentimentAlertOptions {
  deliver: DeliverOnce;
  /** The clock; Date.now unless a test moves it. */
  now?: () => number;
}

export interface SentimentReportOptions {
  /** Draws the report's chart (@memebot/render's drawSentimentChart). */
  drawChart: SentimentReportDependencies["drawChart"];
  deliver: DeliverOnce;
  runs: RunRecorder;
  /** "sending a photo…" while the chart is drawn. */
  showUploading?: <T>(target: ReplyTarget, work: () => Promise<T>) => Promise<T>;
  /** The daily digests' clock; Date.now unless a test moves it. */
  now?: () => number;
}

export interface SentimentScoringOptions {
  /** The community's settings (its `model.sentiment` choice and token budget) for scoring. */
  settings: {
    get(community: CommunityRef): Promise<Pick<CommunitySettings, "models" | "tokenBudgetPerDay">>;
  };
  /** Scores with the `sentiment` task's model; offline where it cannot. */
  gateway: Pick<ModelGateway, "json">;
  /** Holds the per-community scoring lock. */
  redis: ThreadLocksOptions["redis"];
  prefix: string;
  /** Enqueues the next `sentiment.score` of a community whose job ran out of rounds. */
  jobs: Pick<JobProducer, "enqueue">;
  /**
   * Sentiment model calls this process makes at once (DEFAULT_SCORING_CALLS_AT_ONCE). Scoring is
   * background work: a burst in many groups would otherwise take every provider slot (each job's
   * round asks for several batches at once), and a member's /meme would wait behind it for one.
   */
  callsAtOnce?: number;
}

type SentimentJob =
  "sentiment.purge" | "sentiment.score" | "sentiment.report" | "sentiment.digest" | "sentiment.alerts";

const SCORE_LOCK_MS = 3 * 60_000;
/** Half of a provider's slots by default (maxConcurrent 8; the LLM_* shorthand's WORKER_CONCURRENCY, 8). */
export const DEFAULT_SCORING_CALLS_AT_ONCE = 4;

export function createSentimentHandlers(options: SentimentOptions): Pick<JobHandlers, SentimentJob> {
  const { repositories, settingsModel, logger } = options;
  const score = options.scoring ? createScoreHandler(options.scoring, options) : undefined;
  return {
    "sentiment.purge": async (_payload, { signal }) => {
      const deleted = await purgeOldChatter(
        {
          settingsModel,
          communitiesWithChatter: () => repositories.chatter.communitiesWithChatter(),
          deleteOlderThan: (community, before) => repositories.chatter.deleteOlderThan(community, before),
        },
        signal,
      );
      if (deleted > 0) logger.info({ deleted }, "chatter past its retention deleted");
      return { deleted };
    },
    "sentiment.score": (community, context) => {
      if (!score) throw new Error("sentiment scoring is not configured in this worker");
      return score(community, context.signal);
    },
    "sentiment.digest": async (_payload, { signal }) => {
      const reports = options.reports;
      if (!reports) throw new Error("sentiment reports are not configured in this worker");
      const result = await sendDueDigests(
        {
          candidates: (onOrBefore) => repositories.sentimentDigests.candidates(onOrBefore),
          markDone: (community, date) => repositories.sentimentDigests.markDone(community, date),
          settingsOf: (community) => repositories.communities.findSettings(community),
          settingsModel,
          scoredIn: (community, range) => repositories.chatter.scoredIn(community, range),
          drawChart: reports.drawChart,
          deliver: reports.deliver,
          ...(reports.now ? { now: reports.now } : {}),
          ...(logger.warn ? { logger: { warn: logger.warn.bind(logger) } } : {}),
        },
        signal,
      );
      if (result.sent + result.quiet + result.skipped > 0) logger.info({ ...result }, "daily digests done");
      return result;
    },
    "sentiment.report": (payload) => {
      const reports = options.reports;
      if (!reports) throw new Error("sentiment reports are not configured in this worker");
      return answerSentimentReport(payload, {
        scoredIn: (community, range) => repositories.chatter.scoredIn(community, range),
        drawChart: reports.drawChart,
        deliver: reports.deliver,
        runs: reports.runs,
        ...(reports.showUploading ? { showUploading: reports.showUploading } : {}),
        ...(logger.warn ? { logger: { warn: logger.warn.bind(logger) } } : {}),
      });
    },
    "sentiment.alerts": async (_payload, { signal }) => {
      const alerts = options.alerts;
      if (!alerts) throw new Error("sentiment alerts are not configured in this worker");
      const summary = await checkSentimentAlerts(
        {
          alerts: repositories.sentimentAlerts,
          chatter: {
            scoredIn: (community, range) => repositories.sentimentAlerts.scoresIn(community, range),
            countMessages: (community, range) => repositories.sentimentAlerts.countMessages(community, range),
          },
          settingsModel,
          deliver: alerts.deliver,
          ...(alerts.now ? { now: alerts.now } : {}),
          ...(logger.warn ? { logger: { warn: logger.warn.bind(logger) } } : {}),
        },
        signal,
      );
      if (summary.fired > 0 || summary.rearmed > 0 || summary.failed > 0)
        logger.info({ ...summary }, "sentiment alerts checked");
      return summary;
    },
  };
}

function createScoreHandler(scoring: SentimentScoringOptions, options: SentimentOptions) {
  const { repositories, logger } = options;
  const scorer = createSentimentScorer({
    gateway: limitCalls(scoring.gateway, scoring.callsAtOnce ?? DEFAULT_SCORING_CALLS_AT_ONCE),
    ...(logger.warn ? { logger: { warn: logger.warn.bind(logger) } } : {}),
  });
  // A job that ran out of rounds on a backlog: the next one starts at once, behind waiting jobs.
  const requestScoring = createScoringContinuation(scoring.jobs);
  // One job of a community scores at a time; a holder that died lets go after 3 minutes.
  const locks = createThreadLocks({
    redis: scoring.redis,
    prefix: scoring.prefix,
    ttlMs: SCORE_LOCK_MS,
    purpose: "sentiment:scoring",
  });
  return async (community: ChatterCommunity, signal: AbortSignal) => {
    const result = await scoreChatter(
      community,
      {
        // Chatter is only kept for groups.
        settings: (chatter) => scoring.settings.get({ ...chatter, kind: "group" }),
        pendingMessages: (chatter, limit) => repositories.chatter.pendingMessages(chatter, limit),
        storeScores: (rows) => repositories.chatter.storeScores(rows),
        scorer,
        requestScoring,
        lock: (chatter, lockSignal) =>
          locks.acquire(`sentiment:${chatter.platform}:${chatter.externalId}`, lockSignal),
      },
      signal,
    );
    if (result.scored > 0) logger.info({ ...result }, "chatter scored");
    return result;
  };
}

/** The gateway with at most `max` calls in flight; the others wait their turn, first come first served. */
function limitCalls(gateway: Pick<ModelGateway, "json">, max: number): Pick<ModelGateway, "json"> {
  let running = 0;
  const waiting: Array<() => void> = [];
  const json: ModelGateway["json"] = async (request) => {
    if (running < max) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await gateway.json(request);
    } finally {
      // The slot goes straight to the next in line, or back to the pool.
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
  return { json };
}
