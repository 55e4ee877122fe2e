// /imagine end to end below the platforms: the real dispatcher queues the job on Redis, and the use
// case answers it with the real prompt writer (the model gateway over the fake OpenAI server), the
// real images client (over the fake images endpoint) or none, the real delivery-once claims, the
// settings and persona stores and the run records on PostgreSQL. Only the platform's send is a
// stand-in, recording what would be posted.
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from "vitest";
import { createImagePromptWriter, createImagesClient } from "@memebot/ai";
import {
  answerImagine,
  createImaginePromptCache,
  createPersonaStore,
  createRegistry,
  createSettingsModel,
  createSettingsStore,
  findBlockedWord,
  type CommandInvocation,
  type Dispatch,
  type ImagineDependencies,
  type JobPayload,
  type OutgoingMessage,
  type ReplyTarget,
} from "@memebot/core";
import { createDeliverOnce } from "@memebot/delivery";
import { createRepositories, type Database, type Repositories } from "@memebot/db";
import { createJobProducer } from "@memebot/jobs";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai/server.ts";
import { gatewayFactory, modelsConfig, provider } from "../ai/gateway/support.ts";
import { deletePrefix, REDIS_URL } from "../jobs/support.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";
import { testDispatcher } from "../support/dispatcher.ts";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
let database: Database;
let repositories: Repositories;
let model: FakeOpenAI;
let images: FakeOpenAI;
let prefix: string;
let chat: string;
let producer: ReturnType<typeof createJobProducer>;
let dispatch: Dispatch;
let sent: Array<{ target: ReplyTarget; message: OutgoingMessage }>;

const MODEL_PROMPT = {
  prompt: "a shiba inu astronaut planting a flag on the moon, cartoon style, vibrant colors",
  negativePrompt: "nsfw, nudity, gore, blurry, watermark",
};

beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
  [model, images] = await Promise.all([startFakeOpenAI(), startFakeOpenAI()]);
});
afterAll(async () => {
  await Promise.all([model.close(), images.close()]);
  await database.close();
  await redis.quit();
});

beforeEach(async (context) => {
  prefix = `test-imagine-${randomUUID()}`;
  chat = `-100${Date.now()}${Math.floor(Math.random() * 1000)}`;
  sent = [];
  model.requests.length = 0;
  images.requests.length = 0;
  model.setBehaviour({ kind: "reply", content: JSON.stringify(MODEL_PROMPT) });
  images.setImagesBehaviour({ kind: "image" });
  producer = createJobProducer({ connection: redis, prefix });
  dispatch = testDispatcher({
    redis,
    prefix,
    repositories,
    jobs: producer,
  });
  context.onTestFinished(async () => {
    await producer.close();
    await deletePrefix(redis, prefix);
  });
});

let counter = 0;
function invocation(text: string): CommandInvocation {
  counter += 1;
  const match = /^\/(\S+)\s*(.*)$/s.exec(text);
  return {
    key: `test:${prefix}:${counter}`,
    platform: "telegram",
    community: { platform: "telegram", externalId: chat, title: "Imagine chat", kind: "group" },
    actor: { platform: "telegram", externalId: "user-7", username: "carol", displayName: "Carol" },
    name: (match?.[1] ?? "").toLowerCase(),
    args: { kind: "text", text: match?.[2] ?? "" },
    addressed: true,
    target: { platform: "telegram", chatId: chat, replyToMessageId: counter },
    receivedAt: Date.now(),
    isAdmin: async () => false,
  };
}

/** The use case's dependencies as the worker composes them; `withImages` adds the images endpoint. */
function dependencies(context: TestContext, options: { withImages: boolean; deadlineMs?: number }) {
  const settingsModel = createSettingsModel(createRegistry().all);
  const { gateway } = gatewayFactory(context).open(
    modelsConfig([provider("fake", model.baseURL)], { deadlineMs: options.deadlineMs ?? 3_000 }),
  );
  const writer = createImagePromptWriter({ gateway });
  const deps: ImagineDependencies = {
    writePrompt: (request) => writer.write(request),
    ...(options.withImages
      ? {
          generateImage: createImagesClient({
            baseURL: images.baseURL,
            model: "sdxl-turbo",
            timeoutMs: 2_000,
          }).generate,
        }
      : {}),
    settings: createSettingsStore({ repository: repositories.communities, model: settingsModel, ttlMs: 0 }),
    personas: createPersonaStore({ repository: repositories.personas, ttlMs: 0 }),
    prompts: createImaginePromptCache({ redis, prefix }),
    deliver: createDeliverOnce({
      redis,
      prefix,
      send: async (target, message) => {
        sent.push({ target, message });
      },
    }),
    runs: repositories.commandRuns,
  };
  return deps;
}

