// The batched model-call recorder and the usage summary, on this run's PostgreSQL. Round trips are
// counted by a proxy that reads the statements the client sends (PostgreSQL's wire protocol), and
// outages are a TCP proxy cut in front of the server.
import { randomUUID } from "node:crypto";
import net from "node:net";
import { tmpdir } from "node:os";
import {
  createModelCallRecorder,
  createRepositories,
  openDatabase,
  type BatchedModelCallRecorder,
  type CommunityRef,
  type Database,
  type ModelCallEntry,
  type ModelCallRecorderOptions,
} from "@memebot/db";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openTestDatabase, repositoryOptions, testDatabaseUrl } from "../support/database.ts";
import { startDatabaseProxy, type DatabaseProxy } from "../support/tcp-proxy.ts";

/** A pass-through to PostgreSQL that notes the text of every statement clients send. */
async function startStatementLog(): Promise<{ url: string; statements: string[]; close(): Promise<void> }> {
  const target = new URL(testDatabaseUrl());
  const statements: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    let started = false;
    client.on("data", (chunk: Buffer) => {
      upstream.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      // Before the startup message, messages have no type byte: [length][code]…
      while (!started && pending.length >= 8) {
        const length = pending.readInt32BE(0);
        if (pending.length < length) return;
        started = pending.readInt32BE(4) === 196_608; // protocol 3.0; SSL/GSS requests come before it
        pending = pending.subarray(length);
      }
      // Then: [type][length][body]. Parse (P) carries a name and the SQL; Query (Q) carries the SQL.
      while (started && pending.length >= 5) {
        const length = pending.readInt32BE(1);
        if (pending.length < length + 1) return;
        const body = pending.subarray(5, length + 1);
        const type = String.fromCharCode(pending[0] ?? 0);
        if (type === "Q") statements.push(body.toString("utf8", 0, body.indexOf(0)));
        if (type === "P") {
          const nameEnd = body.indexOf(0);
          statements.push(body.toString("utf8", nameEnd + 1, body.indexOf(0, nameEnd + 1)));
        }
        pending = pending.subarray(length + 1);
      }
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on("error", drop);
      socket.on("close", drop);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(testDatabaseUrl());
  url.hostname = "127.0.0.1";
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    statements,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

const warnings: { object: object; message: string }[] = [];
const logger = { warn: (object: object, message: string) => void warnings.push({ object, message }) };
afterEach(() => {
  warnings.length = 0;
});

// Other test files share this database: every test charges communities and models of its own.
const newCommunity = () => ({ platform: "telegram" as const, externalId: `chat-${randomUUID()}` });

function call(overrides: Partial<ModelCallEntry> = {}): ModelCallEntry {
  return {
    task: "meme-text",
    provider: "vllm",
    model: "qwen3-32b",
    outcome: "ok",
    tokensIn: 100,
    tokensOut: 20,
    latencyMs: 800,
    at: new Date(),
    ...overrides,
  };
}

async function storedCalls(community: CommunityRef) {
  return database.prisma.modelCall.findMany({
    where: { community: { platform: community.platform, externalId: community.externalId } },
    orderBy: { id: "asc" },
  });
}

const recorders: BatchedModelCallRecorder[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const recorder of recorders.splice(0)) await recorder.close().catch(() => undefined);
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function recorderOn(target: Database, options: Partial<ModelCallRecorderOptions> = {}) {
  const recorder = createModelCallRecorder(target.prisma, { logger, ...options });
  recorders.push(recorder);
  return recorder;
}

async function databaseAt(url: string): Promise<Database> {
  const opened = await openDatabase({ databaseUrl: url, dataDir: tmpdir() });
  cleanups.push(() => opened.close());
  return opened;
}

describe("model-call recorder", () => {
  it("GIVEN 500 calls recorded at once THEN they reach the database in two INSERTs, not 500", async () => {
    const log = await startStatementLog();
    cleanups.push(() => log.close());
    const recorder = recorderOn(await databaseAt(log.url), { flushIntervalMs: 60_000 });
    const communities = [newCommunity(), newCommunity(), newCommunity()];
    // Known communities, as the bot has usually stored them before any model call.
    for (const community of communities.slice(0, 2)) {
      await database.prisma.community.create({
        data: { platform: "telegram", externalId: community.externalId },
      });
    }
    log.statements.length = 0;

    for (let n = 0; n < 500; n += 1) recorder.record(call({ community: communities[n % 3], latencyMs: n }));
    await recorder.flush();

    const stored = await Promise.all(communities.map(storedCalls));
    expect(stored.map((rows) => rows.length)).toEqual([167, 167, 166]);
    const inserts = log.statements.filter((sql) => /INSERT INTO "ModelCall"/.test(sql));
    // 200 rows start a flush; the other 300 wait for it and leave together.
    expect(inserts).toHaveLength(2);
    const communityLookups = log.statements.filter((sql) => /FROM "Community" c\s+JOIN unnest/.test(sql));
    // The first batch looks its communities up; the second's are known by then.
    expect(communityLookups).toHaveLength(1);
    // The one community never seen before was created through ensureCommunity, once.
    expect(log.statements.filter((sql) => /INSERT INTO "Community"/.test(sql))).toHaveLength(1);
    expect(log.statements.length).toBeLessThanOrEqual(8);
  });

  it("GIVEN calls recorded THEN record() returns without touching the database until a flush", async () => {
    const log = await startStatementLog();
    cleanups.push(() => log.close());
    const recorder = recorderOn(await databaseAt(log.url), { flushIntervalMs: 60_000 });
    const community = newCommunity();
    await recorder.flush(); // nothing buffered: nothing sent
    const before = log.statements.length;

    for (let n = 0; n < 10; n += 1) recorder.record(call({ community }));
    expect(recorder.buffered).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.statements.length).toBe(before);
    expect(await storedCalls(community)).toEqual([]);

    await recorder.flush();
    expect(recorder.buffered).toBe(0);
    expect(await storedCalls(community)).toHaveLength(10);
  });

  it("GIVEN the 200th call buffered THEN a write starts at once, without waiting for the interval", async () => {
    const recorder = recorderOn(database, { flushIntervalMs: 60_000 });
    const community = newCommunity();
    for (let n = 0; n < 199; n += 1) recorder.record(call({ community }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await storedCalls(community)).toEqual([]);
    recorder.record(call({ community }));
    await vi.waitFor(async () => expect(await storedCalls(community)).toHaveLength(200));
  });

  it("GIVEN the interval passes THEN buffered calls are written without being asked", async () => {
    const recorder = recorderOn(database, { flushIntervalMs: 100 });
    const community = newCommunity();
    recorder.record(call({ community }));
    recorder.record(call({ community }));
    await vi.waitFor(async () => expect(await storedCalls(community)).toHaveLength(2), { timeout: 3000 });
  });

  it("GIVEN odd numbers and calls for no community THEN numbers are stored clamped and the call is kept", async () => {
    const recorder = recorderOn(database, { flushIntervalMs: 60_000 });
    const community = newCommunity();
    const at = new Date("2026-11-30T08:15:42.123Z");
    recorder.record(
      call({ community, tokensIn: -5, tokensOut: 3.6, latencyMs: Number.NaN, at, model: "nul\u0000model" }),
    );
    recorder.record(call({ community, tokensIn: 1e12, tokensOut: Number.POSITIVE_INFINITY, latencyMs: 12 }));
    const operatorModel = `operator-${randomUUID()}`;
    recorder.record(call({ model: operatorModel, provider: "offline", outcome: "unavailable" }));
    await recorder.flush();

    const [odd, huge] = await storedCalls(community);
    expect(odd).toMatchObject({ tokensIn: 0, tokensOut: 4, latencyMs: 0, model: "nulmodel", createdAt: at });
    expect(huge).toMatchObject({ tokensIn: 2_147_483_647, tokensOut: 0, latencyMs: 12 });
    const operator = await database.prisma.modelCall.findMany({ where: { model: operatorModel } });
    expect(operator).toMatchObject([{ communityId: null, provider: "offline", outcome: "unavailable" }]);
  });

  it("GIVEN a call for an unknown platform THEN it is kept without a community and the batch still goes", async () => {
    const recorder = recorderOn(database, { flushIntervalMs: 60_000 });
    const community = newCommunity();
    const model = `stray-${randomUUID()}`;
    recorder.record(call({ community }));
    recorder.record(call({ community: { platform: "matrix", externalId: "!room" }, model }));
    await recorder.flush();
    expect(await storedCalls(community)).toHaveLength(1);
    expect(await database.prisma.modelCall.findMany({ where: { model } })).toMatchObject([
      { communityId: null },
    ]);
    expect(warnings.map((warning) => warning.message)).toEqual([
      "model calls for an unknown platform recorded without community",
    ]);
  });
});

describe("model-call recorder during a database outage", () => {
  async function recorderBehindProxy(options: Partial<ModelCallRecorderOptions> = {}) {
    const proxy: DatabaseProxy = await startDatabaseProxy();
    cleanups.push(() => proxy.close());
    const recorder = recorderOn(await databaseAt(proxy.url), { flushIntervalMs: 60_000, ...options });
    // A first write opens the pool's connection while the server is there.
    await recorder.flush();
    return { proxy, recorder };
  }

  it("GIVEN the database cut THEN flush fails, the calls stay buffered and arrive once it is back", async () => {
    const { proxy, recorder } = await recorderBehindProxy();
    const community = newCommunity();
    recorder.record(call({ community, latencyMs: 1 }));
    proxy.cut();
    recorder.record(call({ community, latencyMs: 2 }));
    await expect(recorder.flush()).rejects.toThrow();
    expect(recorder.buffered).toBe(2);
    recorder.record(call({ community, latencyMs: 3 }));

    proxy.restore();
    await recorder.flush();
    expect(recorder.buffered).toBe(0);
    // Each exactly once, in the order recorded.
    expect((await storedCalls(community)).map((row) => row.latencyMs)).toEqual([1, 2, 3]);
  });

  it("GIVEN the database cut THEN the timer retries by itself and the calls arrive after it is back", async () => {
    const { proxy, recorder } = await recorderBehindProxy({ flushIntervalMs: 100 });
    const community = newCommunity();
    proxy.cut();
    recorder.record(call({ community }));
    await vi.waitFor(() =>
      expect(warnings.map((warning) => warning.message)).toContain("model calls not written yet; retrying"),
    );
    expect(await storedCalls(community)).toEqual([]);
    proxy.restore();
    await vi.waitFor(async () => expect(await storedCalls(community)).toHaveLength(1), { timeout: 5000 });
  });

  it("GIVEN more calls than the cap while the database is away THEN the oldest go, counted in a log line", async () => {
    const { proxy, recorder } = await recorderBehindProxy({ maxBuffered: 50 });
    const community = newCommunity();
    proxy.cut();
    for (let n = 0; n < 80; n += 1) recorder.record(call({ community, latencyMs: n }));
    expect(recorder.buffered).toBe(50);
    await expect(recorder.flush()).rejects.toThrow();
    for (let n = 80; n < 90; n += 1) recorder.record(call({ community, latencyMs: n }));
    expect(recorder.buffered).toBe(50);

    proxy.restore();
    await recorder.flush();
    const kept = (await storedCalls(community)).map((row) => row.latencyMs);
    expect(kept).toEqual(Array.from({ length: 50 }, (_, index) => 40 + index));
    const dropped = warnings
      .filter((warning) => warning.message.startsWith("model calls dropped"))
      .map((warning) => (warning.object as { dropped: number }).dropped);
    expect(dropped.reduce((sum, count) => sum + count, 0)).toBe(40);
  });
});

describe("usage summary", () => {
  it("GIVEN calls over several days THEN sums by task and model since the given time, most tokens first", async () => {
    const recorder = recorderOn(database, { flushIntervalMs: 60_000 });
    const usage = createRepositories(database.prisma, repositoryOptions).usage;
    const community = newCommunity();
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    recorder.record(call({ community, tokensIn: 100, tokensOut: 50, latencyMs: 400, at: hoursAgo(1) }));
    recorder.record(call({ community, tokensIn: 300, tokensOut: 50, latencyMs: 600, at: hoursAgo(2) }));
    recorder.record(
      call({
        community,
        provider: "offline",
        outcome: "unavailable",
        tokensIn: 0,
        tokensOut: 0,
        latencyMs: 9000,
        at: hoursAgo(3),
      }),
    );
    recorder.record(
      call({ community, task: "chat", model: "kimi-k2", tokensIn: 5000, tokensOut: 900, at: hoursAgo(48) }),
    );
    // Another community's calls never count.
    recorder.record(call({ community: newCommunity(), tokensIn: 99_999 }));
    await recorder.flush();

    const lastDay = await usage.summary(community, { since: hoursAgo(24) });
    expect(lastDay).toEqual([
      {
        task: "meme-text",
        model: "qwen3-32b",
        calls: 3,
        answeredCalls: 2,
        offlineCalls: 1,
        tokensIn: 400,
        tokensOut: 100,
        averageLatencyMs: 500,
      },
    ]);
    const lastMonth = await usage.summary(community, { since: hoursAgo(30 * 24) });
    expect(lastMonth.map((row) => [row.task, row.model, row.calls, row.tokensIn + row.tokensOut])).toEqual([
      ["chat", "kimi-k2", 1, 5900],
      ["meme-text", "qwen3-32b", 3, 500],
    ]);
    expect(await usage.summary(newCommunity(), { since: hoursAgo(24) })).toEqual([]);
  });
});
