// `pnpm bench:sentiment`: chatter sentiment end to end, as production runs it.
//
// BENCH_MESSAGES (100,000) chat messages of 3 communities (two Telegram groups, one Discord guild;
// half, a third and a sixth of the chatter) about 20 tokens go through the bot's listener pipeline
// (createBotDispatch from apps/bot: the same chatter-ingest consumer the adapters hand messages to,
// its raid filter, mentions and batched INSERTs, and its deduplicated `sentiment.score` asks). A
// worker process (`start:worker`, BENCH_WORKERS of them) takes the BullMQ jobs and scores through the
// real model gateway, against a fake OpenAI-compatible server (in a child process, as a provider is
// elsewhere) that answers every sentiment call at once and counts prompt tokens from the request.
// PostgreSQL is a scratch database of the run's own (created, migrated, dropped); Redis keys sit
// under a prefix of the run's own (deleted).
//
// The texts vary as chat does (templates × tokens × numbers × authors), with a few planted raids
// (one text from many authors), commands and emoji-only lines: what ingest skips is counted, and
// what it buffered is compared with the rows stored, so nothing is lost unseen.
//
// Printed, and each checked against the issue's goal (exit code 1 when one is missed):
//   - messages/s end to end: stored messages ÷ (last score stored − first message handed to ingest)
//     (goal ≥ 5,000);
//   - model calls per 1,000 scored messages, from the gateway's ModelCall rows (goal ≤ 25);
//   - prompt tokens per scored message, from the same rows (the fake's usage, as the gateway recorded it);
//   - the offline scorer's messages/s on one core, over this run's texts, measured after the rest
//     has stopped (goal ≥ 50,000).
// Also: ingest's own rate, how the rows were scored (every one by the model: an offline fallback
// means a call failed), jobs run, and none dropped.
// Knobs: BENCH_MESSAGES, BENCH_WORKERS (1), BENCH_WORKER_CONCURRENCY (8, the default),
// BENCH_POSTGRES_ADMIN_URL, BENCH_REDIS_URL, BENCH_WORKER_NODE_ARGS (e.g. --cpu-prof).
import { spawn } from "node:child_process";
import { randomInt, randomUUID } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { scoreOffline } from "@memebot/ai";
import { parseEnv } from "@memebot/config";
import type { CommunityRef, ListenedMessage } from "@memebot/core";
import { createRepositories, openDatabase } from "@memebot/db";
import { openInfrastructure } from "@memebot/runtime";
import { createBotDispatch } from "../../apps/bot/src/bot.ts";
import { sentimentReply, startFakeOpenAI } from "../fakes/openai/server.ts";
import { startPlatform, type PlatformProcess } from "../e2e/support/platform-process.ts";
import { scratchDatabase } from "./bench-database.ts";

const total = Number(process.env.BENCH_MESSAGES ?? 100_000);
const workerCount = Number(process.env.BENCH_WORKERS ?? 1);
const workerConcurrency = process.env.BENCH_WORKER_CONCURRENCY ?? "8";
const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
/** Messages handed to the listener together before the bench yields to the event loop. */
const FEED_CHUNK = 100;
/** Scoring that makes no progress for this long has stalled: the run fails rather than hang. */
const STALL_MS = 60_000;

const GOALS = { endToEnd: 5_000, callsPer1000: 25, offline: 50_000 };

// ---- the chatter -------------------------------------------------------------------------------

const TOKENS: readonly string[] = [
  "BONK", "WIF", "PEPE", "POPCAT", "MEW", "BOME", "SLERF", "MYRO", "WEN", "SAMO",
  "GIGA", "MOODENG", "PNUT", "GOAT", "FWOG", "MICHI", "PONKE", "RETARDIO", "CHILLGUY", "TRUMP",
]; // prettier-ignore

const COMMUNITIES: Array<CommunityRef & { share: number; tracks: readonly string[] }> = [
  { platform: "telegram", externalId: "", kind: "group", share: 0.5, tracks: TOKENS.slice(0, 12) },
  { platform: "telegram", externalId: "", kind: "group", share: 1 / 3, tracks: TOKENS.slice(6, 18) },
  { platform: "discord", externalId: "", kind: "group", share: 1 / 6, tracks: TOKENS.slice(10) },
];

