// The worker as `pnpm start:worker` composes it, in this test process, on the real PostgreSQL and
// Redis: the worker tests enqueue with the same (tight) catalog and read runs and jobs back.
import { Queue } from "bullmq";
import { parseEnv } from "@memebot/config";
import { createRepositories, type Repositories } from "@memebot/db";
import { createJobProducer, type JobQueueProducer } from "@memebot/jobs";
import { openInfrastructure, type Infrastructure, type ProcessComponent } from "@memebot/runtime";
import { startWorker } from "@memebot/worker";
import { deletePrefix, tightCatalog } from "../jobs/support.ts";

export interface RunningWorker {
  infrastructure: Infrastructure;
  components: ProcessComponent[];
  /** Enqueues with the worker's catalog: attempts and backoff travel with the job. */
  producer: JobQueueProducer;
  repositories: Repositories;
  /** A read-only handle on the "commands" queue. */
  queue: Queue;
  /** Stops the worker, deletes the prefix's keys and closes the connections. */
  close(): Promise<void>;
}

/**
 * Starts the worker with `env` (over a silent log and a 2 s model timeout), keeping the real retry
 * policy's attempts but not its seconds-long waits.
 */
export async function startTestWorker(prefix: string, env: Record<string, string>): Promise<RunningWorker> {
  const infrastructure = await openInfrastructure(
    parseEnv({ NODE_ENV: "test", LOG_LEVEL: "silent", LLM_TIMEOUT_MS: "2000", ...env }),
  );
  const catalog = tightCatalog({ attempts: 3, backoffMs: 20 });
  let components: ProcessComponent[] = [];
  try {
    components = await startWorker(infrastructure, { catalog });
  } catch (error) {
    await infrastructure.close();
    throw error;
  }
  const producer = createJobProducer({ connection: infrastructure.redis, prefix, catalog });
  const repositories = createRepositories(infrastructure.database.prisma, {
    scrubText: infrastructure.scrubber.scrubText,
  });
  const queue = new Queue("commands", { connection: infrastructure.redis, prefix });
  return {
    infrastructure,
    components,
    producer,
    repositories,
    queue,
    async close() {
      await queue.close();
      await producer.close();
      for (const component of [...components].reverse()) await component.stop();
      await deletePrefix(infrastructure.redis, prefix);
      await infrastructure.close();
    },
  };
}
