// The worker's side of the queue. The processor stays thin: check the payload against the
// catalog, run the handler under the kind's time limit, and let BullMQ retry with backoff.
// After the last attempt, `onFinalFailure` runs once so the user hears back.
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import {
  jobCatalog,
  queueNamesOf,
  ReplyExpiredError,
  type JobCatalog,
  type JobName,
  type JobPayload,
  type ReplyWindow,
} from "@memebot/core";
import { BACKOFF_TYPE, backoffBaseOf, missesReplyWindow, retryDelay } from "./backoff.ts";
import { isPermanent, JobTimeoutError, originalError, unrecoverable, withScrubbedText } from "./errors.ts";
import { withTimeout } from "./timeout.ts";

export interface JobContext {
  /** BullMQ job id (see jobIdFor). */
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the attempt runs out of time or BullMQ cancels the job. */
  signal: AbortSignal;
}

export type JobHandler<N extends JobName> = (payload: JobPayload<N>, context: JobContext) => Promise<unknown>;
/** One handler per catalog entry: a job kind added to the catalog without a handler does not compile. */
export type JobHandlers = { [N in JobName]: JobHandler<N> };

export type FinalFailureHandler = (
  name: JobName,
  payload: JobPayload<JobName>,
  error: unknown,
) => Promise<void> | void;

export interface JobWorkerLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface JobWorkerMetrics {
  jobsTotal: { inc(labels: { job: string; state: "completed" | "failed" | "retried" }): void };
  /** Jobs that failed with ReplyExpiredError: dropped at start, or not retried past their reply window. */
  jobsExpiredTotal?: { inc(labels: { job: string }): void };
}

export interface JobWorkerOptions {
  /** Must have `maxRetriesPerRequest: null` (BullMQ refuses otherwise); duplicated for blocking reads. */
  connection: Redis;
  prefix: string;
  /**
   * Jobs each queue runs at once: one number for every queue, or per queue name (queues left out get
   * `defaultConcurrency`). Each catalog queue has a BullMQ worker of its own, so slow model work on
   * one queue never holds up the jobs of another.
   */
  concurrency: number | Readonly<Record<string, number>>;
  /**
   * How long a job's lock lives without renewal. A worker that dies mid-job leaves it locked
   * this long; then another worker's stalled-job check (run as often) hands it out again.
   */
  lockDurationMs: number;
  handlers: JobHandlers;
  /** Called once per job when its last attempt failed, or it failed in a way retrying cannot fix. */
  onFinalFailure: FinalFailureHandler;
  logger: JobWorkerLogger;
  /**
   * Removes secrets from the failure reason and stack trace BullMQ stores in Redis (the process's
   * Scrubber.scrubText). Required: errors from HTTP and database clients quote URLs with tokens and passwords.
   */
  scrubText: (text: string) => string;
  metrics?: JobWorkerMetrics;
  /**
   * Payload schemas and time limits; the project's catalog unless a test tightens it.
   * (Attempts and backoff travel with each job: the producer's catalog decides those.)
   */
  catalog?: JobCatalog;
  /** The clock reply windows are judged by; Date.now unless a test moves it. */
  now?: () => number;
}

export interface JobWorker {
  /** Resolves once connected and taking jobs. */
  ready(): Promise<void>;
  /** True while taking jobs (false once closing), for health checks. */
  isRunning(): boolean;
  /** Stops taking jobs and waits for the ones in flight (and their failure reports) to finish. */
  close(): Promise<void>;
}