/** Dispatches `/imagine <idea>` and returns the job it queued. */
async function queued(idea: string): Promise<JobPayload<"meme.imagine">> {
  const call = invocation(`/imagine ${idea}`);
  const result = await dispatch(call);
  expect(result).toMatchObject({ kind: "queued" });
  const jobId = result.kind === "queued" ? result.jobId : "";
  const queue = new Queue("commands", { connection: redis, prefix });
  try {
    const job = await queue.getJob(jobId);
    expect(job?.name).toBe("meme.imagine");
    return job?.data as JobPayload<"meme.imagine">;
  } finally {
    await queue.close();
  }
}

const runOf = (key: string) => database.prisma.commandRun.findUnique({ where: { key } });

async function seedSettings(settings: { imageBlocklist: boolean }) {
  await database.prisma.community.upsert({
    where: { platform_externalId: { platform: "telegram", externalId: chat } },
    create: { platform: "telegram", externalId: chat, settings },
    update: { settings },
  });
}

describe("/imagine with an images endpoint", () => {
  it("draws the picture and sends it once, captioned with the idea and the prompt", async (context) => {
    const payload = await queued("doge   on the moon");
    expect(payload.idea).toBe("doge on the moon");
    const deps = dependencies(context, { withImages: true });

    await expect(answerImagine(payload, deps)).resolves.toEqual({ outcome: "imagine.generated" });
    // A retried job (the record failed after the send, say) posts nothing twice.
    await answerImagine(payload, deps);

    expect(sent).toHaveLength(1);
    const { target, message } = sent[0] ?? {};
    expect(target).toEqual(payload.run.target);
    expect(message?.text).toContain("doge on the moon");
    expect(message?.text).toContain(`Prompt: ${MODEL_PROMPT.prompt}`);
    expect(message?.text).not.toMatch(/offline/i);
    expect(message?.picture).toMatchObject({ mimeType: "image/jpeg", fileName: "imagine.jpg" });
    expect((await sharp(message?.picture?.bytes).metadata()).format).toBe("jpeg");

    expect(images.requests[0]?.body).toMatchObject({
      prompt: MODEL_PROMPT.prompt,
      negative_prompt: MODEL_PROMPT.negativePrompt,
      model: "sdxl-turbo",
    });
    expect(await runOf(payload.run.key)).toMatchObject({ status: "succeeded", outcome: "imagine.generated" });
  });

  it("replies with the prompts and says the picture could not be made when the endpoint fails", async (context) => {
    images.setImagesBehaviour({ kind: "garbage" });
    const payload = await queued("pepe surfing");
    await expect(answerImagine(payload, dependencies(context, { withImages: true }))).resolves.toEqual({
      outcome: "imagine.picture_failed.bad_response",
    });
    expect(sent).toHaveLength(1);
    const text = sent[0]?.message.text ?? "";
    expect(sent[0]?.message.picture).toBeUndefined();
    expect(text).toContain(MODEL_PROMPT.prompt);
    expect(text).toContain(MODEL_PROMPT.negativePrompt);
    expect(text).toContain(
      "The picture could not be made: the image server's answer was not a usable picture",
    );
  });

  it("retries an unreachable endpoint with the kept prompt, then answers with the prompts on the last attempt", async (context) => {
    images.setImagesBehaviour({ kind: "status", status: 503 });
    const payload = await queued("wojak at the office");
    const deps = dependencies(context, { withImages: true });
    await expect(answerImagine(payload, deps, { attempt: 1, attempts: 2 })).rejects.toThrow(/unavailable/);
    expect(sent).toHaveLength(0);
    await expect(answerImagine(payload, deps, { attempt: 2, attempts: 2 })).resolves.toEqual({
      outcome: "imagine.picture_failed.unavailable",
    });
    // The model was asked once: the retry used the prompt the first attempt kept.
    expect(model.requests.filter((request) => request.path === "/v1/chat/completions")).toHaveLength(1);
    expect(images.requests).toHaveLength(2);
    expect(sent[0]?.message.text).toContain("unreachable or busy");
  });
});

