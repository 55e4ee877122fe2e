import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDeliverOnce, createPlatformSender } from "@memebot/delivery";
import { createJobProducer, createJobWorker, type JobWorkerOptions } from "@memebot/jobs";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import {
  deletePrefix,
  memePayload,
  recordingLogger,
  REDIS_URL,
  scrubText,
  uniquePrefix,
  withOtherKinds,
  type CommandJobHandlers,
} from "./support.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const fixture = fileURLToPath(new URL("./fixtures/crashing-worker.ts", import.meta.url));
const LOCK_MS = 1_000;

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const prefix = uniquePrefix();
let telegram: FakeTelegram;
let child: ChildProcess | undefined;

beforeAll(async () => {
  telegram = await startFakeTelegram();
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await telegram.close();
  await deletePrefix(redis, prefix);
  await redis.quit();
});

/** Starts the crashing worker; `said(line)` resolves once it printed that line. */
async function startChild(
  mode: "deliver" | "hang" = "deliver",
): Promise<{ proc: ChildProcess; said: (line: string) => Promise<void> }> {
  // node --import tsx rather than the tsx binary: the binary runs the script in a grandchild,
  // which SIGKILL on the binary would not reach.
  const args = ["--import", "tsx", fixture, prefix, telegram.apiRoot, telegram.token, `${LOCK_MS}`, mode];
  const proc = spawn(process.execPath, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  proc.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const said = (line: string) =>
    vi.waitFor(
      () => {
        if (proc.exitCode !== null || proc.signalCode !== null)
          throw new Error(`crashing worker exited early (${proc.exitCode ?? proc.signalCode})`);
        expect(output.split("\n")).toContain(line);
      },
      { timeout: 15_000, interval: 20 },
    );
  await said("ready");
  return { proc, said };
}

/** A worker in this process, with the crashing worker's lock time, to pick up after it. */
const startSurvivor = (
  options: Pick<JobWorkerOptions, "onFinalFailure"> & { handlers: CommandJobHandlers },
) =>
  createJobWorker({
    connection: redis,
    prefix,
    concurrency: 1,
    lockDurationMs: LOCK_MS,
    logger: recordingLogger(),
    scrubText,
    ...options,
    handlers: withOtherKinds(options.handlers),
  });

describe("a worker killed mid-job", () => {
  it("has its job finished by another worker after the lock expires, with the reply sent once", async ({
    annotate,
  }) => {
    const started = await startChild();
    child = started.proc;
    const producer = createJobProducer({ connection: redis, prefix });
    const payload = memePayload({ topic: "crash test" });
    const chatId = Number(payload.run.target.platform === "telegram" ? payload.run.target.chatId : 0);
    const { jobId } = await producer.enqueue("meme.create", payload, { jobId: payload.run.key });

    // The child sent the reply and now hangs holding the job.
    await started.said("delivered");
    const exited = new Promise((resolve) => child?.once("exit", (_code, signal) => resolve(signal)));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    const killedAt = Date.now();
    const runs: number[] = [];
    const sender = createPlatformSender({ telegram: { token: telegram.token, apiRoot: telegram.apiRoot } });
    const deliver = createDeliverOnce({ redis, prefix, send: sender.send });
    const survivor = startSurvivor({
      onFinalFailure: () => {},
      handlers: {
        "meme.create": async (job, context) => {
          runs.push(context.attempt);
          await deliver(job.run.target, { text: `answer to ${job.topic}` }, job.run.key);
        },
      },
    });

    const queue = new Queue("commands", { connection: redis, prefix });
    try {
      await vi.waitFor(async () => expect(await queue.getJobState(jobId)).toBe("completed"), {
        timeout: 15_000,
        interval: 100,
      });
      const recoveredAfterMs = Date.now() - killedAt;
      await annotate(`job recovered ${recoveredAfterMs} ms after the kill (lock ${LOCK_MS} ms)`);
      expect(recoveredAfterMs).toBeLessThan(LOCK_MS * 5);
      expect(runs).toHaveLength(1);
      // The survivor ran the handler again, but deliverOnce knew the reply was already out.
      const sends = telegram.callsOf("sendMessage").filter((call) => Number(call.params.chat_id) === chatId);
      expect(sends).toHaveLength(1);
      expect(telegram.sentMessages(chatId).map((message) => ("text" in message ? message.text : ""))).toEqual(
        ["answer to crash test"],
      );
    } finally {
      await survivor.close();
      await queue.close();
      await producer.close();
    }
  });

  it("fails a job that took down two workers, and reports it once without running it again", async () => {
    const producer = createJobProducer({ connection: redis, prefix });
    const payload = memePayload({ topic: "poison" });
    const { jobId } = await producer.enqueue("meme.create", payload, { jobId: payload.run.key });
    const queue = new Queue("commands", { connection: redis, prefix });
    const reports: { topic: string; error: string }[] = [];
    const runs: number[] = [];
    let survivor: ReturnType<typeof createJobWorker> | undefined;
    try {
      // Two workers in turn pick the job up and die holding it (the second gets it once the
      // first one's lock expired and its stalled check handed the job out again).
      for (let crash = 1; crash <= 2; crash += 1) {
        const started = await startChild("hang");
        child = started.proc;
        await started.said("picked");
        const exited = new Promise((resolve) => child?.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }

      // maxStalledCount is 1: the next worker to see the job fails it instead of running it.
      survivor = startSurvivor({
        onFinalFailure: (_name, failed, error) =>
          void reports.push({ topic: "topic" in failed ? failed.topic : "", error: String(error) }),
        handlers: { "meme.create": async (_job, context) => void runs.push(context.attempt) },
      });
      await vi.waitFor(async () => expect(await queue.getJobState(jobId)).toBe("failed"), {
        timeout: 15_000,
        interval: 100,
      });
      await vi.waitFor(() => expect(reports).toHaveLength(1));
      expect(reports[0]).toEqual({
        topic: "poison",
        error: expect.stringMatching(/stalled more than allowable limit/),
      });
      expect(runs).toEqual([]);
      // Failed jobs are kept for inspection.
      expect((await queue.getJob(jobId))?.failedReason).toMatch(/stalled/);
    } finally {
      await survivor?.close();
      await queue.close();
      await producer.close();
    }
  });
});
