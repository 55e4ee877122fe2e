// `pnpm bench:intake`: Telegram intake throughput and latency.
//
// Runs the real bot process (`start:bot`) against a fake Telegram Bot API, then
// worker processes (`start:worker`) against a fake model that answers at once.
//   1. Intake: `/meme` updates fed through long polling as fast as the bot takes
//      them (the fake hands out up to 100 per getUpdates, two batches queued):
//      updates accepted per second, and p50/p99 from the update reaching the bot
//      (its getUpdates answer) to the job being enqueued (BullMQ's job timestamp, set as
//      the bot sends the job to Redis).
//   2. End to end, with workers running: updates at a steady rate, and p50/p99
//      from the update reaching the bot to the reply arriving at the Bot API.
// Then the bot's peak RSS (VmHWM) over both phases.
//
// A warm-up of BENCH_WARMUP updates (2000; JIT, connection pools, settings cache)
// is fed first and not counted.
// Knobs: BENCH_UPDATES (10000), BENCH_COMMUNITIES (500), BENCH_WORKERS (2),
// BENCH_E2E_RATE (updates/s, 100), BENCH_E2E_SECONDS (10), BENCH_BOT_NODE_ARGS (e.g. --cpu-prof).
import { execSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import pg from "pg";
import type { Update } from "telegraf/types";
import { openDatabase } from "@memebot/db";
import { jobIdFor } from "@memebot/jobs";
import { startFakeOpenAI } from "../fakes/openai/server.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { textMessageUpdate } from "../fakes/telegram/updates.ts";
import { startPlatform, type PlatformProcess } from "../e2e/support/platform-process.ts";

const updates = Number(process.env.BENCH_UPDATES ?? 10_000);
const communities = Number(process.env.BENCH_COMMUNITIES ?? 500);
const workerCount = Number(process.env.BENCH_WORKERS ?? 2);
const e2eRate = Number(process.env.BENCH_E2E_RATE ?? 100);
const e2eSeconds = Number(process.env.BENCH_E2E_SECONDS ?? 10);
const adminUrl = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const warmup = Number(process.env.BENCH_WARMUP ?? 2_000);
const BATCH = 100;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN);
};
const spread = (values: number[]) =>
  `p50 ${percentile(values, 50).toFixed(1)} ms   p99 ${percentile(values, 99).toFixed(1)} ms`;
const peakRssMb = (pid: number) =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When each update was handed to the bot: the moment its getUpdates poll was answered. */
function handedOutAt(telegram: FakeTelegram): Map<number, number> {
  const handed = new Map<number, number>();
  for (const call of telegram.callsOf("getUpdates")) {
    if (call.answeredAt === undefined || !Array.isArray(call.result)) continue;
    for (const update of call.result as Update[]) {
      if (!handed.has(update.update_id)) handed.set(update.update_id, call.answeredAt);
    }
  }
  return handed;
}

let messageId = 0;
const memeUpdate = (n: number) =>
  textMessageUpdate({
    chat: { id: -1_000_000 - (n % communities), type: "supergroup", title: "Bench" },
    from: { id: 10_000_000 + n, username: `user${n}`, first_name: "Bench" },
    messageId: ++messageId,
    text: `/meme bench topic ${n}`,
  });

/** CPU time (user + system) the bot process has used, from /proc. */
function botCpuMs(): number {
  const pid = execSync("pgrep -f apps/bot/src/main.ts").toString().trim().split("\n")[0];
  // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (10 ms).
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time Redis has used, as it reports it. */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1000;
}

