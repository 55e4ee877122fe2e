// A Telegram adapter wired to a real core dispatcher, the real intake gate on
// Redis, and the fake Bot API. Only outside services are stand-ins: settings live
// in a small in-memory repository and enqueued jobs are recorded, not sent to BullMQ.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import {
  createDispatcher,
  createGate,
  createRegistry,
  createSettingsModel,
  createSettingsStore,
  type JobName,
  type JobPayload,
  type JobProducer,
  type RunRecord,
  type SettingsRepository,
} from "@memebot/core";
import {
  createTelegramAdapter,
  type TelegramAdapter,
  type TelegramAdapterOptions,
  type TelegramIntakeSample,
} from "../../../apps/bot/src/telegram/adapter.ts";
import { startFakeTelegram, type FakeTelegram } from "../../fakes/telegram/server.ts";

export interface RecordedJob {
  name: JobName;
  payload: JobPayload<"meme.text">;
  jobId: string;
}

export interface LogEntry {
  level: "info" | "warn" | "error";
  object: object;
  message: string;
}

/** Settings kept in a Map, standing in for the database; `failReads` makes every read reject. */
export function createMemorySettingsRepository() {
  const stored = new Map<string, Record<string, unknown>>();
  const state = { failReads: false };
  const repository: SettingsRepository = {
    async findSettings(key) {
      if (state.failReads) throw new Error("settings store unreachable");
      return stored.get(`${key.platform}:${key.externalId}`) ?? null;
    },
    async saveSettings(input) {
      stored.set(`${input.community.platform}:${input.community.externalId}`, input.settings);
    },
  };
  return { repository, stored, state };
}

export interface Harness {
  fake: FakeTelegram;
  adapter: TelegramAdapter;
  jobs: RecordedJob[];
  runs: RunRecord[];
  logs: LogEntry[];
  samples: TelegramIntakeSample[];
  settings: ReturnType<typeof createMemorySettingsRepository>;
  prefix: string;
  close(): Promise<void>;
}

export async function startHarness(
  redis: Redis,
  overrides: Partial<TelegramAdapterOptions> & { fake?: FakeTelegram; prefix?: string } = {},
): Promise<Harness> {
  const { fake: givenFake, prefix: givenPrefix, ...adapterOverrides } = overrides;
  const fake = givenFake ?? (await startFakeTelegram({ pollHoldMs: 200 }));
  const prefix = givenPrefix ?? `test-tg-${randomUUID()}`;
  const jobs: RecordedJob[] = [];
  const runs: RunRecord[] = [];
  const logs: LogEntry[] = [];
  const samples: TelegramIntakeSample[] = [];
  const settings = createMemorySettingsRepository();

  const registry = createRegistry();
  const settingsModel = createSettingsModel(registry.all);
  const producer: JobProducer = {
    async enqueue(name, payload, options) {
      jobs.push({ name, payload: payload as JobPayload<"meme.text">, jobId: options.jobId });
      return { jobId: options.jobId };
    },
  };
  const logger = {
    info: (object: object, message: string) => logs.push({ level: "info", object, message }),
    warn: (object: object, message: string) => logs.push({ level: "warn", object, message }),
    error: (object: object, message: string) => logs.push({ level: "error", object, message }),
  };
  const dispatch = createDispatcher({
    registry,
    settingsModel,
    settings: createSettingsStore({ repository: settings.repository, model: settingsModel, ttlMs: 0 }),
    gate: createGate({ redis, prefix }),
    jobs: producer,
    runs: { record: async (run) => void runs.push(run) },
    logger,
  });
  const adapter = createTelegramAdapter({
    token: fake.token,
    apiRoot: fake.apiRoot,
    dispatch,
    registry,
    logger,
    onIntake: (sample) => samples.push(sample),
    // Retries in tests must not wait real seconds.
    send: { sleep: async () => undefined },
    ...adapterOverrides,
  });
  return {
    fake,
    adapter,
    jobs,
    runs,
    logs,
    samples,
    settings,
    prefix,
    async close() {
      await adapter.stop("test finished");
      if (!givenFake) await fake.close();
    },
  };
}

/** Removes the gate's keys a test left in Redis (dedup marks live a day otherwise). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
}
