// Chatter ingest: the listener consumer beside conversation. It hears every group message of a
// community that tracks sentiment, skips what says nothing about the mood (bots, commands, text
// without letters, raids), notes the tokens it mentions and keeps it in a batch; the batch is written
// in one INSERT when it is full or old enough. A busy group costs one statement per batch, never one
// per message, and `handle` returns without waiting for the database: commands never queue behind it.
import type { ConsumerOutcome, ListenerConsumer } from "../listen/consumer.ts";
import type { ListenedMessage } from "../listen/message.ts";
import type { CommunityRef } from "../platform.ts";
import type { CommunitySettings } from "../settings.ts";
import {
  createMentionMatcher,
  extractMentions,
  type MentionMatcher,
  type TrackedTokenRef,
} from "./mentions.ts";
import { createRaidFilter, type RaidFilter } from "./raid-filter.ts";

/** One message as ingest stores it (the chatter repository's NewChatterMessage). */
export interface ChatterRow {
  community: Pick<CommunityRef, "platform" | "externalId">;
  key: string;
  channelKey: string;
  authorId: string;
  text: string;
  mentions: string[];
  contentHash: string;
  createdAt: Date;
}

export interface ChatterIngestOptions {
  settings: { get(community: CommunityRef): Promise<Pick<CommunitySettings, "sentiment">> };
  /** The community's tracked tokens (read through a short cache: see createTrackedTokenCache). */
  tokens: (community: CommunityRef) => Promise<readonly TrackedTokenRef[]>;
  /** Writes a batch in one statement; rejects to have it retried. */
  insert: (rows: readonly ChatterRow[]) => Promise<unknown>;
  logger: { warn(object: object, message: string): void; error(object: object, message: string): void };
  /**
   * Asks for the scoring of a community whose messages were just written (createScoringTrigger: one
   * job per community every few seconds, however many batches ask). Absent: nothing is scored.
   */
  requestScoring?: (community: Pick<CommunityRef, "platform" | "externalId">) => Promise<unknown>;
  /** Rows per INSERT: a batch this full is written at once. 500 by default. */
  batchSize?: number;
  /** The oldest buffered row waits at most this long. 200 ms by default. */
  flushAfterMs?: number;
  /**
   * Rows kept in memory, 20,000 by default. Full while the database is up, the listener waits for room;
   * while it fails, the oldest are dropped (and counted).
   */
  maxBuffered?: number;
  raidFilter?: RaidFilter;
  /** How long a community's "tracking off" lets `wants` refuse its messages without asking. */
  offCacheMs?: number;
  now?: () => number;
}

export interface ChatterIngest extends ListenerConsumer {
  /** Writes what is buffered now; resolves when written (or failed, kept for the retry). */
  flush(): Promise<void>;
  /** Stops taking messages and writes what is buffered (one retry); what still fails is logged as lost. */
  close(): Promise<void>;
  stats(): { buffered: number; written: number; dropped: number; flushes: number; failedFlushes: number };
}

/** Text that is a command to us or another bot ("/price", "!buy"), not chatter. */
const COMMAND = /^[/!][\p{L}\p{N}_]/u;
const LETTER = /\p{L}/u;
const MAX_RETRY_DELAY_MS = 30_000;

const communityKeyOf = (community: Pick<CommunityRef, "platform" | "externalId">) =>
  `${community.platform}:${community.externalId}`;

