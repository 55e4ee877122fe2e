import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export type JobState = "completed" | "failed" | "retried";

export type QueueJobCounts = { queue: string; counts: Record<string, number> };
export type JobCountsProvider = () => Promise<QueueJobCounts[]>;

export type Metrics = {
  /** This instance's own registry; add more metrics with `registers: [metrics.registry]`. */
  registry: Registry;
  commandsTotal: Counter<"platform" | "command" | "outcome">;
  jobsTotal: Counter<"job" | "state">;
  /** Jobs dropped because their answer could no longer reach the chat (a Discord token about to die). */
  jobsExpiredTotal: Counter<"job">;
  /** Filled at scrape time from the provider given to `setJobCountsProvider`. */
  jobsByState: Gauge<"queue" | "state">;
  /** The model gateway's requests to providers (a repair round is a second request), by how each ended. */
  modelGatewayRequestsTotal: Counter<"provider" | "model" | "task" | "outcome">;
  modelGatewayRequestSeconds: Histogram<"provider" | "model" | "task">;
  /** 1 while a provider's circuit breaker is open or half-open. */
  modelGatewayBreakerOpen: Gauge<"provider">;
  /** The model gateway's calls, by task and outcome (ok, invalid, unavailable, over_budget, not_configured). */
  modelGatewayCallsTotal: Counter<"task" | "outcome">;
  intakeToEnqueueSeconds: Histogram<"platform">;
  updateToReplySeconds: Histogram<"platform">;
  setJobCountsProvider(provider: JobCountsProvider): void;
  render(): Promise<{ contentType: string; body: string }>;
};

export type MetricsOptions = {
  /** Node process metrics (CPU, memory, event loop, GC) under their standard unprefixed names. */
  collectDefault?: boolean;
  /** Prefix for this project's metric names. */
  prefix?: string;
  /** A job counts provider slower than this counts as failed, so a stuck Redis cannot stall every scrape. */
  jobCountsTimeoutMs?: number;
};

// Model calls on self-hosted servers range from sub-second to minutes under load.
const MODEL_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
// Intake to enqueue is one Redis round trip plus validation: milliseconds.
const ENQUEUE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
// Update to reply spans a queued model call and a platform send.
const REPLY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const prefix = options.prefix ?? "memebot_";
  const jobCountsTimeoutMs = options.jobCountsTimeoutMs ?? 2_000;
  const registry = new Registry();
  if (options.collectDefault ?? true) collectDefaultMetrics({ register: registry });

  let jobCountsProvider: JobCountsProvider | undefined;
  // Both gauges below are collected concurrently within one scrape; they share a single provider call.
  let inFlightRead: Promise<QueueJobCounts[] | "failed" | undefined> | undefined;
  function readJobCounts() {
    if (inFlightRead !== undefined) return inFlightRead;
    const provider = jobCountsProvider;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"failed">((resolve) => {
      timer = setTimeout(() => resolve("failed"), jobCountsTimeoutMs);
    });
    // Called inside then() so a provider that throws synchronously still counts as a failed read.
    const counts = Promise.resolve().then(() => provider?.());
    inFlightRead = Promise.race([counts.catch(() => "failed" as const), timeout]).finally(() => {
      clearTimeout(timer);
      inFlightRead = undefined;
    });
    return inFlightRead;
  }

  const jobsByState = new Gauge<"queue" | "state">({
    name: `${prefix}queue_jobs`,
    help: "Jobs in each queue by state, read at scrape time",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      const read = await readJobCounts();
      // Reset so queues or states that vanished, or counts that could not be read, are not reported as current.
      this.reset();
      if (read === undefined || read === "failed") return;
      for (const { queue, counts } of read) {
        for (const [state, count] of Object.entries(counts)) this.set({ queue, state }, count);
      }
    },
  });

  // A scrape must not fail because Redis is briefly unreachable; this gauge says whether the counts are fresh.
  new Gauge({
    name: `${prefix}queue_jobs_provider_up`,
    help: "1 when this scrape read queue job counts, 0 when reading them failed or no provider is set",
    registers: [registry],
    async collect() {
      const read = await readJobCounts();
      this.set(read === undefined || read === "failed" ? 0 : 1);
    },
  });

  return {
    registry,
    commandsTotal: new Counter({
      name: `${prefix}commands_total`,
      help: "Commands handled, by platform, command and outcome",
      labelNames: ["platform", "command", "outcome"],
      registers: [registry],
    }),
    jobsTotal: new Counter({
      name: `${prefix}jobs_total`,
      help: "Jobs finished by the worker, by job name and state (completed, failed, retried)",
      labelNames: ["job", "state"],
      registers: [registry],
    }),
    jobsExpiredTotal: new Counter({
      name: `${prefix}jobs_expired_total`,
      help: "Jobs dropped unanswered because their reply window closed (Discord's 15-minute interaction token), by job name",
      labelNames: ["job"],
      registers: [registry],
    }),
    jobsByState,
    modelGatewayRequestsTotal: new Counter({
      name: `${prefix}model_gateway_requests_total`,
      help: "Requests the model gateway sent to providers, by provider, model, task and outcome",
      labelNames: ["provider", "model", "task", "outcome"],
      registers: [registry],
    }),
    modelGatewayRequestSeconds: new Histogram({
      name: `${prefix}model_gateway_request_seconds`,
      help: "Duration of the model gateway's requests to providers",
      labelNames: ["provider", "model", "task"],
      buckets: MODEL_BUCKETS,
      registers: [registry],
    }),
    modelGatewayBreakerOpen: new Gauge({
      name: `${prefix}model_gateway_breaker_open`,
      help: "1 while the provider's circuit breaker is open or half-open, 0 once it closes",
      labelNames: ["provider"],
      registers: [registry],
    }),
    modelGatewayCallsTotal: new Counter({
      name: `${prefix}model_gateway_calls_total`,
      help: "Calls to the model gateway, by task and outcome",
      labelNames: ["task", "outcome"],
      registers: [registry],
    }),
    intakeToEnqueueSeconds: new Histogram({
      name: `${prefix}intake_to_enqueue_seconds`,
      help: "Time from receiving a platform update to its job being enqueued",
      labelNames: ["platform"],
      buckets: ENQUEUE_BUCKETS,
      registers: [registry],
    }),
    updateToReplySeconds: new Histogram({
      name: `${prefix}update_to_reply_seconds`,
      help: "Time from receiving a platform update to the reply being delivered",
      labelNames: ["platform"],
      buckets: REPLY_BUCKETS,
      registers: [registry],
    }),
    setJobCountsProvider(provider) {
      jobCountsProvider = provider;
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
