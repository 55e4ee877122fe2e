// Accounting of model calls, written in batches. A model call is on a user's path (a meme, a chat
// answer), so recording one must never wait on the database: rows gather in memory and leave in one
// INSERT per flush, every second or every 200 rows. The columns travel as arrays and are unnested by
// PostgreSQL, so a flush is one statement with nine parameters however many rows it carries (a VALUES
// list would run into the 65,535-parameter limit after a long outage). While the database is away the
// rows wait for the next flush, and past a cap the oldest go, so an outage cannot exhaust memory.
import type { PrismaClient } from "../generated/client.ts";
import { Platform } from "../generated/enums.ts";
import { ensureCommunity } from "./participants.ts";

/** The community a call is charged to, as the gateway names it. */
export interface ModelCallCommunity {
  platform: string;
  externalId: string;
}

/** One model call to account for (the gateway's ModelCallRecord). */
export interface ModelCallEntry {
  /** Absent for operator tools, which no community pays for. */
  community?: ModelCallCommunity | undefined;
  task: string;
  /** The provider that answered, or "offline". */
  provider: string;
  model: string;
  outcome: string;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  at: Date;
}

export interface RecorderLogger {
  warn(object: object, message: string): void;
}

export interface ModelCallRecorderOptions {
  logger: RecorderLogger;
  /** How often buffered rows are written. */
  flushIntervalMs?: number;
  /** Rows that start a flush at once, without waiting for the interval. */
  batchSize?: number;
  /** Rows kept while writes fail; beyond it the oldest are dropped (and counted in a log line). */
  maxBuffered?: number;
}

export interface BatchedModelCallRecorder {
  /** Buffers the call; returns at once. */
  record(call: ModelCallEntry): void;
  /** Writes what is buffered; rejects if the database refused (the rows stay buffered for the next try). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is buffered. */
  close(): Promise<void>;
  /** Rows waiting to be written. */
  readonly buffered: number;
}

export const DEFAULT_FLUSH_INTERVAL_MS = 1_000;
export const DEFAULT_BATCH_SIZE = 200;
export const DEFAULT_MAX_BUFFERED = 10_000;
/** The columns are PostgreSQL `integer`s. */
const MAX_INT = 2_147_483_647;

/** A count for an integer column: whole, never negative, never past the column's range. */
const count = (value: number): number =>
  Number.isFinite(value) ? Math.min(Math.max(Math.round(value), 0), MAX_INT) : 0;

// PostgreSQL's text refuses NUL, and one row it refuses would hold back every batch after it.
const text = (value: string): string => (value.includes("\u0000") ? value.replaceAll("\u0000", "") : value);

/** The row as it will be stored: a batch must never fail on what a caller passed in. */
function cleaned(call: ModelCallEntry): ModelCallEntry {
  // One object shape for every row (community present or undefined): record() is on the caller's path.
  return {
    community: call.community
      ? { platform: call.community.platform, externalId: text(call.community.externalId) }
      : undefined,
    task: text(call.task),
    provider: text(call.provider),
    model: text(call.model),
    outcome: text(call.outcome),
    tokensIn: count(call.tokensIn),
    tokensOut: count(call.tokensOut),
    latencyMs: count(call.latencyMs),
    at: Number.isFinite(call.at.getTime()) ? call.at : new Date(),
  };
}

const isPlatform = (value: string): value is Platform => Object.hasOwn(Platform, value);

