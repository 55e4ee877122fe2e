// The worker answering Discord interactions, on the real PostgreSQL and Redis, with the fake
// Discord and the fake model server: answers stay inside the interaction token's 15 minutes, and
// what it posts pings no one and advertises nothing.
import { randomUUID } from "node:crypto";
import type { Queue } from "bullmq";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findUnsafeText, type JobPayload } from "@memebot/core";
import type { Repositories } from "@memebot/db";
import type { JobQueueProducer } from "@memebot/jobs";
import type { Infrastructure } from "@memebot/runtime";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord/server.ts";
import { memeReply, startFakeOpenAI, type FakeOpenAI } from "../fakes/openai/server.ts";
import { memePayload, uniquePrefix } from "../jobs/support.ts";
import { deferredDiscordInteraction } from "../delivery/support.ts";
import { fakeServicesEnv } from "../support/fake-services-env.ts";
import { startTestWorker, type RunningWorker } from "./support.ts";
import { waitUntilQueueSettled } from "../support/queue-settled.ts";
import { uniqueSnowflake } from "../support/unique-ids.ts";

const MINUTE = 60_000;
const JOB_LOCK_MS = 2_000;
const prefix = uniquePrefix();
let discord: FakeDiscord;
let model: FakeOpenAI;
let worker: RunningWorker;
let infrastructure: Infrastructure;
let producer: JobQueueProducer;
let repositories: Repositories;
let queue: Queue;

beforeAll(async () => {
  [discord, model] = await Promise.all([startFakeDiscord(), startFakeOpenAI()]);
  worker = await startTestWorker(prefix, {
    ...fakeServicesEnv({ prefix, discord, model }),
    JOB_LOCK_MS: String(JOB_LOCK_MS),
  });
  ({ infrastructure, producer, repositories, queue } = worker);
});
afterAll(async () => {
  await worker?.close();
  await Promise.all([discord?.close(), model?.close()]);
});

/**
 * A /meme interaction Discord created `ageMs` ago, deferred by the bot, and its job. The bot
 * received it just now (receivedAt): only the interaction's id tells its real age.
 */
async function deferredMeme(ageMs: number, topic = `topic ${randomUUID()}`) {
  const id = uniqueSnowflake(Date.now() - ageMs);
  const target = await deferredDiscordInteraction(discord, id);
  const base = memePayload({ topic });
  const payload: JobPayload<"meme.create"> = {
    topic,
    run: {
      ...base.run,
      key: `discord:${id}`,
      community: { platform: "discord", externalId: uniqueSnowflake(), kind: "group" },
      actor: { platform: "discord", externalId: uniqueSnowflake(), username: "alice" },
      target,
      receivedAt: Date.now(),
    },
  };
  const callsAfterDeferral = discord.calls.length;
  const token = target.interactionToken;
  return {
    token,
    payload,
    topic,
    /** What the worker sent with this interaction's token. */
    workerCalls: () => discord.calls.slice(callsAfterDeferral).filter((call) => call.path.includes(token)),
    modelCalls: () => model.requests.filter((request) => JSON.stringify(request.body).includes(topic)),
  };
}

async function enqueue(payload: JobPayload<"meme.create">) {
  return (await producer.enqueue("meme.create", payload, { jobId: payload.run.key })).jobId;
}

async function finishedRun(key: string) {
  return vi.waitFor(
    async () => {
      const run = await repositories.commandRuns.findByKey(key);
      expect(run).not.toBeNull();
      expect(run?.status).not.toBe("queued");
      return run!;
    },
    { timeout: 10_000, interval: 50 },
  );
}

async function expiredCount(): Promise<number> {
  const { values } = await infrastructure.metrics.jobsExpiredTotal.get();
  return values.find((value) => value.labels.job === "meme.create")?.value ?? 0;
}

/** Until nothing of the job can still run, including a retry or a worker's late apology. */
const settled = () => waitUntilQueueSettled({ prefix, lockMs: JOB_LOCK_MS, since: Date.now() });

