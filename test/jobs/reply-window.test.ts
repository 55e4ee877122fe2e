// The job worker keeps a Discord job inside its interaction token's 15 minutes: an attempt is cut
// off when the token dies, and a retry that would start with under a minute of it left is not
// scheduled. Real BullMQ on the real Redis; the worker's clock is moved instead of waiting.
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DISCORD_TOKEN_LIFETIME_MS, ReplyExpiredError, type JobName, type JobPayload } from "@memebot/core";
import { JobTimeoutError, type JobQueueProducer, type JobWorker } from "@memebot/jobs";
import { createMetrics, type Metrics } from "@memebot/telemetry";
import { uniqueSnowflake } from "../support/unique-ids.ts";
import {
  deletePrefix,
  memePayload,
  recordingLogger,
  REDIS_URL,
  startTestJobQueue,
  tightCatalog,
  uniquePrefix,
  type CommandJobHandlers,
} from "./support.ts";

const MINUTE = 60_000;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
let prefix: string;
let producer: JobQueueProducer | undefined;
let worker: JobWorker | undefined;
let metrics: Metrics;
let finalFailures: Array<{ name: JobName; payload: JobPayload<JobName>; error: unknown }>;

beforeEach(() => {
  prefix = uniquePrefix();
  metrics = createMetrics({ collectDefault: false });
  finalFailures = [];
});
afterEach(async () => {
  await worker?.close();
  await producer?.close();
  await deletePrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

/** A worker whose clock reads `aheadMs` later than the real one. */
function start(handlers: CommandJobHandlers, aheadMs: number) {
  // The catalog's own reply window (the real one for "meme.create"), with attempts a test can wait for.
  ({ producer, worker } = startTestJobQueue({
    redis,
    prefix,
    catalog: tightCatalog({ attempts: 3, backoffMs: 20, timeoutMs: 5_000 }),
    handlers,
    onFinalFailure: (name, payload, error) => {
      finalFailures.push({ name, payload, error });
    },
    logger: recordingLogger(),
    metrics,
    concurrency: 2,
    now: () => Date.now() + aheadMs,
  }));
}

/** A /meme job from a Discord interaction created now (by the real clock). */
function discordPayload(): JobPayload<"meme.create"> {
  const base = memePayload({ topic: "late" });
  return {
    ...base,
    run: {
      ...base.run,
      key: `discord:${uniqueSnowflake()}`,
      community: { platform: "discord", externalId: uniqueSnowflake(), kind: "group" },
      actor: { platform: "discord", externalId: uniqueSnowflake() },
      target: { platform: "discord", applicationId: "1190000000000000001", interactionToken: "tok" },
    },
  };
}

async function expiredCount(): Promise<number> {
  const { values } = await metrics.jobsExpiredTotal.get();
  return values.find((value) => value.labels.job === "meme.create")?.value ?? 0;
}

async function stateOf(jobId: string): Promise<string> {
  const queue = new Queue("commands", { connection: redis, prefix });
  try {
    return (await queue.getJobState(jobId)) as string;
  } finally {
    await queue.close();
  }
}

describe("a Discord job's reply window", () => {
  it("GIVEN 400 ms of token left THEN the attempt is cut off then, not at the 5 s limit, and the job expires", async () => {
    const started = performance.now();
    const aborted: unknown[] = [];
    start(
      {
        "meme.create": (_payload, { signal }) =>
          new Promise((_, reject) => {
            signal.addEventListener("abort", () => {
              aborted.push(signal.reason);
              reject(signal.reason);
            });
          }),
      },
      DISCORD_TOKEN_LIFETIME_MS - 400,
    );
    const payload = discordPayload();
    const { jobId } = await producer!.enqueue("meme.create", payload, { jobId: payload.run.key });

    await vi.waitFor(() => expect(finalFailures).toHaveLength(1), { timeout: 5_000 });
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(aborted).toHaveLength(1);
    expect(aborted[0]).toBeInstanceOf(JobTimeoutError);
    expect((aborted[0] as JobTimeoutError).timeoutMs).toBeLessThanOrEqual(400);
    const error = finalFailures[0]?.error;
    expect(error).toBeInstanceOf(ReplyExpiredError);
    expect(error).toMatchObject({ stage: "retry", cause: aborted[0] });
    expect(await stateOf(jobId)).toBe("failed");
    expect(await expiredCount()).toBe(1);
  });

  it("GIVEN 1.5 minutes left and a failure asking to wait 45 s THEN no retry is scheduled", async () => {
    let calls = 0;
    start(
      {
        "meme.create": async () => {
          calls += 1;
          throw Object.assign(new Error("429 Too Many Requests"), { retryAfterMs: 45_000 });
        },
      },
      DISCORD_TOKEN_LIFETIME_MS - 1.5 * MINUTE,
    );
    const payload = discordPayload();
    const { jobId } = await producer!.enqueue("meme.create", payload, { jobId: payload.run.key });

    await vi.waitFor(() => expect(finalFailures).toHaveLength(1), { timeout: 5_000 });
    expect(calls).toBe(1);
    expect(finalFailures[0]?.error).toBeInstanceOf(ReplyExpiredError);
    expect((finalFailures[0]?.error as Error).cause).toMatchObject({ retryAfterMs: 45_000 });
    // Failed now, not parked in the delayed set for 45 s.
    expect(await stateOf(jobId)).toBe("failed");
    expect(await expiredCount()).toBe(1);
  });

  it("GIVEN 1.5 minutes left and a failure with the usual backoff THEN the retry runs and answers", async () => {
    let calls = 0;
    start(
      {
        "meme.create": async () => {
          calls += 1;
          if (calls === 1) throw new Error("model hiccup");
        },
      },
      DISCORD_TOKEN_LIFETIME_MS - 1.5 * MINUTE,
    );
    const payload = discordPayload();
    const { jobId } = await producer!.enqueue("meme.create", payload, { jobId: payload.run.key });

    await vi.waitFor(async () => expect(await stateOf(jobId)).toBe("completed"), { timeout: 5_000 });
    expect(calls).toBe(2);
    expect(finalFailures).toEqual([]);
    expect(await expiredCount()).toBe(0);
  });

  it("GIVEN a Telegram job an hour old THEN it has no window: failures are retried as usual", async () => {
    let calls = 0;
    start(
      {
        "meme.create": async () => {
          calls += 1;
          if (calls === 1) throw Object.assign(new Error("502 Bad Gateway"), { retryAfterMs: 100 });
        },
      },
      60 * MINUTE,
    );
    const payload = memePayload();
    const { jobId } = await producer!.enqueue("meme.create", payload, { jobId: payload.run.key });

    await vi.waitFor(async () => expect(await stateOf(jobId)).toBe("completed"), { timeout: 5_000 });
    expect(calls).toBe(2);
    expect(await expiredCount()).toBe(0);
  });
});
