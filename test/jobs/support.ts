// Shared by the job tests: payloads that satisfy the catalog, a catalog with short
// limits (the real one waits seconds between attempts), and Redis clean-up.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { jobCatalog, type JobCatalog, type JobPayload } from "@memebot/core";
import {
  createJobProducer,
  createJobWorker,
  type FinalFailureHandler,
  type JobHandlers,
  type JobQueueProducer,
  type JobWorker,
  type JobWorkerOptions,
} from "@memebot/jobs";
import { createScrubber } from "@memebot/telemetry";

export { REDIS_URL } from "../support/fake-services-env.ts";

export function memePayload(
  overrides: { key?: string; topic?: string; chatId?: string } = {},
): JobPayload<"meme.create"> {
  const chatId = overrides.chatId ?? "-1001234567890";
  const topic = overrides.topic ?? "diamond hands";
  return {
    run: {
      key: overrides.key ?? `telegram:${chatId}:${randomUUID()}`,
      command: "meme",
      args: topic,
      community: { platform: "telegram", externalId: chatId, title: "Test group", kind: "group" },
      actor: { platform: "telegram", externalId: "4242", username: "alice", displayName: "Alice" },
      target: { platform: "telegram", chatId, replyToMessageId: 77 },
      language: "en",
      receivedAt: Date.now(),
    },
    topic,
  };
}

/** The project's catalog with "meme.create" limits a test can wait for. */
export function tightCatalog(
  limits: { attempts?: number; backoffMs?: number; timeoutMs?: number } = {},
): JobCatalog {
  return {
    ...jobCatalog,
    "meme.create": {
      ...jobCatalog["meme.create"],
      attempts: limits.attempts ?? 3,
      backoffMs: limits.backoffMs ?? 20,
      timeoutMs: limits.timeoutMs ?? 5_000,
    },
  };
}

export const uniquePrefix = () => `test-${randomUUID()}`;

/** A job worker's scrubText as a process with no configured secrets has it: secrets found by shape are scrubbed. */
export const scrubText = createScrubber([]).scrubText;

export interface TestJobQueue {
  producer: JobQueueProducer;
  worker: JobWorker;
}

/** The handlers a job test about command jobs gives; "meme.create" is the one command job kind. */
export type CommandJobHandlers = Pick<JobHandlers, "meme.create">;

/**
 * Every kind's handler, as a worker needs: the test's own, and for the other kinds (except
 * "meme.create", which a test may leave out on purpose) one that fails loudly should such a job
 * reach it.
 */
export function withOtherKinds(handlers: Partial<JobHandlers>): JobHandlers {
  const loud = (name: string) => async () => {
    throw new Error(`this test enqueues no ${name} job`);
  };
  const others = Object.keys(jobCatalog).filter((name) => name !== "meme.create");
  return { ...Object.fromEntries(others.map((name) => [name, loud(name)])), ...handlers } as JobHandlers;
}

/**
 * A producer and a worker on the "commands" queue of `prefix`, both on `catalog`, with a 5 s lock
 * (a test that kills workers sets its own). Close both when the test ends.
 */
export function startTestJobQueue(options: {
  redis: Redis;
  prefix: string;
  catalog: JobCatalog;
  handlers: CommandJobHandlers;
  onFinalFailure: FinalFailureHandler;
  logger: JobWorkerOptions["logger"];
  metrics?: JobWorkerOptions["metrics"];
  concurrency?: number;
  now?: () => number;
}): TestJobQueue {
  const { redis, prefix, catalog } = options;
  const producer = createJobProducer({ connection: redis, prefix, catalog });
  const worker = createJobWorker({
    connection: redis,
    prefix,
    concurrency: options.concurrency ?? 4,
    lockDurationMs: 5_000,
    handlers: withOtherKinds(options.handlers),
    onFinalFailure: options.onFinalFailure,
    logger: options.logger,
    scrubText,
    catalog,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return { producer, worker };
}

/** Deletes every key under `prefix:` (queues, delivery claims). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}

export interface RecordedLog {
  level: "info" | "warn" | "error";
  object: object;
  message: string;
}

/** A logger that keeps what it is told, so tests can assert on it. */
export function recordingLogger() {
  const lines: RecordedLog[] = [];
  const at = (level: RecordedLog["level"]) => (object: object, message: string) => {
    lines.push({ level, object, message });
  };
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}