describe("a Discord job and its interaction token", () => {
  it("GIVEN an interaction 14.5 minutes old THEN drops the job unasked, unanswered, recorded and counted", async () => {
    const expiredBefore = await expiredCount();
    const meme = await deferredMeme(14.5 * MINUTE);
    const jobId = await enqueue(meme.payload);

    const run = await finishedRun(meme.payload.run.key);
    expect(run).toMatchObject({ status: "failed", outcome: "job.expired", command: "meme" });
    await settled();
    expect(meme.modelCalls()).toEqual([]);
    // No answer and no apology: the token is as good as dead.
    expect(meme.workerCalls()).toEqual([]);
    expect(await queue.getJobState(jobId)).toBe("failed");
    expect(await expiredCount()).toBe(expiredBefore + 1);
    const { body } = await infrastructure.metrics.render();
    expect(body).toMatch(/memebot_jobs_expired_total\{job="meme.create"\} [1-9]/);
  });

  it("GIVEN an interaction with 10 minutes left THEN answers it as usual", async () => {
    const expiredBefore = await expiredCount();
    const meme = await deferredMeme(5 * MINUTE, "diamond hands");

    await enqueue(meme.payload);
    const edit = await discord.waitForOriginalEdit(meme.token, 10_000);

    // The meme as a file attachment of the deferred reply, its caption as content, and the re-roll
    // button in an action row.
    expect(edit.body).toMatchObject({
      content: "gm diamond hands frens",
      components: [
        {
          type: 1,
          components: [{ type: 2, label: "🔁 Another one", custom_id: `meme again ${meme.payload.run.key}` }],
        },
      ],
    });
    expect(edit.files).toHaveLength(1);
    expect(edit.files[0]?.filename).toBe("approve-reject.jpeg");
    expect((await sharp(edit.files[0]!.bytes).metadata()).format).toBe("jpeg");
    expect(edit.message.attachments).toHaveLength(1);
    expect(await finishedRun(meme.payload.run.key)).toMatchObject({
      status: "succeeded",
      outcome: "meme.model",
    });
    expect(meme.modelCalls()).toHaveLength(1);
    expect(await expiredCount()).toBe(expiredBefore);
  });

  it("GIVEN 1.5 minutes left and Discord asking to wait 45 s THEN does not retry past the token", async () => {
    const expiredBefore = await expiredCount();
    const meme = await deferredMeme(13.5 * MINUTE);
    discord.failNext(
      { method: "PATCH", path: `/webhooks/${discord.applicationId}/${meme.token}/messages/@original` },
      { status: 429, body: { message: "You are being rate limited.", retry_after: 45, global: false } },
    );
    const jobId = await enqueue(meme.payload);

    const run = await finishedRun(meme.payload.run.key);
    expect(run).toMatchObject({ status: "failed", outcome: "job.expired" });
    // Failed at once rather than parked for a retry that would start with 45 s of token left.
    expect(await queue.getJobState(jobId)).toBe("failed");
    await settled();
    expect(meme.workerCalls().map((call) => [call.method, call.status])).toEqual([["PATCH", 429]]);
    expect(meme.modelCalls()).toHaveLength(1);
    expect(await expiredCount()).toBe(expiredBefore + 1);
  });

  it("GIVEN 1.5 minutes left and a Discord hiccup THEN the retry still fits and answers", async () => {
    const meme = await deferredMeme(13.5 * MINUTE, "second wind");
    discord.failNext(
      { method: "PATCH", path: `/webhooks/${discord.applicationId}/${meme.token}/messages/@original` },
      { status: 503, body: { message: "Service Unavailable", code: 0 } },
    );
    await enqueue(meme.payload);

    const edit = await discord.waitForOriginalEdit(meme.token, 10_000);
    expect(edit.body).toMatchObject({ content: "gm second wind frens" });
    expect(edit.files).toHaveLength(1);
    expect(await finishedRun(meme.payload.run.key)).toMatchObject({ status: "succeeded" });
  });
});

describe("what the worker posts on Discord", () => {
  // Each as the model would answer on the first template, in its two boxes, or in the caption.
  const UNSAFE_ANSWERS = [
    { top: "BUY AT", bottom: "SCAM.IO", caption: "gm" },
    { top: "JOIN", bottom: "t.me/pump", caption: "gm" },
    { top: "ASK @dev", bottom: "WAGMI", caption: "gm" },
    { top: "PING <@&123>", bottom: "NOW", caption: "gm" },
    { top: "@everyone", bottom: "WAKE UP", caption: "gm" },
    { top: "SEND TO", bottom: "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU", caption: "gm" },
    { top: "GM", bottom: "FRENS", caption: "join t.me/pump @everyone" },
  ];

  it.each(UNSAFE_ANSWERS)(
    "GIVEN a model answering $top / $bottom / $caption THEN posts none of it, and allows no mentions",
    async ({ top, bottom, caption }) => {
      const answer = { template: "approve-reject", texts: { reject: top, approve: bottom }, caption };
      model.setBehaviour({ kind: "reply", content: JSON.stringify(answer) });
      try {
        // The topic carries the same things; the offline captions that answer instead must drop them.
        const meme = await deferredMeme(MINUTE, `bonk scam.io @dev <@&123> @everyone ${randomUUID()}`);
        await enqueue(meme.payload);

        const edit = await discord.waitForOriginalEdit(meme.token, 10_000);
        const content = String((edit.body as { content?: unknown }).content);
        expect(findUnsafeText(content)).toBeUndefined();
        expect(content).toContain("bonk");
        expect(content).toContain("the model's answer was unusable");
        // What was drawn is recorded with the run: the offline engine's texts, safe too.
        const run = await finishedRun(meme.payload.run.key);
        const drawn = Object.values((run.result as { texts: Record<string, string> }).texts).join("\n");
        expect(findUnsafeText(drawn)).toBeUndefined();
        expect(drawn).toContain("BONK");
        expect(edit.body).toMatchObject({ allowed_mentions: { parse: [] } });
        expect(meme.modelCalls()).toHaveLength(2);
      } finally {
        model.setBehaviour(memeReply);
      }
    },
  );
});
