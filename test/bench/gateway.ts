// `pnpm bench:gateway`: what routing through the model gateway costs.
//
// Three fake OpenAI-compatible providers serve one model at equal priority, listed worst first:
// "down" (a closed port), "slow" (answers in 400 ms) and "healthy" (40 ms). Limits are set high
// enough never to throttle. Then, in one run:
//   - BENCH_CALLS (5000) JSON calls (structured output, parsed and validated) through the
//     gateway, BENCH_CONCURRENCY (64) at a time;
//   - as many direct `openai` SDK calls to the healthy provider, as many at a time, with the same
//     request body, parsed and validated the same way.
// Both run in BENCH_ROUNDS (10) alternating blocks, ABBA order (gateway, direct, direct, gateway…),
// so a drift in the machine's load or the JIT's warmth weighs on both alike.
// The gateway starts cold: it has to find out that "down" is down (its breaker opens after 5
// failures) and that "slow" is slow (one request measures it); those first calls are counted.
// A warm-up of BENCH_WARMUP (200) direct calls is made first and not counted (JIT, sockets).
// The fake providers run in a child process, as real providers are elsewhere: the measured
// process holds only the callers (the gateway, or the bare SDK).
//
// Printed: calls/s, p50/p99 latency and CPU per call, the share of gateway calls answered by a
// provider (not offline) and by which, and the gateway's overhead per call:
// (gateway mean − direct mean) / direct mean. The mean rather than a percentile because the
// overhead is a cost every call pays; it includes the cold start above. When the calling process
// is CPU-bound (the SDK alone costs most of a millisecond of CPU per call here), latency grows with
// CPU per call, and this figure mostly measures the gateway's extra CPU.
// Goals: 100% answered by a provider, gateway p99 under twice the direct p99, overhead under 5%;
// the process exits with 1 when one is missed.
//
// The gateway is built as the worker builds it: the batched database recorder writing ModelCall rows
// to PostgreSQL (a scratch database created, migrated and dropped by the run, on the server of
// BENCH_POSTGRES_ADMIN_URL; or BENCH_DATABASE_URL, an already migrated one), the Redis token ledger,
// prom-client metrics from @memebot/telemetry, and every call made for one of 50 communities with a
// daily budget (so each call also reads the ledger and adds to it).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import OpenAI from "openai";
import { z } from "zod";
import { createModelGateway, createTokenBudgetLedger } from "@memebot/ai";
import { MODEL_TASKS, type ModelsConfig, type ProviderConfig, type TaskConfig } from "@memebot/config";
import { createModelCallRecorder } from "@memebot/db";
import { createMetrics } from "@memebot/telemetry";
import { startFakeOpenAI } from "../fakes/openai/server.ts";
import { benchDatabase } from "./bench-database.ts";

const calls = Number(process.env.BENCH_CALLS ?? 5_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
const warmup = Number(process.env.BENCH_WARMUP ?? 200);
const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const COMMUNITIES = 50;

const captionSchema = z.object({ top: z.string().max(80), bottom: z.string().max(80) });
const system = "You write meme captions. Answer with JSON.";
const messages = (n: number) => [{ role: "user" as const, content: `Topic: bench topic ${n}` }];

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

interface Measured {
  latencies: number[];
  wallMs: number;
  cpuMs: number;
}

/** Runs `count` calls, `concurrency` at a time, adding each call's latency and the block's wall and CPU time to `into`. */
async function run(count: number, call: (n: number) => Promise<void>, into: Measured) {
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        const callStarted = performance.now();
        await call(n);
        into.latencies.push(performance.now() - callStarted);
      }
    }),
  );
  into.wallMs += performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  into.cpuMs += (cpu.user + cpu.system) / 1000;
}

function describeRun(name: string, { latencies, wallMs, cpuMs }: Measured) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return (
    `${name.padEnd(30)} ${((sorted.length / wallMs) * 1000).toFixed(0).padStart(5)} calls/s   ` +
    `p50 ${percentile(sorted, 50).toFixed(1)} ms   p99 ${percentile(sorted, 99).toFixed(1)} ms   ` +
    `mean ${mean(sorted).toFixed(2)} ms   CPU ${((cpuMs / sorted.length) * 1000).toFixed(0)} µs/call`
  );
}

async function closedPortURL(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

/** The child process: the slow and healthy providers, until its parent closes its stdin. */
async function serveFakes() {
  const fakes = await Promise.all([startFakeOpenAI({ record: false }), startFakeOpenAI({ record: false })]);
  const [slow, healthy] = fakes;
  const reply = JSON.stringify({ top: "NOBODY:", bottom: "BENCH" });
  slow.setBehaviour({ kind: "reply", content: reply, delayMs: 400 });
  healthy.setBehaviour({ kind: "reply", content: reply, delayMs: 40 });
  console.log(JSON.stringify({ slow: slow.baseURL, healthy: healthy.baseURL }));
  process.stdin.resume();
  process.stdin.on(
    "end",
    () => void Promise.all(fakes.map((fake) => fake.close())).then(() => process.exit(0)),
  );
}

async function startFakeProviders() {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), "--serve-fakes"],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const [first] = await once(lines, "line");
  lines.close();
  const urls = JSON.parse(String(first)) as { slow: string; healthy: string };
  return { ...urls, stop: () => child.stdin.end() };
}

