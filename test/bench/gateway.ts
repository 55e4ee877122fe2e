// `pnpm bench:gateway`: what routing through the model gateway costs.
//
// Three fake OpenAI-compatible providers serve one model at equal priority, listed worst first:
// "down" (a closed port), "slow" and "healthy". Limits are set high enough never to throttle.
// Then, in one run:
//   - BENCH_CALLS (5000) JSON calls (structured output, parsed and validated) through the
//     gateway, BENCH_CONCURRENCY (64) at a time;
//   - as many direct `openai` SDK calls to the healthy provider, as many at a time, with the same
//     request body, parsed and validated the same way.
// Both run in BENCH_ROUNDS (10) alternating blocks, ABBA order (gateway, direct, direct, gateway…),
// so a drift in the machine's load weighs on both alike. Before them, BENCH_WARMUP (1000) calls each
// way are made and not counted, the gateway's through a gateway of their own: the code is compiled
// and the sockets open, as in a worker that has been running. The measured gateway still starts
// cold: it has to find out that "down" is down (its breaker opens after 5 failures) and that "slow"
// is slow (one request measures it); those first calls are counted.
// The fake providers run in a child process, as real providers are elsewhere: the measured
// process holds only the callers (the gateway, or the bare SDK).
//
// The goals are judged with the healthy provider answering in BENCH_HEALTHY_MS (200 ms, the fast end
// of a small self-hosted model's short JSON answer) and the slow one in ten times that, each answer
// taking its provider's time ± half (answers vary in length; with one fixed time, the 64 calls
// that start together come back together for ever, in waves no real provider makes).
// Printed: calls/s, p50/p99 latency and CPU per call, the share of gateway calls answered by a
// provider (not offline) and by which, and the gateway's overhead per call:
// (gateway mean − direct mean) / direct mean, and in milliseconds. The mean rather than a percentile
// because the overhead is a cost every call pays; it includes the cold start above.
// Goals: 100% answered by a provider, gateway p99 under twice the direct p99, overhead under 5%;
// the process exits with 1 when one is missed.
//
// Then the same again as a stress run, not judged: the healthy provider at BENCH_STRESS_MS (40 ms;
// 0 skips it), the slow one at ten times that, ± half as above. 64 calls in flight then ask for some 1,500 calls a
// second, more than this process's one core gives (the SDK alone costs most of a millisecond of CPU
// per call): latency is then queueing for the CPU, and the figure says how the gateway's CPU per
// call, and the Redis and PostgreSQL work it causes on the same machine as the fake providers,
// compare with the bare SDK's. It moves by several points from run to run on a small machine.
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
import { createModelGateway, createTokenBudgetLedger, type ModelGateway } from "@memebot/ai";
import { MODEL_TASKS, type ModelsConfig, type ProviderConfig, type TaskConfig } from "@memebot/config";
import { createModelCallRecorder, type Database } from "@memebot/db";
import { createMetrics } from "@memebot/telemetry";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai/server.ts";
import { benchDatabase } from "./bench-database.ts";

const calls = Number(process.env.BENCH_CALLS ?? 5_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
const warmup = Number(process.env.BENCH_WARMUP ?? 1_000);
const healthyMs = Number(process.env.BENCH_HEALTHY_MS ?? 200);
const stressMs = Number(process.env.BENCH_STRESS_MS ?? 40);
const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const COMMUNITIES = 50;
/** The slow provider takes this many times the healthy one's time. */
const SLOW_FACTOR = 10;
/**
 * A provider's answer takes its nominal time ± half, uniformly: a model's answers vary in length.
 * (With one fixed time, 64 calls that start together come back together for ever, in waves no
 * real provider makes; see the README.)
 */
const varied = (ms: number) => Math.round(ms * (0.5 + Math.random()));

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
const measured = (): Measured => ({ latencies: [], wallMs: 0, cpuMs: 0 });

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

interface Setting {
  healthyMs: number;
  slow: string;
  healthy: string;
}

/** The child process: a slow and a healthy provider per delay asked, until its parent closes its stdin. */
async function serveFakes(delays: number[]) {
  const reply = JSON.stringify({ top: "NOBODY:", bottom: "BENCH" });
  const settings: Setting[] = [];
  const fakes: FakeOpenAI[] = [];
  for (const delay of delays) {
    const [slow, healthy] = await Promise.all([
      startFakeOpenAI({ record: false }),
      startFakeOpenAI({ record: false }),
    ]);
    slow.setBehaviour(() => ({ kind: "reply", content: reply, delayMs: varied(delay * SLOW_FACTOR) }));
    healthy.setBehaviour(() => ({ kind: "reply", content: reply, delayMs: varied(delay) }));
    fakes.push(slow, healthy);
    settings.push({ healthyMs: delay, slow: slow.baseURL, healthy: healthy.baseURL });
  }
  console.log(JSON.stringify(settings));
  process.stdin.resume();
  process.stdin.on(
    "end",
    () => void Promise.all(fakes.map((fake) => fake.close())).then(() => process.exit(0)),
  );
}

async function startFakeProviders(delays: number[]) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), "--serve-fakes", JSON.stringify(delays)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  const [first] = await once(lines, "line");
  lines.close();
  return { settings: JSON.parse(String(first)) as Setting[], stop: () => child.stdin.end() };
}

