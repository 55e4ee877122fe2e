// `pnpm bench:intake`: Telegram intake throughput and latency.
//
// Starts the real bot process (`start:bot`) and worker processes (`start:worker`)
// against a fake Telegram Bot API and a fake model that answers at once, feeds
// `/meme` updates through long polling (the fake hands out up to 100 per
// getUpdates), and prints accepted updates per second, p50/p99 from update to
// job enqueued and to reply sent, and the bot's peak RSS.
//
// Knobs: BENCH_UPDATES (default 10000), BENCH_WORKERS (2), BENCH_COMMUNITIES (500).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import pg from "pg";
import { openDatabase } from "@memebot/db";
import { jobIdFor } from "@memebot/jobs";
import { startFakeOpenAI } from "../fakes/openai/server.ts";
import { startFakeTelegram } from "../fakes/telegram/server.ts";
import { textMessageUpdate } from "../fakes/telegram/updates.ts";
import { startPlatform } from "../e2e/support/platform-process.ts";

const updates = Number(process.env.BENCH_UPDATES ?? 10_000);
const workerCount = Number(process.env.BENCH_WORKERS ?? 2);
const communities = Number(process.env.BENCH_COMMUNITIES ?? 500);
const adminUrl = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const BATCH = 100;

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN);
const ms = (value: number) => `${value.toFixed(1)} ms`;
const peakRssMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
};

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
  const processes: Array<ReturnType<typeof startPlatform>> = [];

  try {
    // Busy communities, as the benchmark means them: cooldown off and a generous rate limit,
    // so every update is a command the platform must take on.
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
      LOG_LEVEL: "warn",
      WORKER_CONCURRENCY: "32",
    };
    const bot = startPlatform("start:bot", { ...env, LOG_LEVEL: "info" });
    processes.push(bot);
    for (let index = 0; index < workerCount; index += 1) {
      const worker = startPlatform("start:worker", { ...env, LOG_LEVEL: "info" });
      processes.push(worker);
      await worker.port();
    }
    await bot.port();
    await telegram.waitForCall("getUpdates");

    const pushedAt = new Map<number, number>();
    const keyOf = (updateId: number) => `telegram:${telegram.bot.id}:${updateId}`;
    const startedAt = Date.now();
    let sent = 0;
    while (sent < updates) {
      if (telegram.pendingUpdateCount >= 2 * BATCH) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      const batch = Array.from({ length: Math.min(BATCH, updates - sent) }, (_, index) => {
        const n = sent + index;
        return textMessageUpdate({
          chat: { id: -1_000_000 - (n % communities), type: "supergroup", title: "Bench" },
          from: { id: 10_000_000 + n, username: `user${n}`, first_name: "Bench" },
          messageId: n + 1,
          text: `/meme bench topic ${n}`,
        });
      });
      const now = Date.now();
      for (const update of telegram.pushUpdates(batch)) pushedAt.set(update.update_id, now);
      sent += batch.length;
    }
    await telegram.waitUntilConsumed(120_000);

    // Enqueue time: the job's own creation timestamp, set by the bot as it adds the job.
    const enqueueLatencies: number[] = [];
    let lastEnqueue = 0;
    const pipeline = redis.pipeline();
    const ids = [...pushedAt.keys()];
    for (const id of ids) pipeline.hget(`${prefix}:commands:${jobIdFor(keyOf(id))}`, "timestamp");
    const stamps = (await pipeline.exec()) ?? [];
    stamps.forEach(([, stamp], index) => {
      const id = ids[index] as number;
      if (typeof stamp !== "string") return;
      const at = Number(stamp);
      lastEnqueue = Math.max(lastEnqueue, at);
      enqueueLatencies.push(at - (pushedAt.get(id) as number));
    });
    const accepted = enqueueLatencies.length;
    const acceptedPerSecond = accepted / ((lastEnqueue - startedAt) / 1000);
    const botRss = peakRssMb(bot.child.pid as number);

    const replies = await telegram
      .waitForCalls("sendMessage", updates, 300_000)
      .catch(() => telegram.callsOf("sendMessage"));
    const replyLatencies = replies.flatMap((call) => {
      const replyTo = (call.params.reply_parameters as { message_id?: number } | undefined)?.message_id;
      const updateId = replyTo === undefined ? undefined : ids[replyTo - 1];
      const pushed = updateId === undefined ? undefined : pushedAt.get(updateId);
      return pushed === undefined ? [] : [call.at - pushed];
    });

    enqueueLatencies.sort((a, b) => a - b);
    replyLatencies.sort((a, b) => a - b);
    console.log(
      `\nmemebot intake benchmark — ${updates} /meme updates, ${communities} groups, ${workerCount} workers`,
    );
    console.log(`  updates accepted            ${accepted} of ${updates}`);
    console.log(`  accepted per second         ${acceptedPerSecond.toFixed(0)} /s`);
    console.log(
      `  update → job enqueued       p50 ${ms(percentile(enqueueLatencies, 50))}   p99 ${ms(percentile(enqueueLatencies, 99))}`,
    );
    console.log(
      `  update → reply sent         p50 ${ms(percentile(replyLatencies, 50))}   p99 ${ms(percentile(replyLatencies, 99))}   (${replyLatencies.length} replies)`,
    );
    console.log(`  bot peak RSS                ${botRss.toFixed(0)} MB`);
    console.log(`  model requests              ${model.requestCount}`);
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
