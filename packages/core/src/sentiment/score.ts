// Scoring stored chatter: a job per community takes its pending messages (oldest first) in batches
// of 50, has them scored (the community's model when one is configured, else offline) and stores
// each score with the scorer that made it. A round reads a few batches in one query, has them scored
// side by side (one model call each) and stores all their scores in one statement: a burst costs two
// statements per 200 messages, and a model's latency is paid once per round, not once per batch. It
// loops while more are pending, up to a bounded number of rounds, then asks for another job: a burst
// is drained without one job holding a worker for long.
// Rows are marked scored only by the store, so a crash between scoring and storing loses nothing:
// those rows are still pending and are scored again by the next job.
import type { Platform } from "../platform.ts";
import { modelChoiceOf, type CommunitySettings } from "../settings.ts";

/** A community as chatter stores it (the `sentiment.score` payload). */
export interface ChatterCommunity {
  platform: Platform;
  externalId: string;
}

/** Messages per model call: the batch scorer's limit. */
export const SCORE_BATCH_SIZE = 50;
/** Batches one round scores side by side (model calls at once); their scores are stored together. */
export const DEFAULT_SCORE_BATCHES_PER_ROUND = 4;
/** Rounds one job runs before it hands the rest to a new job. */
export const DEFAULT_SCORE_ROUNDS = 10;
/**
 * No round starts once a job has scored this long: with a slow model and many busy groups sharing the
 * process's few scoring calls, ten rounds could outlast the job's time limit (5 minutes) and lose the
 * round in flight to the timeout; handing on early keeps every job well within it.
 */
export const DEFAULT_SCORE_JOB_MS = 60_000;

export interface PendingChatter {
  id: string;
  text: string;
}

export interface ChatterScore {
  id: string;
  label: string;
  score: number;
  confidence: number;
  scorer: string;
  scoredAt: Date;
}

/** The batch scorer (@memebot/ai's createSentimentScorer), as this use case calls it. */
export interface ChatterScorer {
  score(request: {
    messages: readonly PendingChatter[];
    community: ChatterCommunity;
    preferredModel?: string;
    dailyTokenBudget?: number;
    signal?: AbortSignal;
  }): Promise<Array<{ id: string; label: string; score: number; confidence: number; scorer: string }>>;
}

export interface ScoreChatterDependencies {
  settings: (community: ChatterCommunity) => Promise<Pick<CommunitySettings, "models" | "tokenBudgetPerDay">>;
  /** Up to `limit` unscored messages of the community, oldest first. */
  pendingMessages: (community: ChatterCommunity, limit: number) => Promise<PendingChatter[]>;
  /** Stores the scores in one statement. */
  storeScores: (rows: readonly ChatterScore[]) => Promise<number>;
  scorer: ChatterScorer;
  /** Asks for another scoring job of the community (its rounds ran out with messages still pending). */
  requestScoring: (community: ChatterCommunity) => Promise<unknown>;
  /**
   * Holds the community while it is scored, so two jobs of one community (a busy one gets a job every
   * few seconds) do not pay the model twice for the same rows. Waits for the holder; returns the release.
   */
  lock?: (community: ChatterCommunity, signal?: AbortSignal) => Promise<() => Promise<void>>;
  rounds?: number;
  batchesPerRound?: number;
  /** No round starts past this long after the job got the lock (DEFAULT_SCORE_JOB_MS). */
  jobMs?: number;
  now?: () => Date;
}

export interface ScoreChatterResult {
  scored: number;
  /** Batches scored (one model call each, when a model scores). */
  batches: number;
  /** Scores by scorer ("model:qwen", "offline"). */
  byScorer: Record<string, number>;
  /** True when messages were still pending after the last round and another job was asked for. */
  requeued: boolean;
}

export async function scoreChatter(
  community: ChatterCommunity,
  dependencies: ScoreChatterDependencies,
  signal?: AbortSignal,
): Promise<ScoreChatterResult> {
  const { pendingMessages, storeScores, scorer, requestScoring } = dependencies;
  const rounds = dependencies.rounds ?? DEFAULT_SCORE_ROUNDS;
  const perRound = SCORE_BATCH_SIZE * (dependencies.batchesPerRound ?? DEFAULT_SCORE_BATCHES_PER_ROUND);
  const now = dependencies.now ?? (() => new Date());
  const release = dependencies.lock ? await dependencies.lock(community, signal) : undefined;
  const result: ScoreChatterResult = { scored: 0, batches: 0, byScorer: {}, requeued: false };
  const stopAt = now().getTime() + (dependencies.jobMs ?? DEFAULT_SCORE_JOB_MS);
  try {
    // Read once per job: a /config change shows from the next job on.
    const choice = modelChoiceOf(await dependencies.settings(community), "sentiment");
    for (let round = 0; round < rounds && (round === 0 || now().getTime() < stopAt); round += 1) {
      signal?.throwIfAborted();
      const pending = await pendingMessages(community, perRound);
      if (pending.length === 0) return result;
      const batches: PendingChatter[][] = [];
      for (let start = 0; start < pending.length; start += SCORE_BATCH_SIZE)
        batches.push(pending.slice(start, start + SCORE_BATCH_SIZE));
      // Nothing is stored unless every batch of the round was scored: a failure (only an abort, as the
      // scorer falls back offline rather than fail) leaves the whole round pending for the next job.
      const scored = await Promise.all(
        batches.map((messages) =>
          scorer.score({
            messages,
            community: { platform: community.platform, externalId: community.externalId },
            ...choice,
            ...(signal ? { signal } : {}),
          }),
        ),
      );
      const scores = scored.flat();
      const scoredAt = now();
      await storeScores(
        scores.map(({ id, label, score, confidence, scorer: by }) => ({
          id,
          label,
          score,
          confidence,
          scorer: by,
          scoredAt,
        })),
      );
      result.batches += batches.length;
      result.scored += scores.length;
      for (const score of scores) result.byScorer[score.scorer] = (result.byScorer[score.scorer] ?? 0) + 1;
      // A short round was the last of them: nothing is left to look for.
      if (pending.length < perRound) return result;
    }
    // Rounds (or the job's time) ran out on full rounds: more may be pending, and a new job picks them up.
    await requestScoring(community);
    result.requeued = true;
    return result;
  } finally {
    await release?.();
  }
}