interface Comparison {
  viaGateway: Measured;
  directly: Measured;
  answeredBy: Map<string, number>;
  /** Calls made through gateways, warm-up included: each writes one ModelCall row. */
  gatewayCalls: number;
}

/** Warm-up, then `calls` each way in alternating blocks, against one setting's providers. */
async function compare(
  setting: Setting,
  down: string,
  redis: Redis,
  database: Database,
): Promise<Comparison> {
  const providerConfig = (name: string, baseURL: string): ProviderConfig => ({
    name,
    baseURL,
    apiKey: "bench-key",
    apiKeyEnv: "BENCH_KEY",
    models: [{ name: "qwen", id: "qwen-bench" }],
    maxConcurrent: 10_000,
    requestsPerMinute: undefined,
    timeoutMs: Math.max(5_000, 2 * setting.healthyMs * SLOW_FACTOR),
    priority: 1,
    jsonSchema: true,
  });
  const task: TaskConfig = { models: ["qwen"], maxTokens: 128, temperature: 0.9, deadlineMs: 30_000 };
  const config: ModelsConfig = {
    source: { kind: "env" },
    providers: [
      providerConfig("down", down),
      providerConfig("slow", setting.slow),
      providerConfig("healthy", setting.healthy),
    ],
    tasks: Object.fromEntries(MODEL_TASKS.map((name) => [name, task])) as ModelsConfig["tasks"],
  };
  const metrics = createMetrics();
  const warn = (object: object, message: string) => console.warn(message, JSON.stringify(object));
  /** A gateway as the worker builds it, with Redis keys of its own. */
  const gatewayOf = (prefix: string, logger = { warn, info: () => undefined }) =>
    createModelGateway({
      config,
      redis,
      prefix,
      recorder: createModelCallRecorder(database.prisma, { logger: { warn } }),
      budget: createTokenBudgetLedger({ redis, prefix }),
      logger,
      metrics: {
        requests: metrics.modelGatewayRequestsTotal,
        latency: metrics.modelGatewayRequestSeconds,
        breakerOpen: metrics.modelGatewayBreakerOpen,
        calls: metrics.modelGatewayCallsTotal,
      },
    });

  // The request the gateway sends to a jsonSchema provider, from the SDK directly.
  const direct = new OpenAI({
    baseURL: setting.healthy,
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
  let gatewayCalls = 0;
  const gatewayCall = (gateway: ModelGateway, count: boolean) => async (n: number) => {
    gatewayCalls += 1;
    const result = await gateway.json({
      task: "meme-text",
      system,
      messages: messages(n),
      schema: captionSchema,
      schemaName: "caption",
      community: { platform: "telegram", externalId: `-100${n % COMMUNITIES}` },
      dailyTokenBudget: 1_000_000_000,
    });
    if (!count) return;
    const who = result.ok ? result.provider : `offline (${result.reason})`;
    answeredBy.set(who, (answeredBy.get(who) ?? 0) + 1);
  };

  const prefixes = [`bench-gateway-${randomUUID()}`, `bench-gateway-warm-${randomUUID()}`];
  const [prefix, warmPrefix] = prefixes as [string, string];
  // The warm-up gateway's breaker news is not the measured run's: it stays quiet.
  const warmGateway = gatewayOf(warmPrefix, { warn: () => undefined, info: () => undefined });
  const gateway = gatewayOf(prefix);
  let warmClosed = false;
  const closeWarm = async () => {
    if (warmClosed) return;
    warmClosed = true;
    await warmGateway.close();
  };
  try {
    if (warmup > 0) {
      await run(warmup, directCall, measured());
      await run(warmup, gatewayCall(warmGateway, false), measured());
    }
    await closeWarm();
    const viaGateway = measured();
    const directly = measured();
    for (let round = 0; round < rounds; round += 1) {
      const block = Math.floor(calls / rounds) + (round < calls % rounds ? 1 : 0);
      const order = round % 2 === 0 ? ["gateway", "direct"] : ["direct", "gateway"];
      for (const which of order) {
        if (which === "gateway") await run(block, gatewayCall(gateway, true), viaGateway);
        else await run(block, directCall, directly);
      }
    }
    return { viaGateway, directly, answeredBy, gatewayCalls };
  } finally {
    await closeWarm();
    await gateway.close();
    for (const keyPrefix of prefixes) {
      const keys = await redis.keys(`${keyPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  }
}

/** Prints one comparison; returns the goals it misses (judged: all three; stress: none). */
function report(title: string, { viaGateway, directly, answeredBy }: Comparison, judged: boolean): string[] {
  const offline = [...answeredBy]
    .filter(([who]) => who.startsWith("offline"))
    .reduce((sum, [, count]) => sum + count, 0);
  const sortedGateway = [...viaGateway.latencies].sort((a, b) => a - b);
  const sortedDirect = [...directly.latencies].sort((a, b) => a - b);
  const extraMs = mean(sortedGateway) - mean(sortedDirect);
  const overhead = extraMs / mean(sortedDirect);
  const p99Ratio = percentile(sortedGateway, 99) / percentile(sortedDirect, 99);
  const goal = (text: string) => (judged ? `   (goal ${text})` : "");
  console.log(title);
  console.log(describeRun("  gateway (3 providers)", viaGateway));
  console.log(describeRun("  direct openai SDK to healthy", directly));
  console.log(
    `  answered by a provider: ${(((sortedGateway.length - offline) / sortedGateway.length) * 100).toFixed(2)}%   (${[
      ...answeredBy,
    ]
      .map(([who, count]) => `${who} ${count}`)
      .join(", ")})${goal("100%")}`,
  );
  console.log(`  gateway p99 / direct p99: ${p99Ratio.toFixed(2)}${goal("< 2")}`);
  console.log(
    `  overhead per call (mean): ${(overhead * 100).toFixed(2)}%, ${extraMs >= 0 ? "+" : ""}${extraMs.toFixed(2)} ms${goal("< 5%")}`,
  );
  if (!judged) return [];
  return [
    offline > 0 ? "not every call answered by a provider" : undefined,
    p99Ratio >= 2 ? "gateway p99 not under twice the direct p99" : undefined,
    overhead >= 0.05 ? "overhead not under 5%" : undefined,
  ].filter((missed) => missed !== undefined);
}

async function bench() {
  const delays = stressMs > 0 ? [healthyMs, stressMs] : [healthyMs];
  const fakes = await startFakeProviders(delays);
  const redis = new Redis(redisUrl);
  const { database, drop } = await benchDatabase("bench_gateway");
  const down = await closedPortURL();
  let gatewayCalls = 0;
  try {
    console.log(
      `${calls} JSON calls each way, ${concurrency} at a time, in ${rounds} alternating blocks, ` +
        `after ${warmup} uncounted warm-up calls each way; providers: down (a closed port), slow, healthy`,
    );
    const [judgedSetting, stressSetting] = fakes.settings as [Setting, Setting | undefined];
    const judged = await compare(judgedSetting, down, redis, database);
    gatewayCalls += judged.gatewayCalls;
    const missed = report(
      `healthy ${healthyMs} ms, slow ${healthyMs * SLOW_FACTOR} ms (the goals):`,
      judged,
      true,
    );
    if (stressSetting) {
      const stress = await compare(stressSetting, down, redis, database);
      gatewayCalls += stress.gatewayCalls;
      report(
        `stress, not a goal: healthy ${stressMs} ms, slow ${stressMs * SLOW_FACTOR} ms ` +
          `(${concurrency} in flight ask more calls a second than one core serves: latency is CPU queueing)`,
        stress,
        false,
      );
    }
    const rows = await database.prisma.modelCall.count();
    console.log(`ModelCall rows written: ${rows} of ${gatewayCalls} gateway calls (warm-up included)`);
    if (rows !== gatewayCalls) missed.push("a call's ModelCall row is missing");
    if (missed.length > 0) {
      console.log(`goals missed: ${missed.join("; ")}`);
      process.exitCode = 1;
    }
  } finally {
    await database.close();
    await drop();
    await redis.quit();
    fakes.stop();
  }
}

const serveAt = process.argv.indexOf("--serve-fakes");
if (serveAt >= 0) await serveFakes(JSON.parse(process.argv[serveAt + 1] ?? "[]") as number[]);
else await bench();