// {t} a token (as $TICKER, bare or lower case), {n} a number, {p} a price, {k} a market cap.
const TEMPLATES = [
  "{t} to the moon 🚀 loaded another {n}k bags",
  "just aped {n} sol into {t}, lfg",
  "{t} chart looking bullish af, higher lows since {n}am",
  "who else is holding {t} since {p}? diamond hands 💎",
  "{t} dumping again, down {n}% today, I'm out",
  "this {t} dev is a scammer, rug incoming at {k}",
  "sold my {t} at {p}, not touching it again",
  "{t} is dead, volume {n}% lower than last week",
  "gm frens, what's the play today? {t} or something new",
  "anyone know when {t} lists on binance? heard {n} rumours",
  "{t} mc {k}, still early imo",
  "bought the dip on {t} at {p} 🐸",
  "{t} holders down bad, {n} wallets sold since morning",
  "why is {t} pumping? +{n}% in an hour",
  "{t} community is the best one here, {n} new holders today",
  "careful with {t}, top {n} wallets hold half the supply",
  "{t} vs {u}: which one flips first? I say {t} at {k}",
  "rotated out of {u} into {t}, {n}x incoming",
  "lost {n} sol on {t}, never again ngmi",
  "{t} breaking ath soon, {p} was the bottom",
  "is {t} still a buy at {k} mc?",
  "wen {t} pump 😭 been holding {n} days",
  "new whale bought {n}k of {t} just now",
  "{t} looks like it's consolidating around {p}",
  "honestly {t} feels like a rug, dev wallet moved {n}%",
  "nothing happening with {t} today, {n} trades in an hour",
  "just joined, what's {t}? saw it trending at #{n}",
  "{t} burned {n}% of supply, bullish",
  "red day for {t} but I'm still buying at {p}",
  "took profits on {t} at {n}x, letting the rest ride",
] as const;

/** Planted raids: the same text from many authors, as shill bots post it. */
const RAIDS = [
  "🚨 {t} PRESALE LIVE 🚨 100x GUARANTEED join now!!!",
  "{t} airdrop claim now before it ends, send 1 sol get 2 back",
];

const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)] as T;
const tokenAs = (symbol: string) => {
  const style = randomInt(10);
  return style < 5 ? `$${symbol}` : style < 8 ? symbol : symbol.toLowerCase();
};
const fill = (template: string) => {
  const token = pick(TOKENS);
  let other = pick(TOKENS);
  if (other === token) other = TOKENS[(TOKENS.indexOf(token) + 1) % TOKENS.length] as string;
  return template
    .replaceAll("{t}", tokenAs(token))
    .replaceAll("{u}", tokenAs(other))
    .replaceAll("{n}", () => String(randomInt(2, 1_000)))
    .replaceAll("{p}", () => `0.0${"0".repeat(randomInt(4))}${randomInt(10, 9_999)}`)
    .replaceAll("{k}", () => `${randomInt(50, 999)}${pick(["k", "m"])}`);
};

type Kind = "chatter" | "raid" | "command" | "emoji";

function chatterText(index: number): { text: string; kind: Kind } {
  const roll = randomInt(1_000);
  if (roll < 20) return { text: fill(RAIDS[index % RAIDS.length] as string).replace(/\$\w+|\b[A-Z]{3,}\b/, "$BONK"), kind: "raid" }; // prettier-ignore
  if (roll < 30) return { text: pick(["/price bonk", "/sentiment $WIF 1h", "!buy 1 sol", "/meme gm"]), kind: "command" }; // prettier-ignore
  if (roll < 40) return { text: pick(["🚀🚀🚀", "💎🙌", "😂😂", "+1", "👀", "🔥🔥🔥"]), kind: "emoji" };
  // One in twenty is longer, as a thread of thoughts is.
  const text = fill(pick(TEMPLATES));
  return {
    text: roll % 20 === 0 ? `${text}. ${fill(pick(TEMPLATES))}. ${fill(pick(TEMPLATES))}` : text,
    kind: "chatter",
  };
}

