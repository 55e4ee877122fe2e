// Shared pieces of the gateway tests: configurations built by hand (the file loader is tested
// elsewhere), in-memory stand-ins for the accounting recorder and the budget ledger (the gateway's
// dependencies, implemented elsewhere against the database and Redis), metrics that keep what they
// are told, and a real Redis with one prefix per test.
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import type { TestContext } from "vitest";
import {
  createModelGateway,
  type CallCommunity,
  type GatewayMetrics,
  type ModelCallRecord,
  type ModelCallRecorder,
  type ModelGateway,
  type ModelGatewayOptions,
  type TokenBudgetLedger,
} from "@memebot/ai";
import { MODEL_TASKS, type ModelsConfig, type ProviderConfig, type TaskConfig } from "@memebot/config";
import { deletePrefix, recordingLogger } from "../../jobs/support.ts";

export const API_KEY = "sk-gateway-SECRET-91c3e7";

export const REDIS_URL = "redis://127.0.0.1:6379";

/** A provider serving `models` (name = id unless given as [name, id]); fast and permissive by default. */
export function provider(
  name: string,
  baseURL: string,
  overrides: Partial<Omit<ProviderConfig, "models">> & { models?: Array<string | [string, string]> } = {},
): ProviderConfig {
  const { models = ["qwen"], ...rest } = overrides;
  return {
    name,
    baseURL,
    apiKey: API_KEY,
    apiKeyEnv: "FAKE_MODEL_KEY",
    maxConcurrent: 16,
    requestsPerMinute: undefined,
    timeoutMs: 2_000,
    priority: 1,
    jsonSchema: true,
    ...rest,
    models: models.map((model) =>
      typeof model === "string" ? { name: model, id: `${model}-id` } : { name: model[0], id: model[1] },
    ),
  };
}

/** Every task uses `models` (default ["qwen"]) with a 5 s deadline unless `task` says otherwise. */
export function modelsConfig(providers: ProviderConfig[], task: Partial<TaskConfig> = {}): ModelsConfig {
  const base: TaskConfig = { models: ["qwen"], maxTokens: 256, temperature: 0.7, deadlineMs: 5_000, ...task };
  return {
    source: { kind: "env" },
    providers,
    tasks: Object.fromEntries(MODEL_TASKS.map((name) => [name, base])) as ModelsConfig["tasks"],
  };
}

/** The recorder's contract, in memory: rows as the gateway records them. */
export class MemoryRecorder implements ModelCallRecorder {
  readonly rows: ModelCallRecord[] = [];
  flushes = 0;
  record(call: ModelCallRecord): void {
    this.rows.push(call);
  }
  async flush(): Promise<void> {
    this.flushes += 1;
  }
}

/** The ledger's contract, in memory. */
export class MemoryLedger implements TokenBudgetLedger {
  readonly spent = new Map<string, number>();
  readonly reads: CallCommunity[] = [];
  private keyOf = (community: CallCommunity) => `${community.platform}:${community.externalId}`;
  async spentToday(community: CallCommunity): Promise<number> {
    this.reads.push(community);
    return this.spent.get(this.keyOf(community)) ?? 0;
  }
  async add(community: CallCommunity, tokens: number): Promise<void> {
    this.spent.set(this.keyOf(community), (this.spent.get(this.keyOf(community)) ?? 0) + tokens);
  }
}

export interface MetricSample {
  metric: "requests" | "latency" | "breakerOpen" | "calls";
  labels: Record<string, string>;
  value: number;
}

/** GatewayMetrics that keep every report. */
export function recordingMetrics(): GatewayMetrics & { samples: MetricSample[] } {
  const samples: MetricSample[] = [];
  return {
    samples,
    requests: { inc: (labels) => samples.push({ metric: "requests", labels, value: 1 }) },
    latency: { observe: (labels, value) => samples.push({ metric: "latency", labels, value }) },
    breakerOpen: { set: (labels, value) => samples.push({ metric: "breakerOpen", labels, value }) },
    calls: { inc: (labels) => samples.push({ metric: "calls", labels, value: 1 }) },
  };
}

/** A URL where nothing listens: connections are refused at once. */
export async function closedPortURL(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

export interface TestGateway {
  gateway: ModelGateway;
  recorder: MemoryRecorder;
  logs: ReturnType<typeof recordingLogger>;
  metrics: ReturnType<typeof recordingMetrics>;
}

/**
 * Opens gateways on one Redis prefix for the current test; `connections` separate Redis clients
 * stand for separate processes. Everything is closed and the prefix deleted when the test ends.
 */
export function gatewayFactory(context: TestContext) {
  const prefix = `test-gateway-${randomUUID()}`;
  const clients: Redis[] = [];
  const gateways: ModelGateway[] = [];
  context.onTestFinished(async () => {
    await Promise.allSettled(gateways.map((gateway) => gateway.close()));
    const [first] = clients;
    if (first) await deletePrefix(first, prefix);
    await Promise.all(clients.map((client) => client.quit()));
  });
  return {
    prefix,
    open(config: ModelsConfig, options: Partial<ModelGatewayOptions> = {}): TestGateway {
      const redis = new Redis(REDIS_URL);
      clients.push(redis);
      const recorder = new MemoryRecorder();
      const logs = recordingLogger();
      const metrics = recordingMetrics();
      const gateway = createModelGateway({
        config,
        redis,
        prefix,
        recorder,
        logger: logs,
        metrics,
        ...options,
      });
      gateways.push(gateway);
      return { gateway, recorder, logs, metrics };
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
