// A real core dispatcher for adapter tests: the registry, settings model and store,
// and the intake gate on the real Redis. Only the outside stores are stand-ins: an
// in-memory settings repository and a job producer that records what it was given.
import { randomUUID } from "node:crypto";
import {
  createDispatcher,
  createGate,
  createRegistry,
  createSettingsModel,
  createSettingsStore,
  type Dispatch,
  type CommandRegistry,
  type JobName,
  type JobPayload,
  type JobProducer,
  type RunRecord,
  type SettingsRepository,
} from "@memebot/core";
import { Redis } from "ioredis";

export interface EnqueuedJob {
  name: JobName;
  payload: JobPayload<JobName>;
  jobId: string;
}

export interface CoreHarness {
  dispatch: Dispatch;
  registry: CommandRegistry;
  jobs: EnqueuedJob[];
  runs: RunRecord[];
  savedSettings: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

export function createCoreHarness(): CoreHarness {
  const registry = createRegistry();
  const settingsModel = createSettingsModel(registry.all);
  const savedSettings = new Map<string, Record<string, unknown>>();
  const repository: SettingsRepository = {
    async findSettings(key) {
      return savedSettings.get(`${key.platform}:${key.externalId}`);
    },
    async saveSettings(input) {
      savedSettings.set(`${input.community.platform}:${input.community.externalId}`, input.settings);
    },
  };
  const jobs: EnqueuedJob[] = [];
  const producer: JobProducer = {
    async enqueue(name, payload, options) {
      jobs.push({ name, payload, jobId: options.jobId });
      return { jobId: options.jobId };
    },
  };
  const runs: RunRecord[] = [];
  const redis = new Redis("redis://127.0.0.1:6379", { lazyConnect: false, maxRetriesPerRequest: 1 });
  const prefix = `test:discord:${randomUUID()}`;
  const silent = { error: () => undefined, warn: () => undefined };
  const dispatch = createDispatcher({
    registry,
    settings: createSettingsStore({ repository, model: settingsModel }),
    settingsModel,
    // A fresh prefix per harness: no test sees another's dedup keys or rate windows.
    gate: createGate({ redis, prefix }),
    jobs: producer,
    runs: {
      async record(run) {
        runs.push(run);
      },
    },
    logger: silent,
  });
  return {
    dispatch,
    registry,
    jobs,
    runs,
    savedSettings,
    async close() {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