function messagesOf(communities: readonly CommunityRef[], runId: string): ListenedMessage[] {
  const shares = COMMUNITIES.map((community) => community.share);
  const messages: ListenedMessage[] = [];
  for (let index = 0; index < total; index += 1) {
    let roll = Math.random();
    let which = 0;
    while (which < shares.length - 1 && roll >= (shares[which] as number)) roll -= shares[which++] as number;
    const community = communities[which] as CommunityRef;
    const { text } = chatterText(index);
    const chat = community.externalId;
    messages.push({
      key: `${community.platform}:bench-${runId}:${index}`,
      platform: community.platform,
      community,
      threadKey: `${community.platform}:${chat}`,
      author: { externalId: String(10_000 + randomInt(2_000)), isBot: false },
      origin: "user",
      text,
      isPrivate: false,
      mentionsBot: false,
      repliesToBot: false,
      replyTo:
        community.platform === "discord"
          ? { platform: "discord", channelId: chat, replyToMessageId: String(index + 1) }
          : { platform: "telegram", chatId: chat, replyToMessageId: index },
      receivedAt: 0,
    });
  }
  return messages;
}

// ---- the fake provider, in a child process ------------------------------------------------------

async function serveFake() {
  const fake = await startFakeOpenAI({ record: false, behaviour: sentimentReply });
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ baseURL: fake.baseURL, cpuUs: cpu.user + cpu.system }));
  process.stdin.resume();
  process.stdin.on("end", () => {
    const cpu = process.cpuUsage();
    console.log(JSON.stringify({ requests: fake.requestCount, cpuUs: cpu.user + cpu.system }));
    void fake.close().then(() => process.exit(0));
  });
}

async function startFake() {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--serve-fake"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const [first] = await once(lines, "line");
  const { baseURL, cpuUs: readyCpuUs } = JSON.parse(String(first)) as { baseURL: string; cpuUs: number };
  let stopped: Promise<{ requests: number; cpuUs: number }> | undefined;
  return {
    baseURL,
    /** Stops it (once); resolves with the chat completions it answered and the CPU time they cost. */
    stop(): Promise<{ requests: number; cpuUs: number }> {
      stopped ??= (async () => {
        const next = once(lines, "line");
        child.stdin.end();
        const [line] = await next;
        const last = JSON.parse(String(line)) as { requests: number; cpuUs: number };
        return { requests: last.requests, cpuUs: last.cpuUs - readyCpuUs };
      })();
      return stopped;
    },
  };
}

// ---- the run ------------------------------------------------------------------------------------

const rate = (count: number, ms: number) => Math.round((count * 1000) / ms);
const fmt = (value: number, digits = 0) =>
  value.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time the Redis server has used, in µs, as it reports it. */
async function redisCpuUsOf(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1_000_000;
}

/** CPU time (user + system) a process has used, in µs, from /proc (clock ticks of 10 ms). */
function processCpuUs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return 0; // gone meanwhile
  }
}

async function offlinePerSecond(texts: readonly string[], ms: number) {
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (const text of texts) scoreOffline(text);
    count += texts.length;
  }
  return (count * 1000) / (performance.now() - start);
}