async function main() {
  const databaseName = `memebot_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${databaseName}`);
  const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${databaseName}`);
  const prefix = `bench-${randomUUID()}`;
  const redis = new Redis("redis://127.0.0.1:6379");
  const telegram = await startFakeTelegram({ pollHoldMs: 200 });
  const model = await startFakeOpenAI({ record: false });
  const processes: PlatformProcess[] = [];

  try {
    // Busy communities, as the benchmark means them: no cooldown and a generous rate
    // limit, so every update is a command the platform must take on.
    const database = await openDatabase({ databaseUrl, dataDir: "./data", migrate: true });
    await database.prisma.community.createMany({
      data: Array.from({ length: communities }, (_, index) => ({
        platform: "telegram" as const,
        externalId: String(-1_000_000 - index),
        title: `Bench group ${index}`,
        settings: { rateLimitPerMinute: 600, commands: { meme: { enabled: true, cooldownSeconds: 0 } } },
      })),
    });
    await database.close();

    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: "redis://127.0.0.1:6379",
      QUEUE_PREFIX: prefix,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      LLM_BASE_URL: model.baseURL,
      LLM_MODEL: "bench-model",
      WORKER_CONCURRENCY: "32",
    };
    const botNodeArgs = process.env.BENCH_BOT_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
    const bot = startPlatform("start:bot", env, { nodeArgs: botNodeArgs });
    processes.push(bot);
    await bot.port();
    await telegram.waitForCall("getUpdates");
    const keyOf = (updateId: number) => `telegram:${telegram.bot.id}:${updateId}`;

    /** Feeds `count` updates, keeping two batches queued, and returns their ids. */
    async function feed(count: number, first: number): Promise<number[]> {
      const ids: number[] = [];
      while (ids.length < count) {
        if (telegram.pendingUpdateCount >= 2 * BATCH) {
          await sleep(1);
          continue;
        }
        const batch = Array.from({ length: Math.min(BATCH, count - ids.length) }, (_, index) =>
          memeUpdate(first + ids.length + index),
        );
        for (const update of telegram.pushUpdates(batch)) ids.push(update.update_id);
      }
      await telegram.waitUntilConsumed(120_000);
      return ids;
    }

    // Phase 1: intake, the bot alone.
    await feed(warmup, 0);
    // CPU time per update, of the bot and of Redis: steadier than throughput on a VM whose speed drifts.
    const botCpuBefore = botCpuMs();
    const redisCpuBefore = await redisCpuMs(redis);
    const startedAt = Date.now();
    const intakeIds = await feed(updates, warmup);
    const botCpuPerUpdate = ((botCpuMs() - botCpuBefore) * 1000) / updates;
    const redisCpuPerUpdate = (((await redisCpuMs(redis)) - redisCpuBefore) * 1000) / updates;
    const handed = handedOutAt(telegram);
    const pipeline = redis.pipeline();
    for (const id of intakeIds) pipeline.hget(`${prefix}:commands:${jobIdFor(keyOf(id))}`, "timestamp");
    const stamps = (await pipeline.exec()) ?? [];
    const enqueueLatencies: number[] = [];
    let lastEnqueue = 0;
    stamps.forEach(([, stamp], index) => {
      const reachedBot = handed.get(intakeIds[index] as number);
      if (typeof stamp !== "string" || reachedBot === undefined) return;
      lastEnqueue = Math.max(lastEnqueue, Number(stamp));
      enqueueLatencies.push(Number(stamp) - reachedBot);
    });
    if (process.env.BENCH_MEMORY) {
      const metrics = await (await fetch(`http://127.0.0.1:${await bot.port()}/metrics`)).text();
      console.log(
        metrics
          .split("\n")
          .filter((l) =>
            /^(nodejs_heap_space_size_total|nodejs_external_memory|process_resident|nodejs_heap_size)/.test(
              l,
            ),
          )
          .join("\n"),
      );
    }
    const acceptedPerSecond = enqueueLatencies.length / ((lastEnqueue - startedAt) / 1000);

    // Phase 2: end to end at a steady rate, with workers draining the backlog first.
    for (let index = 0; index < workerCount; index += 1) {
      processes.push(startPlatform("start:worker", env));
    }
    await Promise.all(processes.slice(1).map((worker) => worker.port()));
    const queue = `${prefix}:commands`;
    while ((await redis.llen(`${queue}:wait`)) + (await redis.zcard(`${queue}:prioritized`)) > 0)
      await sleep(200);
    await telegram.waitForCalls("sendMessage", warmup + updates, 300_000);
    const repliesBefore = telegram.callsOf("sendMessage").length;
    const e2eIds: number[] = [];
    const perTick = Math.max(1, Math.round(e2eRate / 10));
    for (let tick = 0; tick < e2eSeconds * 10; tick += 1) {
      const batch = Array.from({ length: perTick }, (_, index) =>
        memeUpdate(warmup + updates + tick * perTick + index),
      );
      for (const update of telegram.pushUpdates(batch)) e2eIds.push(update.update_id);
      await sleep(100);
    }
    await telegram.waitForCalls("sendMessage", repliesBefore + e2eIds.length, 120_000).catch(() => undefined);
    const handedE2e = handedOutAt(telegram);
    const idByMessage = new Map<number, number>();
    for (const call of telegram.callsOf("getUpdates")) {
      for (const update of (call.result ?? []) as Update[]) {
        if ("message" in update) idByMessage.set(update.message.message_id, update.update_id);
      }
    }
    const e2eSet = new Set(e2eIds);
    const replyLatencies = telegram.callsOf("sendMessage").flatMap((call) => {
      const replyTo = (call.params.reply_parameters as { message_id?: number } | undefined)?.message_id;
      const updateId = replyTo === undefined ? undefined : idByMessage.get(replyTo);
      const reachedBot = updateId === undefined ? undefined : handedE2e.get(updateId);
      return updateId !== undefined && e2eSet.has(updateId) && reachedBot !== undefined
        ? [call.at - reachedBot]
        : [];
    });
    const botRss = peakRssMb(bot.child.pid as number);

    console.log(
      `\nmemebot intake benchmark (${communities} groups, long polling, ${BATCH} updates per batch)`,
    );
    console.log(`  1. intake, bot alone: ${updates} /meme updates`);
    console.log(`     accepted              ${enqueueLatencies.length} of ${updates}`);
    console.log(`     accepted per second   ${acceptedPerSecond.toFixed(0)} /s`);
    console.log(`     update → enqueued     ${spread(enqueueLatencies)}`);
    console.log(
      `     CPU per update        bot ${botCpuPerUpdate.toFixed(0)} µs   Redis ${redisCpuPerUpdate.toFixed(0)} µs`,
    );
    console.log(`  2. end to end, ${workerCount} workers, ${e2eRate} updates/s for ${e2eSeconds} s`);
    console.log(
      `     update → reply sent   ${spread(replyLatencies)}   (${replyLatencies.length} of ${e2eIds.length} replies)`,
    );
    console.log(`  bot peak RSS            ${botRss.toFixed(0)} MB`);
  } finally {
    await Promise.all(processes.map((child) => child.stop()));
    await telegram.close();
    await model.close();
    const keys = await redis.keys(`${prefix}:*`);
    for (let index = 0; index < keys.length; index += 1000)
      await redis.del(...keys.slice(index, index + 1000));
    await redis.quit();
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
