// Chatter ingest through the listener pipeline, over this run's PostgreSQL: only communities that
// track are stored; bots, commands, text without letters and raids are skipped; mentions come from
// the community's tracked tokens; a burst is written in a few INSERTs (one per batch); a failed
// write is retried without losing the batch, and close() writes what is buffered.
import { randomUUID } from "node:crypto";
import {
  createChatterIngest,
  createListenerPipeline,
  createRegistry,
  createSettingsModel,
  createSettingsStore,
  createTrackedTokenCache,
  type ChatterRow,
  type CommunityRef,
  type ListenedMessage,
} from "@memebot/core";
import { createRepositories, type Database } from "@memebot/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";

const BONK_MINT = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";

let database: Database;
let repositories: ReturnType<typeof createRepositories>;
beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(() => database.close());

const settingsModel = createSettingsModel(createRegistry().all);
const quietLogger = { warn: () => undefined, error: () => undefined };
const admin = { platform: "telegram" as const, externalId: "1" };

const newCommunity = (): CommunityRef => ({
  platform: "telegram",
  externalId: `-100${randomUUID()}`,
  kind: "group",
});

let counter = 0;
// Each message a millisecond after the last, so stored rows read back in the order they were sent.
const base = Date.now();
function message(community: CommunityRef, overrides: Partial<ListenedMessage> = {}): ListenedMessage {
  counter++;
  return {
    key: `telegram:9:${randomUUID()}`,
    platform: "telegram",
    community,
    threadKey: `telegram:${community.externalId}`,
    author: { externalId: String(1000 + (counter % 50)), isBot: false },
    origin: "user",
    text: `message number ${counter} about the market`,
    isPrivate: false,
    mentionsBot: false,
    repliesToBot: false,
    replyTo: { platform: "telegram", chatId: community.externalId, replyToMessageId: counter },
    receivedAt: base + counter,
    ...overrides,
  };
}

/** The ingest on the real repository; `inserts` records each statement's rows (one call is one INSERT). */
function setUp(
  options: {
    failFirst?: number;
    batchSize?: number;
    flushAfterMs?: number;
    maxBuffered?: number;
    /** Each INSERT waits for this first: a database that is up but slower than the chatter. */
    slowDatabase?: Promise<void>;
  } = {},
) {
  const settings = createSettingsStore({ repository: repositories.communities, model: settingsModel });
  const inserts: number[] = [];
  let failuresLeft = options.failFirst ?? 0;
  const ingest = createChatterIngest({
    settings,
    tokens: createTrackedTokenCache((community) => repositories.chatter.trackedTokens(community)),
    insert: async (rows: readonly ChatterRow[]) => {
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error("database unavailable");
      }
      inserts.push(rows.length);
      await options.slowDatabase;
      return repositories.chatter.insertMessages(rows);
    },
    logger: quietLogger,
    ...(options.maxBuffered ? { maxBuffered: options.maxBuffered } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.flushAfterMs ? { flushAfterMs: options.flushAfterMs } : {}),
  });
  const pipeline = createListenerPipeline({ consumers: [ingest], logger: quietLogger });
  return { settings, ingest, pipeline, inserts };
}

async function tracking(community: CommunityRef) {
  const settings = createSettingsStore({ repository: repositories.communities, model: settingsModel });
  const changed = await settings.change(community, admin, "sentiment", "on");
  expect(changed.ok).toBe(true);
}

const storedOf = (community: CommunityRef) =>
  database.prisma.chatterMessage.findMany({
    where: { community: { platform: community.platform, externalId: community.externalId } },
    orderBy: { createdAt: "asc" },
  });

