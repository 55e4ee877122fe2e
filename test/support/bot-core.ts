// The bot's core as production composes it (createBotDispatch from apps/bot), on this
// run's PostgreSQL and the real Redis, for the chat adapter tests. Nothing of ours is a
// stand-in: what a test wants to know about jobs, runs and settings it reads back from
// BullMQ and PostgreSQL, and log lines are the JSON the real logger writes.
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { Queue } from "bullmq";
import { parseEnv, secretsOf } from "@memebot/config";
import {
  queueNames,
  type CommandRegistry,
  type Dispatch,
  type JobName,
  type JobPayload,
  type ListenerPipeline,
} from "@memebot/core";
import type { Platform, Prisma } from "@memebot/db";
import { openInfrastructure, type Infrastructure } from "@memebot/runtime";
import type { JobQueueProducer } from "@memebot/jobs";
import { createLogger } from "@memebot/telemetry";
import { createBotDispatch } from "../../apps/bot/src/bot.ts";
import { deletePrefix } from "../jobs/support.ts";
import { testDatabaseUrl } from "./database.ts";
import { REDIS_URL } from "./fake-services-env.ts";

/** pino's level numbers, as they appear in `LogLine.level`. */
export const LEVEL = { info: 30, warn: 40, error: 50 } as const;

/** One JSON line of the logger's output. */
export interface LogLine {
  level: number;
  msg: string;
  /** pino's serialization of an Error passed as `err`. */
  err?: { type: string; message: string; stack?: string };
  [field: string]: unknown;
}

export interface QueuedJob<N extends JobName = JobName> {
  name: N;
  /** BullMQ's id: jobIdFor(the run key). */
  id: string;
  data: JobPayload<N>;
}

export interface StoredRun {
  key: string;
  command: string;
  args: string;
  status: string;
  outcome: string | null;
  detail: string | null;
  community: { platform: Platform; externalId: string; title: string | null };
  /** The user's identity on the community's platform. */
  actor: { platform: Platform; externalId: string; username: string | null; displayName: string | null };
}

export interface CommunityKey {
  platform: Platform;
  externalId: string;
}

export interface BotCoreOptions {
  /** PostgreSQL to use; this run's test database unless a test reaches it through a proxy. */
  databaseUrl?: string;
  /** Redis key prefix of the gate and the queues; a fresh one unless replicas must share it. */
  prefix?: string;
  /** More environment variables, e.g. shorter DATABASE_*_TIMEOUT_MS. */
  env?: Record<string, string>;
  /** Origins besides Discord's CDN that Discord attachments may be fetched from (the fake Discord's). */
  attachmentOrigins?: readonly string[];
}

export interface BotCore {
  dispatch: Dispatch;
  /** Where adapters hand messages that are not commands (conversation), as in production. */
  listener: ListenerPipeline;
  registry: CommandRegistry;
  /** The real logger: hand it to the adapter too, so its lines land in `logs`. */
  logger: Infrastructure["logger"];
  logs: LogLine[];
  prefix: string;
  infrastructure: Infrastructure;
  /** The job producer the dispatcher enqueues with (its `counts()` give jobs by state). */
  producer: JobQueueProducer;
  /** Jobs of one kind ("meme.create" unless named) on the queues of this prefix, oldest first. */
  jobs<N extends JobName = "meme.create">(name?: N): Promise<QueuedJob<N>[]>;
  /** Command runs stored in PostgreSQL that match `where`, oldest first. */
  runs(where: Prisma.CommandRunWhereInput): Promise<StoredRun[]>;
  /** The community's stored settings, or null while it is unknown. */
  settingsOf(community: CommunityKey): Promise<unknown>;
  /** Stores settings for a community; the settings cache holds reads for 5 s, so seed before its first command. */
  seedSettings(community: CommunityKey, settings: Record<string, unknown>): Promise<void>;
  /** Closes the producer and the infrastructure, and deletes the prefix's keys from Redis. */
  close(): Promise<void>;
}

export async function createBotCore(options: BotCoreOptions = {}): Promise<BotCore> {
  const prefix = options.prefix ?? `test-bot-${randomUUID()}`;
  const env = parseEnv({
    NODE_ENV: "test",
    DATABASE_URL: options.databaseUrl ?? testDatabaseUrl(),
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    DATA_DIR: tmpdir(),
    ...options.env,
  });
  const logs: LogLine[] = [];
  // pino writes one whole line per call, synchronously: each is in `logs` when the call returns.
  const destination = { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) };
  const logger = createLogger({ level: "info", secrets: secretsOf(env), destination });
  const infrastructure = await openInfrastructure(env, { logger });
  const { dispatch, registry, producer, listener } = createBotDispatch(
    infrastructure,
    options.attachmentOrigins ? { attachmentOrigins: options.attachmentOrigins } : {},
  );
  const { prisma } = infrastructure.database;
  // Read-only handles on the producer's queues; the shared connection stays open when they close.
  const queues = queueNames.map((name) => new Queue(name, { connection: infrastructure.redis, prefix }));

  return {
    dispatch,
    listener,
    registry,
    logger,
    logs,
    prefix,
    infrastructure,
    producer,

    async jobs<N extends JobName = "meme.create">(name?: N) {
      const kind = name ?? "meme.create";
      const found = await Promise.all(
        queues.map((queue) =>
          queue.getJobs(["waiting", "prioritized", "active", "delayed", "completed", "failed"], 0, -1, true),
        ),
      );
      return found
        .flat()
        .filter((job) => job.name === kind)
        .sort((a, b) => a.timestamp - b.timestamp)
        .map((job) => ({
          name: job.name as N,
          id: job.id ?? "",
          data: job.data as JobPayload<N>,
        }));
    },

    async runs(where) {
      const rows = await prisma.commandRun.findMany({
        where,
        orderBy: [{ createdAt: "asc" }, { key: "asc" }],
        include: { community: true, user: { include: { identities: true } } },
      });
      return rows.map((row) => {
        const identity = row.user.identities.find((known) => known.platform === row.community.platform);
        if (!identity) throw new Error(`run ${row.key} has no ${row.community.platform} identity`);
        return {
          key: row.key,
          command: row.command,
          args: row.args,
          status: row.status,
          outcome: row.outcome,
          detail: row.detail,
          community: {
            platform: row.community.platform,
            externalId: row.community.externalId,
            title: row.community.title,
          },
          actor: {
            platform: identity.platform,
            externalId: identity.externalId,
            username: identity.username,
            displayName: identity.displayName,
          },
        };
      });
    },

    async settingsOf({ platform, externalId }) {
      const community = await prisma.community.findUnique({
        where: { platform_externalId: { platform, externalId } },
        select: { settings: true },
      });
      return community ? community.settings : null;
    },

    async seedSettings({ platform, externalId }, settings) {
      const value = settings as Prisma.InputJsonObject;
      await prisma.community.upsert({
        where: { platform_externalId: { platform, externalId } },
        create: { platform, externalId, settings: value },
        update: { settings: value },
      });
    },

    async close() {
      await Promise.all(queues.map((queue) => queue.close()));
      await producer.close();
      // The gate's marks (kept a day otherwise) and the queues.
      await deletePrefix(infrastructure.redis, prefix);
      await infrastructure.close();
    },
  };
}