export function createModelCallRecorder(
  prisma: PrismaClient,
  options: ModelCallRecorderOptions,
): BatchedModelCallRecorder {
  const { logger } = options;
  const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;

  let buffer: ModelCallEntry[] = [];
  let dropped = 0;
  let writing: Promise<void> | undefined;
  // After a failed write only the timer retries: a full buffer must not turn every record() into an attempt.
  let failing = false;

  const dropOldest = () => {
    const excess = buffer.length - maxBuffered;
    if (excess <= 0) return;
    buffer = buffer.slice(excess);
    dropped += excess;
  };

  /** Writes one batch: the buffer as it is now. Failed rows go back in front of newer ones. */
  async function writeBatch(): Promise<void> {
    if (dropped > 0) {
      logger.warn(
        { dropped, maxBuffered },
        "model calls dropped from accounting: the database was unreachable and the buffer was full",
      );
      dropped = 0;
    }
    const batch = buffer;
    buffer = [];
    try {
      await insertModelCalls(prisma, batch, logger);
      failing = false;
    } catch (error) {
      failing = true;
      buffer = batch.concat(buffer);
      dropOldest();
      throw error;
    }
  }

  /** One write at a time; a flush asked for meanwhile runs after it, on the rows that came since. */
  async function flush(): Promise<void> {
    while (writing) await writing.catch(() => undefined);
    if (buffer.length === 0) return;
    writing = writeBatch().finally(() => {
      writing = undefined;
    });
    await writing;
  }

  const flushInBackground = (): void => {
    flush().then(
      // Rows that came in during the write may already fill another batch.
      () => {
        if (buffer.length >= batchSize && !writing) flushInBackground();
      },
      (error: unknown) =>
        logger.warn({ err: error, buffered: buffer.length }, "model calls not written yet; retrying"),
    );
  };

  const timer = setInterval(() => {
    if (buffer.length > 0 && !writing) flushInBackground();
  }, flushIntervalMs);
  // Accounting alone must not keep a process alive.
  timer.unref();

  return {
    record(call) {
      buffer.push(cleaned(call));
      dropOldest();
      if (buffer.length >= batchSize && !writing && !failing) flushInBackground();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
    get buffered() {
      return buffer.length;
    },
  };
}

/** One lookup for the batch's communities (creating any not seen yet), then one INSERT. */
async function insertModelCalls(
  prisma: PrismaClient,
  batch: readonly ModelCallEntry[],
  logger: RecorderLogger,
): Promise<void> {
  if (batch.length === 0) return;
  const keyOf = (community: ModelCallCommunity) => `${community.platform}\u0000${community.externalId}`;
  const wanted = new Map<string, { platform: Platform; externalId: string }>();
  let unknownPlatforms = 0;
  for (const { community } of batch) {
    if (!community) continue;
    if (isPlatform(community.platform)) {
      wanted.set(keyOf(community), { platform: community.platform, externalId: community.externalId });
    } else unknownPlatforms += 1;
  }
  if (unknownPlatforms > 0) {
    // A caller's bug, not the database's: the calls still count, charged to no community.
    logger.warn(
      { calls: unknownPlatforms },
      "model calls for an unknown platform recorded without community",
    );
  }

  const ids = new Map<string, string>();
  if (wanted.size > 0) {
    const keys = [...wanted.values()];
    const found = await prisma.$queryRaw<{ id: string; platform: string; externalId: string }[]>`
      SELECT c."id", c."platform"::text AS "platform", c."externalId"
      FROM "Community" c
      JOIN unnest(${keys.map((key) => key.platform)}::text[], ${keys.map((key) => key.externalId)}::text[])
        AS k("platform", "externalId")
        ON c."platform" = k."platform"::"Platform" AND c."externalId" = k."externalId"`;
    for (const row of found) ids.set(keyOf(row), row.id);
    // New communities are rare (the bot has usually stored the community before any model call).
    for (const [key, community] of wanted) {
      if (!ids.has(key)) ids.set(key, await ensureCommunity(prisma, community));
    }
  }

  const column = <T>(pick: (call: ModelCallEntry) => T) => batch.map(pick);
  await prisma.$executeRaw`
    INSERT INTO "ModelCall"
      ("communityId", "task", "provider", "model", "outcome", "tokensIn", "tokensOut", "latencyMs", "createdAt")
    SELECT u."communityId", u."task", u."provider", u."model", u."outcome", u."tokensIn", u."tokensOut",
           u."latencyMs", to_timestamp(u."atMs" / 1000.0) AT TIME ZONE 'UTC'
    FROM unnest(
      ${column((call) => (call.community ? (ids.get(keyOf(call.community)) ?? null) : null))}::text[],
      ${column((call) => call.task)}::text[],
      ${column((call) => call.provider)}::text[],
      ${column((call) => call.model)}::text[],
      ${column((call) => call.outcome)}::text[],
      ${column((call) => call.tokensIn)}::int[],
      ${column((call) => call.tokensOut)}::int[],
      ${column((call) => call.latencyMs)}::int[],
      ${column((call) => call.at.getTime())}::float8[]
    ) AS u("communityId", "task", "provider", "model", "outcome", "tokensIn", "tokensOut", "latencyMs", "atMs")`;
}