async function bench() {
  const fakes = await startFakeProviders();
  const providerConfig = (name: string, baseURL: string): ProviderConfig => ({
    name,
    baseURL,
    apiKey: "bench-key",
    apiKeyEnv: "BENCH_KEY",
    models: [{ name: "qwen", id: "qwen-bench" }],
    maxConcurrent: 10_000,
    requestsPerMinute: undefined,
    timeoutMs: 5_000,
    priority: 1,
    jsonSchema: true,
  });
  const task: TaskConfig = { models: ["qwen"], maxTokens: 128, temperature: 0.9, deadlineMs: 10_000 };
  const config: ModelsConfig = {
    source: { kind: "env" },
    providers: [
      providerConfig("down", await closedPortURL()),
      providerConfig("slow", fakes.slow),
      providerConfig("healthy", fakes.healthy),
    ],
    tasks: Object.fromEntries(MODEL_TASKS.map((name) => [name, task])) as ModelsConfig["tasks"],
  };

  const redis = new Redis(redisUrl);
  const prefix = `bench-gateway-${randomUUID()}`;
  const { database, drop } = await benchDatabase("bench_gateway");
  const metrics = createMetrics();
  const warn = (object: object, message: string) => console.warn(message, JSON.stringify(object));
  const recorder = createModelCallRecorder(database.prisma, { logger: { warn } });
  const gateway = createModelGateway({
    config,
    redis,
    prefix,
    recorder,
    budget: createTokenBudgetLedger({ redis, prefix }),
    logger: { warn, info: () => undefined },
    metrics: {
      requests: metrics.modelGatewayRequestsTotal,
      latency: metrics.modelGatewayRequestSeconds,
      breakerOpen: metrics.modelGatewayBreakerOpen,
      calls: metrics.modelGatewayCallsTotal,
    },
  });

  // The request the gateway sends to a jsonSchema provider, from the SDK directly.
  const direct = new OpenAI({
    baseURL: fakes.healthy,
    apiKey: "bench-key",
    maxRetries: 0,
    organization: null,
    project: null,
  });
  const { $schema: _metaSchema, ...jsonSchema } = z.toJSONSchema(captionSchema) as Record<string, unknown>;
  async function directCall(n: number) {
    const completion = await direct.chat.completions.create({
      model: "qwen-bench",
      messages: [{ role: "system", content: system }, ...messages(n)],
      max_tokens: task.maxTokens,
      temperature: task.temperature,
      response_format: {
        type: "json_schema",
        json_schema: { name: "caption", strict: true, schema: jsonSchema },
      },
    });
    captionSchema.parse(JSON.parse(completion.choices[0]?.message.content ?? ""));
  }

  const answeredBy = new Map<string, number>();
  async function gatewayCall(n: number) {
    const result = await gateway.json({
      task: "meme-text",
      system,
      messages: messages(n),
      schema: captionSchema,
      schemaName: "caption",
      community: { platform: "telegram", externalId: `-100${n % COMMUNITIES}` },
      dailyTokenBudget: 1_000_000_000,
    });
    const who = result.ok ? result.provider : `offline (${result.reason})`;
    answeredBy.set(who, (answeredBy.get(who) ?? 0) + 1);
  }

  try {
    await run(warmup, directCall, { latencies: [], wallMs: 0, cpuMs: 0 });
    const viaGateway: Measured = { latencies: [], wallMs: 0, cpuMs: 0 };
    const directly: Measured = { latencies: [], wallMs: 0, cpuMs: 0 };
    for (let round = 0; round < rounds; round += 1) {
      const block = Math.floor(calls / rounds) + (round < calls % rounds ? 1 : 0);
      const order = round % 2 === 0 ? ["gateway", "direct"] : ["direct", "gateway"];
      for (const which of order) {
        if (which === "gateway") await run(block, gatewayCall, viaGateway);
        else await run(block, directCall, directly);
      }
    }

    const offline = [...answeredBy]
      .filter(([who]) => who.startsWith("offline"))
      .reduce((s, [, c]) => s + c, 0);
    const sortedGateway = [...viaGateway.latencies].sort((a, b) => a - b);
    const sortedDirect = [...directly.latencies].sort((a, b) => a - b);
    const overhead = (mean(sortedGateway) - mean(sortedDirect)) / mean(sortedDirect);
    const p99Ratio = percentile(sortedGateway, 99) / percentile(sortedDirect, 99);
    console.log(
      `${calls} JSON calls each way, ${concurrency} at a time, in ${rounds} alternating blocks; ` +
        `providers: down, slow (400 ms), healthy (40 ms)`,
    );
    console.log(describeRun("gateway (3 providers)", viaGateway));
    console.log(describeRun("direct openai SDK to healthy", directly));
    console.log(
      `answered by a provider: ${(((calls - offline) / calls) * 100).toFixed(2)}%   (${[...answeredBy]
        .map(([who, count]) => `${who} ${count}`)
        .join(", ")})`,
    );
    console.log(`gateway p99 / direct p99: ${p99Ratio.toFixed(2)}   (goal < 2)`);
    console.log(`overhead per call (mean): ${(overhead * 100).toFixed(2)}%   (goal < 5%)`);
    const missed = [
      offline > 0 ? "not every call answered by a provider" : undefined,
      p99Ratio >= 2 ? "gateway p99 not under twice the direct p99" : undefined,
      overhead >= 0.05 ? "overhead not under 5%" : undefined,
    ].filter((goal) => goal !== undefined);
    if (missed.length > 0) {
      console.log(`goals missed: ${missed.join("; ")}`);
      process.exitCode = 1;
    }
  } finally {
    await gateway.close();
    const rows = await database.prisma.modelCall.count();
    console.log(`ModelCall rows written: ${rows}`);
    await database.close();
    await drop();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    fakes.stop();
  }
}

if (process.argv.includes("--serve-fakes")) await serveFakes();
else await bench();