async function bench() {
  const runId = randomUUID().slice(0, 8);
  // Always a scratch database, never BENCH_DATABASE_URL: the figures count every row in it.
  const { url: databaseUrl, drop } = await scratchDatabase("memebot_bench_sentiment");
  const prefix = `bench-sentiment-${runId}`;
  const fake = await startFake();
  const workers: PlatformProcess[] = [];
  const redis = new Redis(redisUrl);
  const sql = new pg.Client({ connectionString: databaseUrl });
  try {
    // Migrated, with the three communities tracking sentiment and their tokens.
    const seeded = await openDatabase({ databaseUrl, dataDir: tmpdir(), migrate: true });
    const communities = COMMUNITIES.map(({ share: _share, tracks: _tracks, ...community }, index) => ({
      ...community,
      externalId: community.platform === "discord" ? `9${runId.replace(/\D/g, "")}${index}`.slice(0, 18) : `-100${index}${Date.now()}`, // prettier-ignore
    }));
    const repositories = createRepositories(seeded.prisma, { scrubText: (text) => text });
    for (const [index, community] of communities.entries()) {
      await seeded.prisma.community.create({
        data: {
          platform: community.platform,
          externalId: community.externalId,
          title: `Bench ${index}`,
          settings: { sentiment: { tracking: true } },
        },
      });
      for (const symbol of COMMUNITIES[index]?.tracks ?? []) {
        await repositories.chatter.trackToken({
          community,
          symbol,
          aliases: [symbol.toLowerCase()],
          createdBy: "1",
        });
      }
    }
    await seeded.close();

    const env = {
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      LLM_BASE_URL: fake.baseURL,
      LLM_MODEL: "bench-model",
      WORKER_CONCURRENCY: workerConcurrency,
      DATA_DIR: tmpdir(),
    };
    const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
    for (let index = 0; index < workerCount; index += 1)
      workers.push(startPlatform("start:worker", env, { nodeArgs }));
    // Started when it says so; a busy machine may take a while to compile and migrate.
    await Promise.all(workers.map((worker) => worker.waitForLog((line) => line.msg === "started", 180_000)));

    // The bot's side in this process, composed as apps/bot composes it.
    const infrastructure = await openInfrastructure(parseEnv({ ...env, LOG_LEVEL: "warn" }));
    const { listener, producer } = createBotDispatch(infrastructure);
    const messages = messagesOf(communities, runId);
    const outcomes = new Map<string, number>();
    await sql.connect();
    // This process's own connection only watches the run (a count over the table every 100 ms): its
    // backend's CPU is the bench's, not the pipeline's, and is shown apart.
    const { rows: watcherRows } = await sql.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const watcherPid = watcherRows[0]?.pid ?? 0;
    const watcherCpuBefore = processCpuUs(watcherPid);

    // Ingest: as fast as the listener takes messages, yielding between chunks so its batches are written.
    const load = () => loadavg()[0]?.toFixed(1);
    const loadBefore = load();
    const cpuBefore = process.cpuUsage();
    const redisCpuBefore = await redisCpuUsOf(redis);
    const workersCpuBefore = workers.map((worker) => processCpuUs(worker.child.pid ?? 0));
    // PostgreSQL's backends of this run's database, sampled at the start and every 100 ms while
    // scoring: a pooled connection closed when idle (the bot's, once ingest is done) takes its CPU
    // with it, so reading them only at the end missed the INSERTs' share in slow runs.
    const backendCpu = new Map<number, { first: number; last: number }>();
    const sampleBackends = async (atStart: boolean) => {
      const { rows } = await sql.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()",
      );
      for (const { pid } of rows) {
        if (pid === watcherPid) continue;
        const cpu = processCpuUs(pid);
        const known = backendCpu.get(pid);
        if (known) known.last = Math.max(known.last, cpu);
        else backendCpu.set(pid, { first: atStart ? cpu : 0, last: cpu });
      }
    };
    await sampleBackends(true);
    const started = Date.now();
    for (let index = 0; index < messages.length; index += FEED_CHUNK) {
      const chunk = messages.slice(index, index + FEED_CHUNK);
      const now = Date.now();
      const reports = await Promise.all(
        chunk.map((message) => listener.receive({ ...message, receivedAt: now })),
      );
      for (const report of reports) {
        const outcome =
          report.dropped ??
          (report.handled.find((handled) => handled.consumer === "sentiment")?.outcome as { outcome: string })
            ?.outcome ??
          "none";
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      await yieldToLoop();
    }
    const fed = Date.now();
    const ingestCpu = process.cpuUsage(cpuBefore);
    // Writes what is buffered (the adapters stop first in production; nothing more arrives here).
    await listener.close();
    const ingested = Date.now();

    // Scored: until no stored row is pending. The last score's time is read from the rows themselves.
    let lastProgress = Date.now();
    let lastPending = -1;
    let counts = { stored: 0, pending: 0, lastScoredMs: 0 };
    for (;;) {
      const { rows } = await sql.query<{ stored: string; pending: string; last: string | null }>(
        `SELECT count(*) AS stored, count(*) FILTER (WHERE "scoredAt" IS NULL) AS pending,
                extract(epoch FROM max("scoredAt")) * 1000 AS last FROM "ChatterMessage"`,
      );
      const row = rows[0];
      counts = {
        stored: Number(row?.stored),
        pending: Number(row?.pending),
        lastScoredMs: Number(row?.last ?? 0),
      };
      if (counts.pending === 0) break;
      if (counts.pending !== lastPending) {
        lastPending = counts.pending;
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress > STALL_MS) {
        throw new Error(`scoring stalled: ${counts.pending} of ${counts.stored} rows still pending`);
      }
      await sampleBackends(false);
      await sleep(100);
    }
    // CPU the run cost, by process: this one (the bot's side), the workers, PostgreSQL's backends of this
    // run's database (sampled above, each from the start or from its opening). Redis is shared with other work on the
    // machine, so its figure (the whole server's) is shown apart and left out of the sum.
    const botCpu = process.cpuUsage(cpuBefore);
    const workersCpuUs = workers.reduce(
      (sum, worker, index) => sum + processCpuUs(worker.child.pid ?? 0) - (workersCpuBefore[index] ?? 0),
      0,
    );
    await sampleBackends(false);
    const watcherCpuUs = processCpuUs(watcherPid) - watcherCpuBefore;
    const postgresCpuUs = [...backendCpu.values()].reduce((sum, { first, last }) => sum + last - first, 0);
    const redisCpuUs = (await redisCpuUsOf(redis)) - redisCpuBefore;
    // How the jobs spent the time: running, and waiting to start (past their delay).
    const finished = await new Queue("sentiment", { connection: infrastructure.redis, prefix }).getJobs(
      ["completed"],
      0,
      -1,
    );
    const running = finished.reduce((sum, job) => sum + ((job.finishedOn ?? 0) - (job.processedOn ?? 0)), 0);
    const waiting = finished.reduce(
      (sum, job) => sum + Math.max(0, (job.processedOn ?? 0) - job.timestamp - (job.delay ?? 0)),
      0,
    );
    const results = finished.map((job) => job.returnvalue as { scored?: number; batches?: number } | null);
    const scoredByJobs = results.reduce((sum, r) => sum + (r?.scored ?? 0), 0);
    const roundsByJobs = results.reduce((sum, r) => sum + (r?.batches ?? 0), 0);
    const queues = await producer.counts();
    const jobCounts = queues.find((queue) => queue.queue === "sentiment")?.counts ?? {};
    await producer.close();
    await infrastructure.close();
    // A stopped worker has flushed its ModelCall rows.
    await Promise.all(workers.map((worker) => worker.stop()));
    const fakeStats = await fake.stop();
    const fakeRequests = fakeStats.requests;

    const { rows: calls } = await sql.query<{ calls: string; tokens: string; outcome: string }>(
      `SELECT count(*) AS calls, coalesce(sum("tokensIn"), 0) AS tokens, outcome
       FROM "ModelCall" WHERE task = 'sentiment' GROUP BY outcome`,
    );
    const { rows: scorers } = await sql.query<{ scorer: string; n: string }>(
      `SELECT scorer, count(*) AS n FROM "ChatterMessage" GROUP BY scorer ORDER BY n DESC`,
    );
    const modelCalls = calls.reduce((sum, row) => sum + Number(row.calls), 0);
    const promptTokens = calls.reduce((sum, row) => sum + Number(row.tokens), 0);
    const buffered = outcomes.get("sentiment.buffered") ?? 0;
    const dropped = buffered - counts.stored;
    const endToEndMs = counts.lastScoredMs - started;
    const endToEnd = rate(counts.stored, endToEndMs);
    const callsPer1000 = (modelCalls * 1000) / counts.stored;
    const tokensPerMessage = promptTokens / counts.stored;

    // The offline scorer alone, now that nothing else of the run is running.
    const texts = messages.map((message) => message.text);
    await offlinePerSecond(texts, 1_000);
    const offline = await offlinePerSecond(texts, 4_000);

    const skipped = [...outcomes]
      .filter(([outcome]) => outcome !== "sentiment.buffered")
      .sort((a, b) => b[1] - a[1])
      .map(([outcome, count]) => `${outcome} ${fmt(count)}`)
      .join(", ");
    const loadAfter = load();
    const check = (ok: boolean) => (ok ? "PASS" : "MISS");
    console.log(
      `\nchatter sentiment, end to end: ${fmt(total)} messages, ${communities.length} communities, ` +
        `${TOKENS.length} tokens; ${workerCount} worker process(es), WORKER_CONCURRENCY ${workerConcurrency}; ` +
        `load average ${loadBefore} before, ${loadAfter} after (2 cores: other work shares them)`,
    );
    console.log(
      `  handed to ingest       ${fmt(total)}   stored ${fmt(counts.stored)}   skipped: ${skipped}`,
    );
    console.log(
      `  dropped                ${fmt(dropped)}   (buffered by ingest ${fmt(buffered)} − rows stored)`,
    );
    console.log(
      `  ingest                 ${fmt(rate(total, fed - started))} messages/s handed over, ` +
        `all written after ${fmt((ingested - started) / 1000, 2)} s; ` +
        `bot process CPU ${fmt((ingestCpu.user + ingestCpu.system) / total, 1)} µs per message`,
    );
    console.log(
      `  scored by              ${scorers.map((row) => `${row.scorer ?? "nobody"} ${fmt(Number(row.n))}`).join(", ")}`,
    );
    console.log(
      `  sentiment jobs         ${fmt(jobCounts.completed ?? 0)} completed, ${fmt(jobCounts.failed ?? 0)} failed`,
    );
    console.log(
      `  job time               ${fmt(running / 1000, 2)} s running (${fmt(running / Math.max(1, roundsByJobs), 1)} ms per batch, ` +
        `${fmt(roundsByJobs)} batches, ${fmt(scoredByJobs)} scored), ${fmt(waiting / 1000, 2)} s waiting past their delay`,
    );
    const perMessage = (us: number) => us / counts.stored;
    const botCpuUs = botCpu.user + botCpu.system;
    const cpuSum = botCpuUs + workersCpuUs + fakeStats.cpuUs + postgresCpuUs;
    console.log(
      `  CPU per message        ${fmt(perMessage(cpuSum))} µs: bot side ${fmt(perMessage(botCpuUs))}, ` +
        `worker ${fmt(perMessage(workersCpuUs))}, fake model ${fmt(perMessage(fakeStats.cpuUs))}, ` +
        `PostgreSQL ${fmt(perMessage(postgresCpuUs))}   (apart: Redis, whole server, ${fmt(perMessage(redisCpuUs))}; ` +
        `the bench's watching query ${fmt(perMessage(watcherCpuUs))})`,
    );
    console.log(
      `  CPU-bound rate         ${fmt((2 * 1e6) / perMessage(cpuSum))} messages/s on 2 cores   ` +
        `(what the CPU per message allows, however busy the machine was)`,
    );
    console.log(
      `  end to end             ${fmt(endToEnd)} messages/s   (${fmt(endToEndMs / 1000, 2)} s from the first message ` +
        `to the last score; goal ≥ ${fmt(GOALS.endToEnd)})   ${check(endToEnd >= GOALS.endToEnd)}`,
    );
    console.log(
      `  model calls            ${fmt(callsPer1000, 1)} per 1,000 messages   (${fmt(modelCalls)} recorded, ` +
        `${fmt(fakeRequests)} answered by the fake; ${calls.map((row) => `${row.outcome} ${row.calls}`).join(", ")}; ` +
        `goal ≤ ${GOALS.callsPer1000})   ${check(callsPer1000 <= GOALS.callsPer1000)}`,
    );
    console.log(
      `  prompt tokens          ${fmt(tokensPerMessage, 1)} per message   (${fmt(promptTokens)} in all)`,
    );
    console.log(
      `  offline scorer         ${fmt(offline)} messages/s on one core   (goal ≥ ${fmt(GOALS.offline)})   ` +
        check(offline >= GOALS.offline),
    );
    const missed =
      endToEnd < GOALS.endToEnd ||
      callsPer1000 > GOALS.callsPer1000 ||
      offline < GOALS.offline ||
      dropped !== 0 ||
      (scorers.find((row) => row.scorer === null)?.n ?? "0") !== "0";
    if (missed) process.exitCode = 1;
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await sql.end().catch(() => undefined);
    await fake.stop().catch(() => undefined);
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1_000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
    await redis.quit();
    await drop();
  }
}

if (process.argv.includes("--serve-fake")) await serveFake();
else await bench();
