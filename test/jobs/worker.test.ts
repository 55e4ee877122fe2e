import { Queue, type JobType } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { JobName, JobPayload } from "@memebot/core";
import { JobTimeoutError, type JobQueueProducer, type JobWorker } from "@memebot/jobs";
import { createMetrics, type Metrics } from "@memebot/telemetry";
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

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
let prefix: string;
let producer: JobQueueProducer;
let workers: JobWorker[];
let metrics: Metrics;
let logger: ReturnType<typeof recordingLogger>;
let finalFailures: Array<{ name: JobName; payload: JobPayload<JobName>; error: unknown }>;

beforeEach(() => {
  prefix = uniquePrefix();
  workers = [];
  metrics = createMetrics({ collectDefault: false });
  logger = recordingLogger();
  finalFailures = [];
});
afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.close()));
  await producer?.close();
  await deletePrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

function start(handlers: CommandJobHandlers, limits: Parameters<typeof tightCatalog>[0] = {}): JobWorker {
  const queue = startTestJobQueue({
    redis,
    prefix,
    catalog: tightCatalog(limits),
    handlers,
    onFinalFailure: (name, payload, error) => {
      finalFailures.push({ name, payload, error });
    },
    logger,
    metrics,
  });
  producer = queue.producer;
  workers.push(queue.worker);
  return queue.worker;
}

async function jobCount(state: JobType): Promise<number> {
  const queue = new Queue("commands", { connection: redis, prefix });
  try {
    return (await queue.getJobCounts(state))[state] ?? 0;
  } finally {
    await queue.close();
  }
}

async function counted(state: "completed" | "failed" | "retried"): Promise<number> {
  const { values } = await metrics.jobsTotal.get();
  return (
    values.find((value) => value.labels.state === state && value.labels.job === "meme.create")?.value ?? 0
  );
}

