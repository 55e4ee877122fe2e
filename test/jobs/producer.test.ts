import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createJobProducer, createJobWorker, jobIdFor, type JobQueueProducer } from "@memebot/jobs";
import { queueNames } from "@memebot/core";
import {
  deletePrefix,
  memePayload,
  recordingLogger,
  REDIS_URL,
  scrubText,
  tightCatalog,
  uniquePrefix,
  withOtherKinds,
} from "./support.ts";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
let prefix: string;
let producer: JobQueueProducer;
let inspector: Queue;

beforeEach(() => {
  prefix = uniquePrefix();
  producer = createJobProducer({ connection: redis, prefix });
  inspector = new Queue("commands", { connection: redis, prefix });
});
afterEach(async () => {
  await producer.close();
  await inspector.close();
  await deletePrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

describe("createJobProducer", () => {
  it("adds a job under an id derived from the update key, with the catalog's retry policy", async () => {
    const payload = memePayload({ key: "telegram:-100:1001" });
    const { jobId } = await producer.enqueue("meme.create", payload, { jobId: "telegram:-100:1001" });

    expect(jobId).toBe(jobIdFor("telegram:-100:1001"));
    const job = await inspector.getJob(jobId);
    expect(job?.name).toBe("meme.create");
    expect(job?.data).toEqual(payload);
    expect(job?.opts.attempts).toBe(3);
    expect(job?.opts.backoff).toMatchObject({ delay: 1_000 });
    // Failed jobs stay a week for inspection (the newest 10,000 of them); completed ones go after a day.
    expect(job?.opts.removeOnFail).toEqual({ age: 7 * 86_400, count: 10_000 });
    expect(job?.opts.removeOnComplete).toEqual({ age: 86_400, count: 10_000 });
  });

  it("keeps only the newest failed jobs once more fail than the cap allows", async () => {
    const catalog = tightCatalog({ attempts: 1 });
    const capped = createJobProducer({ connection: redis, prefix, catalog, failedJobsKept: 3 });
    let failures = 0;
    const worker = createJobWorker({
      connection: redis,
      prefix,
      concurrency: 1,
      lockDurationMs: 5_000,
      catalog,
      logger: recordingLogger(),
      scrubText,
      handlers: withOtherKinds({
        "meme.create": async () => {
          throw new Error("model down");
        },
      }),
      onFinalFailure: () => {
        failures += 1;
      },
    });
    try {
      const jobIds: string[] = [];
      for (let n = 1; n <= 8; n += 1) {
        jobIds.push(
          (await capped.enqueue("meme.create", memePayload(), { jobId: `telegram:1:${100 + n}` })).jobId,
        );
      }
      await vi.waitFor(() => expect(failures).toBe(8), { timeout: 10_000, interval: 20 });

      const kept = await inspector.getFailed(0, -1);
      expect(kept.map((job) => job.id).sort()).toEqual(jobIds.slice(-3).sort());
      // The trimmed jobs are gone from Redis, not only from the failed set.
      expect(await inspector.getJob(jobIds[0] as string)).toBeUndefined();
    } finally {
      await worker.close();
      await capped.close();
    }
  });

  it("keeps one job when the same update is enqueued twice", async () => {
    const first = await producer.enqueue("meme.create", memePayload({ topic: "first" }), {
      jobId: "telegram:1:2",
    });
    const second = await producer.enqueue("meme.create", memePayload({ topic: "second" }), {
      jobId: "telegram:1:2",
    });

    expect(second.jobId).toBe(first.jobId);
    expect((await inspector.getJobCounts("waiting")).waiting).toBe(1);
    // The first payload wins: a redelivery does not rewrite the job.
    expect((await inspector.getJob(first.jobId))?.data.topic).toBe("first");
  });

  it("refuses a payload that breaks the catalog's schema before it reaches Redis", async () => {
    const payload = memePayload();
    const broken = { ...payload, topic: "" };

    await expect(producer.enqueue("meme.create", broken, { jobId: "telegram:1:3" })).rejects.toThrow(/topic/);
    expect((await inspector.getJobCounts("waiting")).waiting).toBe(0);
  });

  it("drops fields the schema does not know", async () => {
    const payload = { ...memePayload(), extra: "not in the catalog" };
    const { jobId } = await producer.enqueue("meme.create", payload, { jobId: "telegram:1:4" });
    expect((await inspector.getJob(jobId))?.data).not.toHaveProperty("extra");
  });

  it("reports job counts per queue for the metrics gauge", async () => {
    await producer.enqueue("meme.create", memePayload(), { jobId: "telegram:1:5" });
    await producer.enqueue("meme.create", memePayload(), { jobId: "telegram:1:6" });

    const counts = await producer.counts();
    // Every catalog queue is reported, the idle conversation queue too.
    expect(counts.map((entry) => entry.queue)).toEqual(queueNames);
    const countsOf = (queue: string) => counts.find((entry) => entry.queue === queue)?.counts;
    expect(countsOf("commands")).toMatchObject({ waiting: 2, active: 0, failed: 0, completed: 0 });
    expect(countsOf("conversation")).toMatchObject({ waiting: 0, active: 0, failed: 0, completed: 0 });
  });

  it("enqueues thousands of jobs per second over one shared connection", async ({ annotate }) => {
    const total = 3_000;
    const payloads = Array.from({ length: total }, (_, index) => memePayload({ key: `telegram:9:${index}` }));
    const started = performance.now();
    await Promise.all(
      payloads.map((payload) => producer.enqueue("meme.create", payload, { jobId: payload.run.key })),
    );
    const seconds = (performance.now() - started) / 1000;
    const perSecond = Math.round(total / seconds);

    expect((await inspector.getJobCounts("waiting")).waiting).toBe(total);
    // About 4-9k/s on an idle 2-core machine (1k/s with other test files running beside it); the
    // loose floor catches a gross regression such as set-up work per job, not ordinary noise.
    expect(perSecond).toBeGreaterThan(250);
    await annotate(`enqueued ${total} jobs in ${seconds.toFixed(2)} s (${perSecond}/s)`);
  });
});