export function createChatterIngest(options: ChatterIngestOptions): ChatterIngest {
  const { settings, tokens, insert, logger, requestScoring } = options;
  const batchSize = options.batchSize ?? 500;
  const flushAfterMs = options.flushAfterMs ?? 200;
  const maxBuffered = options.maxBuffered ?? 20_000;
  const offCacheMs = options.offCacheMs ?? 5_000;
  const now = options.now ?? Date.now;
  const raids = options.raidFilter ?? createRaidFilter({ now });

  // Communities known not to track, until when: `wants` must answer without I/O, and most groups
  // do not track. Unknown ones are wanted once, and `handle` learns their setting (cached).
  const offUntil = new Map<string, number>();
  let buffer: ChatterRow[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let failures = 0;
  let closed = false;
  // Listeners waiting for room in a full buffer while the database is up but behind (see handle).
  let roomWaiters: Array<() => void> = [];
  const counts = { written: 0, dropped: 0, flushes: 0, failedFlushes: 0 };

  function schedule(delayMs: number) {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, delayMs);
    // A pending flush must not keep a process alive that is otherwise done (close() flushes anyway).
    timer.unref();
  }

  async function writeOnce(): Promise<void> {
    const rows = buffer.splice(0, batchSize);
    if (rows.length === 0) return;
    counts.flushes++;
    try {
      await insert(rows);
      counts.written += rows.length;
      failures = 0;
      wakeRoomWaiters();
      if (requestScoring) askForScoring(rows, requestScoring);
    } catch (error) {
      counts.failedFlushes++;
      failures++;
      // Back at the front, in order; the buffer's bound drops the oldest if the outage lasts.
      buffer = rows.concat(buffer);
      trim();
      // Waiting for room makes no sense during an outage: they go on, and the bound applies.
      wakeRoomWaiters(true);
      logger.warn(
        { err: error, rows: rows.length, buffered: buffer.length },
        "chatter batch not stored; retrying",
      );
      throw error;
    }
  }

  /** Once per community of the batch; not awaited, and a failed ask is only logged (the next batch asks again). */
  function askForScoring(rows: readonly ChatterRow[], request: NonNullable<typeof requestScoring>) {
    const communities = new Map(rows.map((row) => [communityKeyOf(row.community), row.community]));
    for (const community of communities.values()) {
      request(community).catch((error: unknown) =>
        logger.warn({ err: error }, "chatter scoring not requested; the next batch asks again"),
      );
    }
  }

  function wakeRoomWaiters(all = false) {
    if (roomWaiters.length === 0 || (!all && buffer.length >= maxBuffered)) return;
    const waiting = roomWaiters;
    roomWaiters = [];
    for (const wake of waiting) wake();
  }

  /**
   * A burst beyond what the database writes, while it is up: the listener waits for room rather than
   * lose chatter (backpressure; the platform's updates queue meanwhile). During an outage (failures)
   * nothing waits: the buffer's bound drops the oldest instead, so memory stays bounded.
   */
  const mustWaitForRoom = () => buffer.length >= maxBuffered && failures === 0 && !closed;
  function roomInBuffer(): Promise<void> {
    void flush();
    return new Promise<void>((resolve) => roomWaiters.push(resolve));
  }

  function trim() {
    const excess = buffer.length - maxBuffered;
    if (excess <= 0) return;
    buffer.splice(0, excess);
    counts.dropped += excess;
    logger.error({ dropped: excess, maxBuffered }, "chatter buffer full: oldest messages dropped");
  }

  /** Writes full batches until the buffer is empty; one flush at a time. */
  function flush(): Promise<void> {
    if (flushing) return flushing;
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    flushing = (async () => {
      try {
        while (buffer.length > 0) await writeOnce();
      } catch {
        // Retried with backoff: 1 s, 2 s, 4 s… up to 30 s.
        schedule(Math.min(MAX_RETRY_DELAY_MS, 1_000 * 2 ** (failures - 1)));
      } finally {
        flushing = undefined;
      }
      // Rows that came in while the last batch was written wait no longer than their own deadline.
      if (failures > 0) return;
      if (buffer.length >= batchSize) void flush();
      else if (buffer.length > 0) schedule(flushAfterMs);
    })();
    return flushing;
  }

  function add(row: ChatterRow) {
    buffer.push(row);
    trim();
    if (buffer.length >= batchSize && failures === 0) void flush();
    else schedule(flushAfterMs);
  }

  // Alias matchers compiled once per token list (the list is cached by the caller).
  const matchers = new WeakMap<readonly TrackedTokenRef[], MentionMatcher>();
  function matcherOf(list: readonly TrackedTokenRef[]): MentionMatcher {
    let matcher = matchers.get(list);
    if (!matcher) {
      matcher = createMentionMatcher(list);
      matchers.set(list, matcher);
    }
    return matcher;
  }

  function rememberOff(key: string) {
    offUntil.delete(key);
    if (offUntil.size >= 10_000) {
      const oldest = offUntil.keys().next().value;
      if (oldest !== undefined) offUntil.delete(oldest);
    }
    offUntil.set(key, now() + offCacheMs);
  }

  return {
    name: "sentiment",
    wants(message: ListenedMessage) {
      if (closed || message.isPrivate || message.author.isBot || message.origin !== "user") return false;
      const until = offUntil.get(communityKeyOf(message.community));
      return until === undefined || until <= now();
    },
    async handle(message): Promise<ConsumerOutcome> {
      const key = communityKeyOf(message.community);
      const { sentiment } = await settings.get(message.community);
      if (!sentiment.tracking) {
        rememberOff(key);
        return { outcome: "sentiment.off", replies: 0 };
      }
      offUntil.delete(key);
      const text = message.text.trim();
      if (COMMAND.test(text)) return { outcome: "sentiment.command", replies: 0 };
      if (!LETTER.test(text)) return { outcome: "sentiment.no_letters", replies: 0 };
      const verdict = raids.check(key, message.author.externalId, text);
      if (!verdict.keep) return { outcome: `sentiment.${verdict.reason}`, replies: 0 };
      const mentions = extractMentions(text, matcherOf(await tokens(message.community)));
      // Checked right before add, with no await in between: concurrent handlers cannot all pass it.
      while (mustWaitForRoom()) await roomInBuffer();
      add({
        community: { platform: message.community.platform, externalId: message.community.externalId },
        key: message.key,
        channelKey: message.threadKey,
        authorId: message.author.externalId,
        text,
        mentions,
        contentHash: verdict.contentHash,
        createdAt: new Date(message.receivedAt),
      });
      return { outcome: "sentiment.buffered", replies: 0 };
    },
    flush,
    async close() {
      closed = true;
      wakeRoomWaiters(true);
      if (timer) clearTimeout(timer);
      timer = undefined;
      // On shutdown: what is buffered is written, with one retry; what still fails is logged as lost.
      for (let attempt = 0; attempt < 2 && buffer.length > 0; attempt++) {
        if (flushing) await flushing;
        await flush();
        if (timer) clearTimeout(timer);
        timer = undefined;
      }
      if (buffer.length > 0) {
        logger.error({ lost: buffer.length }, "chatter not stored at shutdown");
        counts.dropped += buffer.length;
        buffer = [];
      }
    },
    stats: () => ({ buffered: buffer.length, ...counts }),
  };
}

/** The community's tracked tokens, read at most once per `ttlMs` (a /track change shows within it). */
export function createTrackedTokenCache(
  load: (community: CommunityRef) => Promise<readonly TrackedTokenRef[]>,
  { ttlMs = 30_000, maxEntries = 10_000, now = Date.now } = {},
) {
  const cache = new Map<string, { expires: number; value: Promise<readonly TrackedTokenRef[]> }>();
  return (community: CommunityRef): Promise<readonly TrackedTokenRef[]> => {
    const key = communityKeyOf(community);
    const hit = cache.get(key);
    if (hit && hit.expires > now()) return hit.value;
    cache.delete(key);
    if (cache.size >= maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    const value = load(community);
    cache.set(key, { expires: now() + ttlMs, value });
    // A failed read is not cached, and the message is stored without alias mentions rather than lost.
    const safe = value.catch(() => {
      cache.delete(key);
      return [] as readonly TrackedTokenRef[];
    });
    cache.set(key, { expires: now() + ttlMs, value: safe });
    return safe;
  };
}