describe("createJobWorker", () => {
  it("hands the handler the validated payload and the attempt, and counts the completed job", async () => {
    const seen: Array<{ topic: string; attempt: number; jobId: string }> = [];
    start({
      "meme.create": async (payload, context) => {
        seen.push({ topic: payload.topic, attempt: context.attempt, jobId: context.jobId });
      },
    });
    const { jobId } = await producer.enqueue("meme.create", memePayload({ topic: "moon" }), {
      jobId: "t:1:1",
    });

    await vi.waitFor(async () => expect(await counted("completed")).toBe(1), { timeout: 5_000 });
    expect(seen).toEqual([{ topic: "moon", attempt: 1, jobId }]);
    expect(finalFailures).toEqual([]);
  });

  it("retries a failed attempt and reports nothing when a later attempt succeeds", async () => {
    let calls = 0;
    start({
      "meme.create": async () => {
        calls += 1;
        if (calls === 1) throw new Error("model hiccup");
      },
    });
    await producer.enqueue("meme.create", memePayload(), { jobId: "t:1:2" });

    await vi.waitFor(async () => expect(await counted("completed")).toBe(1), { timeout: 5_000 });
    expect(calls).toBe(2);
    expect(await counted("retried")).toBe(1);
    expect(finalFailures).toEqual([]);
  });

  it("reports a job once, with its payload and last error, after its last attempt failed", async () => {
    const attempts: number[] = [];
    start(
      {
        "meme.create": async (_payload, context) => {
          attempts.push(context.attempt);
          throw new Error(`attempt ${context.attempt} failed`);
        },
      },
      { attempts: 3 },
    );
    const payload = memePayload({ topic: "doomed" });
    await producer.enqueue("meme.create", payload, { jobId: "t:1:3" });

    await vi.waitFor(() => expect(finalFailures).toHaveLength(1), { timeout: 5_000 });
    // Give a duplicate report a chance to show up before asserting there is none.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(attempts).toEqual([1, 2, 3]);
    expect(finalFailures).toHaveLength(1);
    expect(finalFailures[0]?.name).toBe("meme.create");
    expect(finalFailures[0]?.payload).toEqual(payload);
    expect((finalFailures[0]?.error as Error).message).toBe("attempt 3 failed");
    expect(await counted("retried")).toBe(2);
    expect(await counted("failed")).toBe(1);
    expect(await jobCount("failed")).toBe(1);
  });

  it("aborts an attempt that outlives the time limit and retries it", async () => {
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
      { attempts: 2, timeoutMs: 200 },
    );
    await producer.enqueue("meme.create", memePayload(), { jobId: "t:1:4" });

    await vi.waitFor(() => expect(finalFailures).toHaveLength(1), { timeout: 5_000 });
    expect(aborted).toHaveLength(2);
    expect(aborted[0]).toBeInstanceOf(JobTimeoutError);
    expect(finalFailures[0]?.error).toBeInstanceOf(JobTimeoutError);
  });

  it("frees the slot at the time limit even when the handler ignores its signal", async () => {
    const started = performance.now();
    start({ "meme.create": () => new Promise(() => {}) }, { attempts: 1, timeoutMs: 150 });
    await producer.enqueue("meme.create", memePayload(), { jobId: "t:1:5" });

    await vi.waitFor(() => expect(finalFailures).toHaveLength(1), { timeout: 5_000 });
    expect(finalFailures[0]?.error).toBeInstanceOf(JobTimeoutError);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("fails at once, without using up attempts, when the error says retrying cannot help", async () => {
    let calls = 0;
    const blocked = Object.assign(new Error("Forbidden: bot was blocked by the user"), { retryable: false });
    start(
      {
        "meme.create": async () => {
          calls += 1;
          throw blocked;
        },
      },
      { attempts: 3 },
    );
    await producer.enqueue("meme.create", memePayload(), { jobId: "t:1:6" });

    await vi.waitFor(() => expect(finalFailures).toHaveLength(1), { timeout: 5_000 });
    expect(calls).toBe(1);
    // The report gets the handler's own error, not BullMQ's wrapper.
    expect(finalFailures[0]?.error).toBe(blocked);
  });

  it("stores a permanent failure's reason and stack scrubbed, still failing at once with the handler's error reported", async () => {
    class PlatformRefusal extends Error {
      override readonly name = "PlatformRefusal";
      readonly retryable = false;
    }
    const refusal = new PlatformRefusal(
      "403 from https://proxy:hunter2-proxy-pass@api.example.com/bot1/sendMessage?access_token=tok-123456",
    );
    let calls = 0;
    start(
      {
        "meme.create": async () => {
          calls += 1;
          throw refusal;
        },
      },
      { attempts: 3 },
    );
    const { jobId } = await producer.enqueue("meme.create", memePayload(), { jobId: "t:1:9" });

    await vi.waitFor(() => expect(finalFailures).toHaveLength(1), { timeout: 5_000 });
    const stored = await redis.hgetall(`${prefix}:commands:${jobId}`);
    expect(calls).toBe(1);
    expect(finalFailures[0]?.error).toBe(refusal);
    expect(stored.failedReason).toBe(
      "403 from https://proxy:[redacted]@api.example.com/bot1/sendMessage?access_token=[redacted]",
    );
    const [stack] = JSON.parse(stored.stacktrace ?? "[]") as string[];
    // The handler's own stack, naming its class, not the wrapper's.
    expect(stack).toMatch(/^PlatformRefusal: 403 from https:\/\/proxy:\[redacted\]@/);
    expect(stack).toContain("worker.test.ts");
    for (const secret of ["hunter2-proxy-pass", "tok-123456"]) {
      expect(JSON.stringify(stored)).not.toContain(secret);
    }
  });

  it("waits as long as a failure asks before the next attempt", async () => {
    const startedAt: number[] = [];
    start(
      {
        "meme.create": async () => {
          startedAt.push(Date.now());
          if (startedAt.length === 1)
            throw Object.assign(new Error("429 Too Many Requests"), { retryAfterMs: 700 });
        },
      },
      { attempts: 2, backoffMs: 10 },
    );
    await producer.enqueue("meme.create", memePayload(), { jobId: "t:1:7" });

    await vi.waitFor(async () => expect(await counted("completed")).toBe(1), { timeout: 5_000 });
    expect(startedAt).toHaveLength(2);
    expect((startedAt[1] as number) - (startedAt[0] as number)).toBeGreaterThanOrEqual(650);
  });

  it("fails a job whose payload does not match the catalog without retrying or reporting it", async () => {
    const handler = vi.fn(async () => undefined);
    start({ "meme.create": handler });
    // Written straight to the queue, as an older or broken producer might.
    const queue = new Queue("commands", { connection: redis, prefix });
    await queue.add("meme.create", { topic: 42 }, { jobId: "raw-1", attempts: 3 });
    await queue.close();

    await vi.waitFor(async () => expect(await jobCount("failed")).toBe(1), { timeout: 5_000 });
    expect(handler).not.toHaveBeenCalled();
    expect(finalFailures).toEqual([]);
    expect(logger.lines.some((line) => line.level === "error" && line.message === "job failed")).toBe(true);
  });

  it('counts a job of a kind outside the catalog under job="unknown", never under its stored name', async () => {
    start({ "meme.create": vi.fn(async () => undefined) });
    const queue = new Queue("commands", { connection: redis, prefix });
    for (let n = 0; n < 3; n += 1) await queue.add(`made-up-${n}`, {}, { jobId: `raw-kind-${n}` });
    await queue.close();

    await vi.waitFor(async () => expect(await jobCount("failed")).toBe(3), { timeout: 5_000 });
    const { values } = await metrics.jobsTotal.get();
    expect(values.map((value) => value.labels)).toEqual([{ job: "unknown", state: "failed" }]);
  });

  it("fails a job kind it has no handler for", async () => {
    // The type requires a handler per catalog entry; a map built at run time can still lack one.
    start({} as CommandJobHandlers);
    await producer.enqueue("meme.create", memePayload(), { jobId: "t:1:8" });

    await vi.waitFor(() => expect(finalFailures).toHaveLength(1), { timeout: 5_000 });
    expect(String(finalFailures[0]?.error)).toMatch(/No handler for job kind "meme.create"/);
  });

  it("lets a job in flight finish when closed", async () => {
    let finished = false;
    let begun: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (begun = resolve));
    const worker = start({
      "meme.create": async () => {
        begun();
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished = true;
      },
    });
    await producer.enqueue("meme.create", memePayload(), { jobId: "t:1:9" });
    await running;

    await worker.close();
    expect(finished).toBe(true);
    expect(await jobCount("completed")).toBe(1);
  });
});
