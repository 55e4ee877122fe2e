import { randomInt, randomUUID } from "node:crypto";
import type { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { OutgoingMessage } from "@memebot/core";
import type { Repositories } from "@memebot/db";
import { subscribeConsoleReplies } from "@memebot/delivery";
import type { JobQueueProducer } from "@memebot/jobs";
import type { Infrastructure, ProcessComponent } from "@memebot/runtime";
import sharp from "sharp";
import { memeReply, startFakeOpenAI, type FakeOpenAI } from "../fakes/openai/server.ts";
import { isRecordedFile } from "../fakes/shared/http.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { memePayload, uniquePrefix } from "../jobs/support.ts";
import { fakeServicesEnv } from "../support/fake-services-env.ts";
import { startTestWorker, type RunningWorker } from "./support.ts";
import { waitUntilQueueSettled } from "../support/queue-settled.ts";
import { startDatabaseProxy, type DatabaseProxy } from "../support/tcp-proxy.ts";

const prefix = uniquePrefix();
// Short, so the exactly-once checks (which wait past it) stay quick; ample for a worker in this process.
const JOB_LOCK_MS = 2_000;
let telegram: FakeTelegram;
let model: FakeOpenAI;
let worker: RunningWorker;
let infrastructure: Infrastructure;
let components: ProcessComponent[];
let producer: JobQueueProducer;
let repositories: Repositories;
let queue: Queue;
// The worker reaches PostgreSQL through it, so a test can break the database under a running job.
let database: DatabaseProxy;

beforeAll(async () => {
  [telegram, model, database] = await Promise.all([
    startFakeTelegram(),
    startFakeOpenAI(),
    startDatabaseProxy(),
  ]);
  worker = await startTestWorker(prefix, {
    ...fakeServicesEnv({ prefix, telegram, model }),
    DATABASE_URL: database.url,
    WORKER_CONCURRENCY: "4",
    JOB_LOCK_MS: String(JOB_LOCK_MS),
  });
  ({ infrastructure, components, producer, repositories, queue } = worker);
});
afterEach(() => {
  model.setBehaviour(memeReply);
});
afterAll(async () => {
  await worker?.close();
  await Promise.all([telegram?.close(), model?.close(), database?.close()]);
});

let chats = -1_003_000_000_000;
function telegramJob(topic: string) {
  const chatId = String((chats -= 1));
  return {
    chatId: Number(chatId),
    // A bot id and an update id, as the Telegram adapter keys a run (unique across test runs).
    payload: memePayload({ chatId, topic, key: `telegram:${chatId}:${randomInt(2 ** 47)}` }),
  };
}

const textsIn = (chatId: number) =>
  telegram.sentMessages(chatId).map((message) => ("text" in message ? message.text : ""));

async function recordedRun(key: string) {
  return vi.waitFor(
    async () => {
      const run = await repositories.commandRuns.findByKey(key);
      expect(run?.status).not.toBe("queued");
      expect(run).not.toBeNull();
      return run!;
    },
    { timeout: 10_000, interval: 50 },
  );
}

/** Until no retry of a job answered at `since` can still send anything (see waitUntilQueueSettled). */
const settled = (since: number) => waitUntilQueueSettled({ prefix, lockMs: JOB_LOCK_MS, since });

/** The photo a sendPhoto call carried, decoded: its format and size, and the call's other fields. */
async function photoOf(call: { params: Record<string, unknown> }) {
  const photo = call.params.photo;
  if (!isRecordedFile(photo)) throw new Error("sendPhoto without an uploaded file");
  const meta = await sharp(photo.bytes).metadata();
  return { meta, bytes: photo.bytes, contentType: photo.contentType, filename: photo.filename };
}

const photoCall = (chatId: number) =>
  telegram.waitForCall("sendPhoto", (entry) => Number(entry.params.chat_id) === chatId, 15_000);

/** The inline keyboard Telegram got (the fake reads the multipart field's JSON as Telegram does). */
const keyboardOf = (call: { params: Record<string, unknown> }) =>
  call.params.reply_markup as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };

