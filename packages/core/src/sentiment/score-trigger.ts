// Asking for a community's chatter to be scored. Ingest writes a batch every fraction of a second in
// a busy group; each write asks, and each ask must not become a job. The job id is the community and
// a time window of SCORE_WAIT_MS: every ask inside a window names the same job, which BullMQ adds
// once (an id already delayed, waiting or running is not added again), and the job is delayed to the
// window's end, so it starts at most a few seconds after the first message and finds them all. Why a
// window and not one id per community: finished jobs stay in Redis for a day (the producer's
// removeOnComplete), so a bare per-community id would refuse every later ask for that day; and an ask
// while its job runs would be lost with it. The next window is a new id, so asks after (or during) a
// run always get a job.
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