export function createJobWorker(options: JobWorkerOptions): JobWorker {
  const {
    connection,
    prefix,
    handlers,
    onFinalFailure,
    logger,
    scrubText,
    metrics,
    catalog = jobCatalog,
    now = Date.now,
  } = options;
  const isJobName = (name: string): name is JobName => Object.hasOwn(catalog, name);
  // The error each handler threw, by the scrubbed error BullMQ got instead: the logs (whose logger scrubs) and
  // the failure report (whose run store scrubs) get the handler's own error, with all its fields.
  const handlerErrors = new WeakMap<object, unknown>();
  const handlerErrorOf = (error: Error) => handlerErrors.get(error) ?? originalError(error);

  async function processJob(job: Job, _token?: string, cancelled?: AbortSignal): Promise<unknown> {
    try {
      return await runJob(job, cancelled);
    } catch (error) {
      // BullMQ stores what it is thrown in Redis, so it gets a scrubbed copy; a permanent failure ends the job.
      const stored = withScrubbedText(error, scrubText);
      const thrown = isPermanent(stored) ? unrecoverable(stored) : stored;
      handlerErrors.set(thrown, error);
      throw thrown;
    }
  }

  async function runJob(job: Job, cancelled?: AbortSignal): Promise<unknown> {
    if (!isJobName(job.name)) throw new UnrecoverableError(`Unknown job kind "${job.name}"`);
    const name = job.name;
    const definition = catalog[name];
    const handler = handlers[name] as JobHandler<typeof name> | undefined;
    if (!handler) throw new UnrecoverableError(`No handler for job kind "${name}"`);

    const parsed = definition.payload.safeParse(job.data);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
      );
      throw new UnrecoverableError(`Malformed "${name}" payload: ${issues.slice(0, 5).join("; ")}`);
    }

    const attempt = job.attemptsMade + 1;
    // An answer that can only be delivered until some moment (a Discord token) bounds the attempt too.
    // Only some kinds have one, each read from its own payload (which `parsed.data` is).
    const replyWindowOf = definition.replyWindow as
      ((payload: unknown) => ReplyWindow | undefined) | undefined;
    const window = replyWindowOf?.(parsed.data);
    const timeoutMs = window
      ? Math.max(1, Math.min(definition.timeoutMs, window.closesAt - now()))
      : definition.timeoutMs;
    try {
      return await withTimeout(
        (signal) => handler(parsed.data, { jobId: job.id ?? "", attempt, signal }),
        timeoutMs,
        () => new JobTimeoutError(name, timeoutMs),
        cancelled,
      );
    } catch (error) {
      if (!window || isPermanent(error)) throw error;
      const retryDelayMs =
        attempt < (job.opts.attempts ?? 1)
          ? retryDelay(attempt, backoffBaseOf(job.opts.backoff), error)
          : undefined;
      // The retry BullMQ would schedule could not answer in time: the job ends here, as expired.
      if (missesReplyWindow(window, now(), retryDelayMs)) {
        throw new ReplyExpiredError(window.closesAt, "retry", { cause: error });
      }
      throw error;
    }
  }

  const concurrencyOf = (queue: string) =>
    typeof options.concurrency === "number"
      ? options.concurrency
      : (options.concurrency[queue] ?? DEFAULT_QUEUE_CONCURRENCY);

  const workers = queueNamesOf(catalog).map((queue) => {
    const worker = new Worker(queue, processJob, {
      connection,
      prefix,
      concurrency: concurrencyOf(queue),
      lockDuration: options.lockDurationMs,
      stalledInterval: options.lockDurationMs,
      // A job whose worker died once is retried; one that kills workers repeatedly is failed.
      maxStalledCount: 1,
      settings: {
        backoffStrategy: (attemptsMade, type, error, job) => {
          if (type !== BACKOFF_TYPE) throw new Error(`Unknown backoff type "${type}"`);
          return retryDelay(attemptsMade, backoffBaseOf(job?.opts.backoff), error);
        },
      },
    });
    worker.on("error", (error) => logger.error({ err: error, queue }, "job worker error"));
    worker.on("completed", onCompleted);
    worker.on("failed", onFailed);
    return worker;
  });

  // Metric labels come from the catalog only: a job name is whatever sits in Redis.
  const jobLabel = (name: string) => (isJobName(name) ? name : "unknown");

  function onCompleted(job: Job) {
    metrics?.jobsTotal.inc({ job: jobLabel(job.name), state: "completed" });
  }

  // Failure reports still running; close() waits for them so a shutdown does not cut one off.
  const reports = new Set<Promise<void>>();

  function onFailed(job: Job | undefined, error: Error) {
    if (!job) return;
    // BullMQ has already counted this attempt in attemptsMade when it emits 'failed'.
    const cannotRetry = error instanceof UnrecoverableError || error.name === "UnrecoverableError";
    const final = cannotRetry || job.attemptsMade >= (job.opts.attempts ?? 1);
    const fields = {
      jobId: job.id,
      job: job.name,
      attemptsMade: job.attemptsMade,
      err: handlerErrorOf(error),
    };
    metrics?.jobsTotal.inc({ job: jobLabel(job.name), state: final ? "failed" : "retried" });
    if (fields.err instanceof ReplyExpiredError) metrics?.jobsExpiredTotal?.inc({ job: jobLabel(job.name) });
    if (!final) {
      logger.warn(fields, "job attempt failed; will retry");
      return;
    }
    if (fields.err instanceof ReplyExpiredError)
      logger.warn(fields, "job dropped: its answer could not reach the chat in time");
    else logger.error(fields, "job failed");
    if (!isJobName(job.name)) return;
    const parsed = catalog[job.name].payload.safeParse(job.data);
    // A malformed payload has no one to report to.
    if (!parsed.success) return;
    const report = Promise.resolve()
      .then(() => onFinalFailure(job.name as JobName, parsed.data, handlerErrorOf(error)))
      .catch((reportError: unknown) =>
        logger.error({ err: reportError, jobId: job.id, job: job.name }, "job failure not reported"),
      )
      .finally(() => reports.delete(report));
    reports.add(report);
  }

  return {
    async ready() {
      await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    },
    isRunning: () => workers.every((worker) => worker.isRunning()),
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.allSettled([...reports]);
    },
  };
}

/** Concurrency of a queue the `concurrency` map leaves out. */
const DEFAULT_QUEUE_CONCURRENCY = 4;