describe("chatter ingest", () => {
  it("stores nothing of a community that does not track, and stops asking about it", async () => {
    const community = newCommunity();
    const { pipeline, ingest } = setUp();
    const first = await pipeline.receive(message(community));
    expect(first.handled).toEqual([
      { consumer: "sentiment", outcome: { outcome: "sentiment.off", replies: 0 } },
    ]);
    // Known to be off: refused in `wants`, with no settings read.
    expect((await pipeline.receive(message(community))).dropped).toBe("unwanted");
    await ingest.close();
    expect(await storedOf(community)).toEqual([]);
    expect(ingest.stats().written).toBe(0);
  });

  it("skips private messages, bots, commands, text without letters and raids; keeps the rest with mentions", async () => {
    const community = newCommunity();
    await tracking(community);
    await repositories.chatter.trackToken({
      community,
      symbol: "BONK",
      mint: BONK_MINT,
      aliases: ["bonk", "bonk inu"],
      createdBy: "1",
    });
    const { pipeline, ingest } = setUp();
    const outcomes: string[] = [];
    const send = async (overrides: Partial<ListenedMessage>) => {
      const report = await pipeline.receive(message(community, overrides));
      const handled = report.handled[0]?.outcome;
      outcomes.push(report.dropped ?? (handled === "failed" ? "failed" : (handled?.outcome ?? "none")));
    };
    await send({ text: "bonk inu is going to send, $WIF too", author: { externalId: "7", isBot: false } });
    await send({ text: "gm", isPrivate: true });
    await send({ text: "buy buy buy", author: { externalId: "8", isBot: true } });
    await send({ text: "/price bonk" });
    await send({ text: "!buy 100" });
    await send({ text: "+1 🚀🚀 100%" });
    // A raid: one text from many accounts, slightly varied; and one member repeating themself.
    const raid = "JOIN NOW!!! free airdrop for holders";
    for (let index = 0; index < 6; index++) {
      await send({
        text: index % 2 ? raid.toLowerCase() : raid,
        author: { externalId: `r${index}`, isBot: false },
      });
    }
    await send({ text: "so bearish today", author: { externalId: "9", isBot: false } });
    await send({ text: "so bearish today", author: { externalId: "9", isBot: false } });
    await send({ text: `ca ${BONK_MINT}`, author: { externalId: "10", isBot: false } });
    await ingest.close();

    expect(outcomes).toEqual([
      "sentiment.buffered",
      "unwanted",
      "bot_author",
      "sentiment.command",
      "sentiment.command",
      "no_text",
      "sentiment.buffered",
      "sentiment.buffered",
      "sentiment.raid",
      "sentiment.raid",
      "sentiment.raid",
      "sentiment.raid",
      "sentiment.buffered",
      "sentiment.repeat",
      "sentiment.buffered",
    ]);
    const stored = await storedOf(community);
    expect(stored.map((row) => [row.authorId, row.text, row.mentions])).toEqual([
      ["7", "bonk inu is going to send, $WIF too", ["BONK", "WIF"]],
      ["r0", raid, []],
      ["r1", raid.toLowerCase(), []],
      ["9", "so bearish today", []],
      ["10", `ca ${BONK_MINT}`, ["BONK"]],
    ]);
    // Copies of the raid share their content hash.
    expect(stored[1]?.contentHash).toBe(stored[2]?.contentHash);
    expect(stored[0]?.channelKey).toBe(`telegram:${community.externalId}`);
  });

  it("writes a burst in one INSERT per batch and never makes a message wait on the database", async () => {
    const community = newCommunity();
    await tracking(community);
    const { pipeline, ingest, inserts } = setUp();
    const burst = Array.from({ length: 2_000 }, () => message(community));
    const started = performance.now();
    const reports = await Promise.all(burst.map((each) => pipeline.receive(each)));
    const intakeMs = performance.now() - started;
    expect(reports.every((report) => report.handled[0]?.outcome !== "failed")).toBe(true);
    await ingest.close();
    expect((await storedOf(community)).length).toBe(2_000);
    // 2,000 messages: 4 full batches of 500 (a trailing partial one at most), not 2,000 round trips.
    expect(inserts.length).toBeLessThanOrEqual(5);
    expect(inserts.reduce((sum, rows) => sum + rows, 0)).toBe(2_000);
    expect(Math.max(...inserts)).toBeLessThanOrEqual(500);
    // The figure the report quotes: intake time of a burst, and statements it cost.
    // eslint-disable-next-line no-console
    console.info(
      `ingest: 2000 messages taken in ${intakeMs.toFixed(0)} ms, written in ${inserts.length} INSERTs`,
    );
  });

  it("GIVEN a burst beyond what the database writes THEN the listener waits for room and loses nothing", async () => {
    const community = newCommunity();
    await tracking(community);
    let release: () => void = () => undefined;
    const slowDatabase = new Promise<void>((resolve) => (release = resolve));
    const { pipeline, ingest } = setUp({ batchSize: 10, maxBuffered: 20, slowDatabase });
    let received = 0;
    const burst = Array.from({ length: 100 }, () =>
      pipeline.receive(message(community)).then(() => received++),
    );
    // The database holds its first batch: the buffer fills to its bound and the rest wait, none dropped.
    await expect.poll(() => ingest.stats().buffered, { timeout: 2_000, interval: 10 }).toBe(20);
    expect(received).toBeLessThan(100);
    expect(ingest.stats().dropped).toBe(0);
    release();
    await Promise.all(burst);
    await ingest.close();
    expect(ingest.stats()).toMatchObject({ dropped: 0, written: 100 });
    expect(await storedOf(community)).toHaveLength(100);
  });

  it("writes a quiet group's messages within the flush interval", async () => {
    const community = newCommunity();
    await tracking(community);
    const { pipeline, ingest, inserts } = setUp({ flushAfterMs: 50 });
    await pipeline.receive(message(community, { text: "lonely message" }));
    expect(inserts).toEqual([]);
    await expect.poll(() => inserts, { timeout: 2_000, interval: 20 }).toEqual([1]);
    expect((await storedOf(community)).map((row) => row.text)).toEqual(["lonely message"]);
    await ingest.close();
  });

  it("keeps a batch the database refused and writes it on the retry", async () => {
    const community = newCommunity();
    await tracking(community);
    const { pipeline, ingest, inserts } = setUp({ failFirst: 1, batchSize: 10 });
    for (let index = 0; index < 10; index++) await pipeline.receive(message(community));
    // The first write failed; the retry comes about a second later.
    await expect.poll(() => inserts, { timeout: 5_000, interval: 50 }).toEqual([10]);
    // `inserts` counts the statement as it is sent; `written`, once PostgreSQL has answered.
    await expect.poll(() => ingest.stats().written, { timeout: 5_000, interval: 20 }).toBe(10);
    expect(ingest.stats()).toMatchObject({ written: 10, failedFlushes: 1, dropped: 0, buffered: 0 });
    expect(await storedOf(community)).toHaveLength(10);
    await ingest.close();
  });

  it("writes what is buffered when the process stops", async () => {
    const community = newCommunity();
    await tracking(community);
    const { pipeline, ingest } = setUp({ flushAfterMs: 60_000 });
    for (let index = 0; index < 3; index++) await pipeline.receive(message(community));
    expect(ingest.stats().buffered).toBe(3);
    await pipeline.close();
    expect(await storedOf(community)).toHaveLength(3);
    expect(ingest.wants(message(community))).toBe(false);
  });
});