describe("the worker", () => {
  it("answers a meme job with one Telegram photo of the model's meme, its caption and a re-roll button, and records what it made", async () => {
    const { chatId, payload } = telegramJob("diamond hands");
    await producer.enqueue("meme.create", payload, { jobId: payload.run.key });

    const call = await photoCall(chatId);
    const photo = await photoOf(call);
    // A JPEG within the platforms' limits, sent as a file upload (multipart), not a path or URL.
    expect(photo.meta.format).toBe("jpeg");
    expect(Math.max(photo.meta.width ?? 0, photo.meta.height ?? 0)).toBeLessThanOrEqual(1280);
    expect(photo.bytes.byteLength).toBeLessThanOrEqual(400 * 1024);
    expect(photo.filename).toBe("approve-reject.jpeg");
    expect(call.params.caption).toBe("gm diamond hands frens");
    expect(call.params.reply_parameters).toMatchObject({
      message_id: 77,
      allow_sending_without_reply: true,
    });
    expect(keyboardOf(call).inline_keyboard).toEqual([
      [{ text: "🔁 Another one", callback_data: `meme again ${payload.run.key}` }],
    ]);
    // "sending a photo…" while it rendered.
    expect(
      telegram
        .callsOf("sendChatAction")
        .some((entry) => Number(entry.params.chat_id) === chatId && entry.params.action === "upload_photo"),
    ).toBe(true);
    const asked = model.requests.find((request) =>
      JSON.stringify(request.body.messages).includes("diamond hands"),
    );
    expect(String(asked?.body.messages?.[0]?.content)).toContain("## Templates");

    const run = await recordedRun(payload.run.key);
    expect(run).toMatchObject({
      status: "succeeded",
      outcome: "meme.model",
      detail: "fake-model",
      command: "meme",
      result: {
        topic: "diamond hands",
        template: "approve-reject",
        texts: { reject: "NOBODY:", approve: "DIAMOND HANDS HOLDERS: WAGMI" },
        caption: "gm diamond hands frens",
        engine: "model",
        model: "fake-model",
      },
    });
    await settled(call.at);
    expect(telegram.sentMessages(chatId)).toHaveLength(1);
  });

  it("labels the meme as offline when the model server is down", async () => {
    model.setBehaviour({ kind: "status", status: 503 });
    const { chatId, payload } = telegramJob("gas fees");
    await producer.enqueue("meme.create", payload, { jobId: payload.run.key });

    const call = await photoCall(chatId);
    expect((await photoOf(call)).meta.format).toBe("jpeg");
    const caption = String(call.params.caption);
    expect(caption).toContain("offline meme: the model endpoint did not answer");
    expect(caption).toContain("not the AI model");
    const run = await recordedRun(payload.run.key);
    expect(run).toMatchObject({
      status: "succeeded",
      outcome: "meme.offline.unavailable",
      result: { engine: "offline", reason: "unavailable", topic: "gas fees" },
    });
  });

  it("sends the answer once when the attempt that sent it fails afterwards and BullMQ retries the job", async () => {
    const { chatId, payload } = telegramJob("second attempt");
    const { jobId } = await producer.enqueue("meme.create", payload, { jobId: payload.run.key });

    const sent = await photoCall(chatId);
    // The answer is out (the worker has not even read Telegram's response yet); now the database
    // connection breaks under the run's recording, so this attempt fails after sending. The retry
    // takes the meme the first attempt wrote and reaches the send; only deliver-once stands between
    // it and a second message.
    database.loseNextReply();

    await settled(sent.at);
    expect(await queue.getJobState(jobId)).toBe("completed");
    // Two attempts ran the handler, but the model was asked once: the retry posts the kept meme
    // rather than charging the community for a second one.
    expect((await queue.getJob(jobId))?.attemptsMade).toBe(2);
    const modelRequests = model.requests.filter((request) =>
      JSON.stringify(request.body.messages).includes("second attempt"),
    );
    expect(modelRequests).toHaveLength(1);
    const photos = telegram.sentMessages(chatId);
    expect(photos).toHaveLength(1);
    expect(photos[0]).toMatchObject({ caption: "gm second attempt frens" });
    expect(await recordedRun(payload.run.key)).toMatchObject({ status: "succeeded", outcome: "meme.model" });
  });

  it("tells the user once and records the failure when every attempt failed", async () => {
    const { chatId, payload } = telegramJob("unlucky");
    // Three attempts, three Telegram outages; the apology afterwards gets through.
    telegram.failNext("sendPhoto", { error_code: 502, description: "Bad Gateway" }, 3);
    await producer.enqueue("meme.create", payload, { jobId: payload.run.key });

    const run = await recordedRun(payload.run.key);
    expect(run).toMatchObject({ status: "failed", outcome: "job.failed" });
    expect(run.detail).toContain("502");
    // The failure is recorded before the apology goes out (so a refused apology cannot leave the run open).
    const apology = await telegram.waitForCall(
      "sendMessage",
      (entry) => Number(entry.params.chat_id) === chatId && entry.error === undefined,
      10_000,
    );
    await settled(apology.at);
    expect(textsIn(chatId)).toEqual(["Sorry, that /meme failed on our side. Please try again in a minute."]);
    const attempts = telegram.callsOf("sendPhoto").filter((entry) => Number(entry.params.chat_id) === chatId);
    expect(attempts.map((entry) => entry.error?.error_code)).toEqual([502, 502, 502]);
  });

  it("answers the console over Redis", async () => {
    const sessionId = randomUUID();
    const received: OutgoingMessage[] = [];
    const subscriber = infrastructure.createRedis();
    const subscription = subscribeConsoleReplies({
      redis: subscriber,
      prefix,
      sessionId,
      onMessage: (message) => received.push(message),
    });
    await subscription.ready;
    const base = memePayload({ topic: "terminal", key: `console:${sessionId}:1` });
    const payload = {
      ...base,
      run: {
        ...base.run,
        community: { platform: "console" as const, externalId: "local", kind: "group" as const },
        actor: { platform: "console" as const, externalId: "local:tester" },
        target: { platform: "console" as const, sessionId },
      },
    };
    await producer.enqueue("meme.create", payload, { jobId: payload.run.key });

    await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 10_000 });
    // The picture travels as bytes through Redis; the console saves and names it.
    expect(received[0]).toMatchObject({
      text: "gm terminal frens",
      picture: { mimeType: "image/jpeg", fileName: "approve-reject.jpeg" },
      buttons: [{ label: "🔁 Another one", command: "meme", args: `again ${payload.run.key}` }],
    });
    expect((await sharp(received[0]!.picture!.bytes).metadata()).format).toBe("jpeg");
    await subscription.close();
    await subscriber.quit();
  });

  it("reports itself healthy and counts its jobs in the metrics", async () => {
    const health = await components.find((component) => component.name === "job-worker")?.health?.();
    expect(health).toEqual({ worker: true });

    const { body } = await infrastructure.metrics.render();
    expect(body).toMatch(/memebot_jobs_total\{job="meme.create",state="completed"\} [1-9]/);
    expect(body).toMatch(
      /memebot_model_gateway_request_seconds_count\{provider="default",model="fake-model",task="meme-text"\} [1-9]/,
    );
    expect(body).toMatch(/memebot_update_to_reply_seconds_count\{platform="telegram"\} [1-9]/);
    expect(body).toMatch(/memebot_queue_jobs\{queue="commands",state="completed"\} [1-9]/);
  });
});
