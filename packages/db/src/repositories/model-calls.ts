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
/** Communities remembered as existing; past it the set starts again (one lookup per community). */
const MAX_KNOWN_COMMUNITIES = 10_000;
/** The columns are PostgreSQL `integer`s. */
const MAX_INT = 2_147_483_647;

/** A count for an integer column: whole, never negative, never past the column's range. */
const count = (value: number): number =>
  Number.isFinite(value) ? Math.min(Math.max(Math.round(value), 0), MAX_INT) : 0;

// PostgreSQL's text refuses NUL and (as JSON, how a batch travels) a lone surrogate, and one row it
// refuses would hold back every batch after it. (Sent as UTF-8 text, a lone surrogate became U+FFFD.)
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");
function text(value: string): string {
  const wellFormed = LONE_SURROGATE.test(value) ? value.replace(LONE_SURROGATES, "\uFFFD") : value;
  return wellFormed.includes("\u0000") ? wellFormed.replaceAll("\u0000", "") : wellFormed;
}

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
  // Communities known to exist in the database (platform and external id): not looked up again.
  const knownCommunities = new Set<string>();
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
      await insertModelCalls(prisma, batch, knownCommunities, logger);
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

/**
 * One INSERT for the batch: the rows travel as one JSON parameter (serialised natively, parsed by
 * PostgreSQL; nine escaped array parameters cost a flush several milliseconds of our CPU) and find
 * their community by its key (a lookup per row, so the rows keep their order). Communities this recorder has not seen yet are looked up first in one
 * query (creating any missing); after that a flush is the INSERT alone. A known community deleted
 * since keeps its new rows, charged to no community.
 */
async function insertModelCalls(
  prisma: PrismaClient,
  batch: readonly ModelCallEntry[],
  known: Set<string>,
  logger: RecorderLogger,
): Promise<void> {
  if (batch.length === 0) return;
  const unseen = new Map<string, { platform: Platform; externalId: string }>();
  let unknownPlatforms = 0;
  const rows: JsonRow[] = [];
  for (const call of batch) {
    const { community } = call;
    let platform: Platform | null = null;
    let externalId: string | null = null;
    if (community) {
      if (isPlatform(community.platform)) {
        ({ platform, externalId } = community as { platform: Platform; externalId: string });
        const key = communityKeyOf(community);
        if (!known.has(key)) unseen.set(key, { platform, externalId });
      } else unknownPlatforms += 1;
    }
    rows.push({
      p: platform,
      e: externalId,
      t: call.task,
      v: call.provider,
      m: call.model,
      o: call.outcome,
      i: call.tokensIn,
      u: call.tokensOut,
      l: call.latencyMs,
      a: call.at.getTime(),
    });
  }
  if (unknownPlatforms > 0) {
    // A caller's bug, not the database's: the calls still count, charged to no community.
    logger.warn(
      { calls: unknownPlatforms },
      "model calls for an unknown platform recorded without community",
    );
  }

  if (unseen.size > 0) {
    const keys = [...unseen.values()];
    const found = await prisma.$queryRaw<{ platform: string; externalId: string }[]>`
      SELECT c."platform"::text AS "platform", c."externalId"
      FROM "Community" c
      JOIN unnest(${keys.map((key) => key.platform)}::text[], ${keys.map((key) => key.externalId)}::text[])
        AS k("platform", "externalId")
        ON c."platform" = k."platform"::"Platform" AND c."externalId" = k."externalId"`;
    const exists = new Set(found.map(communityKeyOf));
    // New communities are rare (the bot has usually stored the community before any model call).
    for (const [key, community] of unseen) {
      if (!exists.has(key)) await ensureCommunity(prisma, community);
    }
  }

  await prisma.$executeRaw`
    INSERT INTO "ModelCall"
      ("communityId", "task", "provider", "model", "outcome", "tokensIn", "tokensOut", "latencyMs", "createdAt")
    SELECT
      (SELECT c."id" FROM "Community" c WHERE c."platform" = r."p"::"Platform" AND c."externalId" = r."e"),
      r."t", r."v", r."m", r."o", r."i", r."u", r."l", to_timestamp(r."a" / 1000.0) AT TIME ZONE 'UTC'
    FROM json_to_recordset(${JSON.stringify(rows)}::json)
      AS r("p" text, "e" text, "t" text, "v" text, "m" text, "o" text, "i" int, "u" int, "l" int, "a" float8)`;
  // Only once the rows are in: a failed batch looks its communities up again on the retry.
  if (known.size + unseen.size > MAX_KNOWN_COMMUNITIES) known.clear();
  for (const key of unseen.keys()) known.add(key);
}

/** One row of a batch as sent: short keys, since the batch travels as JSON text. */
interface JsonRow {
  p: Platform | null;
  e: string | null;
  t: string;
  v: string;
  m: string;
  o: string;
  i: number;
  u: number;
  l: number;
  a: number;
}

const communityKeyOf = (community: ModelCallCommunity) =>
  `${community.platform}\u0000${community.externalId}`;
