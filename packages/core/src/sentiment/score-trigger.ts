// Asking for a community's chatter to be scored. Ingest writes a batch every fraction of a second in
// a busy group; each write asks, and each ask must not become a job. The job id is the community and
// a time window of SCORE_WAIT_MS: every ask inside a window names the same job, which BullMQ adds
// once (an id already delayed, waiting or running is not added again), and the job is delayed to the
// window's end, so it starts at most a few seconds after the first message and finds them all. Why a
// window and not one id per community: finished jobs stay in Redis for a day (the producer's
// removeOnComplete), so a bare per-community id would refuse every later ask for that day; and an ask
// while its job runs would be lost with it. The next window is a new id, so asks after (or during) a
// run always get a job.
// A job whose rounds ran out on a backlog asks differently (createScoringContinuation): the backlog is
// there now, so its next job starts at once instead of at a window's end; waiting out a window per
// 500 messages held a burst's scoring to a few hundred messages a second.
import type { JobProducer } from "../commands/types.ts";
import type { ChatterCommunity } from "./score.ts";

/** The "few seconds' wait" of a batch: how long messages gather before their scoring job starts. */
export const SCORE_WAIT_MS = 3_000;

/** The job id and delay of the scoring job an ask at `now` joins. */
export function scoringJobOf(community: ChatterCommunity, now: number, waitMs = SCORE_WAIT_MS) {
  const window = Math.floor(now / waitMs);
  return {
    jobId: `sentiment.score:${community.platform}:${community.externalId}:${window}`,
    // At least 1 ms: a zero delay would start it at once, before the window's other batches.
    delayMs: Math.max(1, (window + 1) * waitMs - now),
  };
}

/** `requestScoring` for ingest (and for a job whose rounds ran out), over the job producer. */
export function createScoringTrigger(
  jobs: Pick<JobProducer, "enqueue">,
  options: { waitMs?: number; now?: () => number } = {},
) {
  const now = options.now ?? Date.now;
  return (community: ChatterCommunity) =>
    jobs.enqueue(
      "sentiment.score",
      { platform: community.platform, externalId: community.externalId },
      scoringJobOf(community, now(), options.waitMs),
    );
}

/**
 * The job that goes on with a backlog: no delay, and an id of its own (the window's id may belong to
 * the job that just ran, or to ingest's ask, delayed to the window's end). It queues behind the jobs
 * already waiting, so other communities still get their turn between one community's rounds. Only a
 * job holding the community's scoring lock asks, so two continuations of a community never share a
 * millisecond.
 */
export function continuationJobOf(community: ChatterCommunity, now: number) {
  return { jobId: `sentiment.score:${community.platform}:${community.externalId}:next:${now}` };
}

/** `requestScoring` for a scoring job whose rounds ran out with messages still pending. */
export function createScoringContinuation(
  jobs: Pick<JobProducer, "enqueue">,
  options: { now?: () => number } = {},
) {
  const now = options.now ?? Date.now;
  return (community: ChatterCommunity) =>
    jobs.enqueue(
      "sentiment.score",
      { platform: community.platform, externalId: community.externalId },
      continuationJobOf(community, now()),
    );
}
