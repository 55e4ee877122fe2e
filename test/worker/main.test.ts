// `pnpm start:worker` as a real process: it serves /health and /metrics, and on SIGTERM
// stops taking jobs but finishes the one in flight before exiting.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createJobProducer } from "@memebot/jobs";
import { memeReply, startFakeOpenAI, type FakeOpenAI } from "../fakes/openai/server.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { deletePrefix, memePayload, REDIS_URL, uniquePrefix } from "../jobs/support.ts";
import { fakeServicesEnv } from "../support/fake-services-env.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const main = fileURLToPath(new URL("../../apps/worker/src/main.ts", import.meta.url));
const prefix = uniquePrefix();
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
let telegram: FakeTelegram;
let model: FakeOpenAI;
let child: ChildProcess | undefined;

beforeAll(async () => {
  [telegram, model] = await Promise.all([startFakeTelegram(), startFakeOpenAI()]);
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await deletePrefix(redis, prefix);
  await redis.quit();
  await Promise.all([telegram.close(), model.close()]);
});

function startWorkerProcess(env: Record<string, string>) {
  const proc = spawn(process.execPath, ["--import", "tsx", main], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  proc.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  proc.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const logLines = () =>
    stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { proc, exited, logLines, output: () => ({ stdout, stderr }) };
}

describe("pnpm start:worker", () => {
  it("exits 1 naming the variable when the environment is invalid", async () => {
    const worker = startWorkerProcess({ REDIS_URL: "http://not-redis", DATA_DIR: "/tmp" });
    expect(await worker.exited).toBe(1);
    expect(worker.output().stderr).toContain("REDIS_URL must be a redis:// or rediss:// URL");
  });

  it("serves health and metrics, and finishes the job in flight when told to stop", async () => {
    const worker = startWorkerProcess({
      LOG_LEVEL: "info",
      ...fakeServicesEnv({ prefix, telegram, model }),
      HTTP_PORT: "0",
      HTTP_HOST: "127.0.0.1",
      SHUTDOWN_TIMEOUT_MS: "10000",
    });
    child = worker.proc;
    const started = await vi.waitFor(
      () => {
        if (worker.proc.exitCode !== null) throw new Error(`worker exited: ${worker.output().stderr}`);
        const line = worker.logLines().find((entry) => entry.msg === "http server listening");
        expect(line).toBeDefined();
        return line as { url: string };
      },
      { timeout: 20_000, interval: 100 },
    );

    const health = await fetch(`${started.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: "ok",
      checks: { redis: "ok", database: "ok", worker: "ok" },
    });
    expect(await (await fetch(`${started.url}/metrics`)).text()).toContain("memebot_jobs_total");

    // A slow model keeps the job in flight while the stop signal arrives.
    model.setBehaviour((body) => {
      const reply = memeReply(body);
      return reply.kind === "reply" ? { ...reply, delayMs: 1_500 } : reply;
    });
    const chatId = "-1004000000001";
    const payload = memePayload({ chatId, topic: "graceful", key: `telegram:${chatId}:1` });
    const producer = createJobProducer({ connection: redis, prefix });
    const { jobId } = await producer.enqueue("meme.create", payload, { jobId: payload.run.key });
    await vi.waitFor(() => expect(model.requestCount).toBeGreaterThan(0), { timeout: 10_000 });

    worker.proc.kill("SIGTERM");
    expect(await worker.exited).toBe(0);

    // The reply went out before the process left, and the job is done rather than handed back.
    expect(
      telegram.sentMessages(Number(chatId)).map((message) => ("caption" in message ? message.caption : "")),
    ).toEqual(["gm graceful frens"]);
    const queue = new Queue("commands", { connection: redis, prefix });
    expect(await queue.getJobState(jobId)).toBe("completed");
    await queue.close();
    await producer.close();
    const steps = worker
      .logLines()
      .filter((entry) => entry.msg === "shutdown step done")
      .map((entry) => entry.step);
    expect(steps).toContain("job-worker");
  });
});