describe("/imagine without an images endpoint", () => {
  it("replies with both prompts, labelled and ready to paste", async (context) => {
    const payload = await queued("cat trader staring at red candles");
    await expect(answerImagine(payload, dependencies(context, { withImages: false }))).resolves.toEqual({
      outcome: "imagine.prompts",
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.message.picture).toBeUndefined();
    expect(sent[0]?.message.text).toBe(
      [
        "Image prompt for: cat trader staring at red candles",
        "",
        "Prompt:",
        MODEL_PROMPT.prompt,
        "",
        "Negative prompt:",
        MODEL_PROMPT.negativePrompt,
        "",
        "(No image server is set up here: paste these into Stable Diffusion, Flux or any image generator.)",
      ].join("\n"),
    );
    expect(images.requests).toHaveLength(0);
  });

  it("labels prompts from the offline engine when no model answers, in the member's language", async (context) => {
    model.setBehaviour({ kind: "status", status: 500 });
    const payload = await queued("doge on the moon");
    const deps = dependencies(context, { withImages: false, deadlineMs: 1_000 });
    await expect(
      answerImagine({ ...payload, run: { ...payload.run, language: "es" } }, deps),
    ).resolves.toEqual({
      outcome: "imagine.offline.unavailable",
    });
    const text = sent[0]?.message.text ?? "";
    expect(text).toContain("Prompt negativo:");
    expect(text).toContain("doge on the moon, ");
    expect(text).toContain("motor sin conexión: el modelo no respondió");
  });
});

describe("/imagine and the blocked words", () => {
  it("refuses a blocked idea at the command, before any job or model call, without repeating the word", async () => {
    const call = invocation("/imagine a NÚDE doge");
    const result = await dispatch(call);
    expect(result).toMatchObject({ kind: "reply", outcome: "imagine.blocked" });
    const text = result.kind === "reply" ? result.message.text : "";
    expect(text).toContain("keeps out of image prompts");
    expect(text.toLowerCase()).not.toContain("nude");
    const queued = (await producer.counts()).flatMap((queue) => Object.values(queue.counts));
    expect(queued.every((count) => count === 0)).toBe(true);
    expect(model.requests).toHaveLength(0);
  });

  it("refuses the model's prompt when it uses a blocked word, and draws nothing", async (context) => {
    model.setBehaviour({
      kind: "reply",
      content: JSON.stringify({ prompt: "a naked doge on the beach", negativePrompt: "blurry" }),
    });
    const payload = await queued("doge on the beach");
    await expect(answerImagine(payload, dependencies(context, { withImages: true }))).resolves.toEqual({
      outcome: "imagine.blocked",
    });
    expect(images.requests).toHaveLength(0);
    expect(sent[0]?.message.text).toContain("couldn't write a prompt for that");
    expect(sent[0]?.message.text).not.toContain("naked");
    expect(await runOf(payload.run.key)).toMatchObject({ outcome: "imagine.blocked", detail: "prompt" });
  });

  it("lets the idea and the prompt through when the community turned the list off", async (context) => {
    await seedSettings({ imageBlocklist: false });
    model.setBehaviour({
      kind: "reply",
      content: JSON.stringify({ prompt: "a gory zombie doge, horror comic", negativePrompt: "blurry" }),
    });
    const payload = await queued("gore zombie doge");
    await expect(answerImagine(payload, dependencies(context, { withImages: false }))).resolves.toEqual({
      outcome: "imagine.prompts",
    });
  });

  it("does not refuse a negative prompt for naming what must not be drawn", async (context) => {
    const payload = await queued("happy frog");
    await answerImagine(payload, dependencies(context, { withImages: false }));
    expect(MODEL_PROMPT.negativePrompt).toContain("nudity");
    expect(sent[0]?.message.text).toContain(MODEL_PROMPT.prompt);
  });
});

describe("findBlockedWord", () => {
  it("matches whole words and phrases, ignoring case, accents and fullwidth letters", () => {
    expect(findBlockedWord("a Désnudo doge")).toBe("desnudo");
    expect(findBlockedWord("ＮＳＦＷ meme")).toBe("nsfw");
    expect(findBlockedWord("a WHITE   POWER rally")).toBe("white   power");
    expect(findBlockedWord("heil-hitler")).toBe("heil-hitler");
    expect(findBlockedWord("my sextant from Essex, a sussex spaniel")).toBeUndefined();
    expect(findBlockedWord("a kid eating ice cream, a rooster")).toBeUndefined();
    expect(findBlockedWord("anything", [])).toBeUndefined();
  });
});
