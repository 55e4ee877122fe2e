// What every end-to-end test starts with: the fakes of the outside services and
// an environment pointing the platform at them, on the real Redis and PostgreSQL.
import { randomInt, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { startFakeOpenAI, type FakeOpenAI } from "../../fakes/openai/server.ts";
import { startFakeTelegram, type FakeTelegram } from "../../fakes/telegram/server.ts";
import { fakeServicesEnv } from "../../support/fake-services-env.ts";
import { waitUntilQueueSettled } from "../../support/queue-settled.ts";
import type { PlatformProcess } from "./platform-process.ts";

export interface E2eFixture {
  prefix: string;
  telegram: FakeTelegram;
  model: FakeOpenAI;
  env: Record<string, string>;
  processes: PlatformProcess[];
  /**
   * Resolves once no retry can still send a reply that went out at `since`: past the workers'
   * job lock and their next stalled-job check, with every job finished (see waitUntilQueueSettled).
   * Exactly-once checks count replies after this, not after a sleep shorter than the lock.
   */
  settled(since: number): Promise<void>;
  cleanup(): Promise<void>;
}

// Short enough that a killed worker's job returns quickly, long enough that a worker
// starved of CPU on a loaded test machine still renews its lock in time.
const JOB_LOCK_MS = 4_000;

export async function e2eFixture(): Promise<E2eFixture> {
  const prefix = `test-${randomUUID()}`;
  // A bot id of its own keeps this test's update keys apart from every other test's in the shared database.
  const telegram = await startFakeTelegram({
    bot: { id: randomInt(1_000_000_000, 2_000_000_000), username: "e2e_meme_bot", first_name: "E2E" },
    pollHoldMs: 200,
  });
  const model = await startFakeOpenAI();
  const processes: PlatformProcess[] = [];
  return {
    prefix,
    telegram,
    model,
    processes,
    env: {
      ...fakeServicesEnv({ prefix, telegram, model }),
      LLM_TIMEOUT_MS: "2000",
      JOB_LOCK_MS: String(JOB_LOCK_MS),
    },
    settled: (since) => waitUntilQueueSettled({ prefix, lockMs: JOB_LOCK_MS, since }),
    async cleanup() {
      await Promise.all(processes.map((child) => child.stop()));
      await telegram.close();
      await model.close();
      const redis = new Redis("redis://127.0.0.1:6379");
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
