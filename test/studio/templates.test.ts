// /template end to end below the platforms: the real dispatcher queues template.add and
// template.list on Redis (and answers /template remove itself), and the worker's use cases answer
// the jobs with the real attachment fetcher (over the fake Telegram's getFile), the real renderer and
// starters, the template store on PostgreSQL and the real delivery-once claims. Only the platform's
// send is a stand-in, recording what would be posted.
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  addTemplate,
  createTemplateStore,
  listTemplates,
  type CommandInvocation,
  type Dispatch,
  type JobPayload,
  type OutgoingMessage,
  type ReplyTarget,
  type TemplateJobDependencies,
} from "@memebot/core";
import { createAttachmentFetcher, createDeliverOnce } from "@memebot/delivery";
import {
  createRepositories,
  MAX_TEMPLATES_PER_COMMUNITY,
  type Database,
  type Repositories,
} from "@memebot/db";
import { createJobProducer } from "@memebot/jobs";
import { createMemeRenderer, drawContactSheet, starterTemplates } from "@memebot/render";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { deletePrefix, REDIS_URL } from "../jobs/support.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";
import { decompressionBomb } from "../support/pictures.ts";
import { testDispatcher } from "../support/dispatcher.ts";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const renderer = createMemeRenderer();
let database: Database;
let repositories: Repositories;
let telegram: FakeTelegram;
let prefix: string;
let chat: string;
let producer: ReturnType<typeof createJobProducer>;
let dispatch: Dispatch;
let deps: TemplateJobDependencies;
let sent: Array<{ target: ReplyTarget; message: OutgoingMessage }>;
let adminChecks: unknown[];

beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
  telegram = await startFakeTelegram();
});
afterAll(async () => {
  await telegram.close();
  await database.close();
  await redis.quit();
});

beforeEach((context) => {
  prefix = `test-templates-${randomUUID()}`;
  chat = `-100${Date.now()}${Math.floor(Math.random() * 1000)}`;
  sent = [];
  adminChecks = [];
  producer = createJobProducer({ connection: redis, prefix });
  dispatch = testDispatcher({
    redis,
    prefix,
    repositories,
    jobs: producer,
  });
  // As the worker composes them (apps/worker/src/studio.ts).
  deps = {
    templates: createTemplateStore({ repository: repositories.memeTemplates, starters: starterTemplates }),
    renderer,
    drawContactSheet,
    attachments: createAttachmentFetcher({ telegram: { token: telegram.token, apiRoot: telegram.apiRoot } }),
    deliver: createDeliverOnce({
      redis,
      prefix,
      send: async (target, message) => {
        sent.push({ target, message });
      },
    }),
    runs: repositories.commandRuns,
  };
  context.onTestFinished(async () => {
    await producer.close();
    await deletePrefix(redis, prefix);
  });
});

const community = () => ({ platform: "telegram" as const, externalId: chat });

let counter = 0;
function invocation(
  text: string,
  options: { admin?: boolean; picture?: Buffer | string } = {},
): CommandInvocation {
  counter += 1;
  const match = /^\/(\S+)\s*(.*)$/s.exec(text);
  const file = options.picture === undefined ? undefined : telegram.addFile(options.picture, { name: "pic" });
  return {
    key: `test:${prefix}:${counter}`,
    platform: "telegram",
    community: { platform: "telegram", externalId: chat, title: "Template chat", kind: "group" },
    actor: { platform: "telegram", externalId: "admin-7", username: "dana" },
    name: (match?.[1] ?? "").toLowerCase(),
    args: { kind: "text", text: match?.[2] ?? "" },
    ...(file ? { attachments: [{ platform: "telegram", fileId: file.file_id, size: file.file_size }] } : {}),
    addressed: true,
    target: { platform: "telegram", chatId: chat, replyToMessageId: counter },
    receivedAt: Date.now(),
    isAdmin: async (check) => {
      adminChecks.push(check);
      return options.admin ?? false;
    },
  };
}

/** The reply the dispatcher gave at once. */
async function reply(text: string, options: Parameters<typeof invocation>[1] = {}): Promise<string> {
  const result = await dispatch(invocation(text, options));
  if (result.kind !== "reply") throw new Error(`expected a reply, got ${result.kind}`);
  await result.complete();
  return result.message.text;
}

/** Dispatches the command and returns the job it queued. */
async function queued<N extends "template.add" | "template.list">(
  name: N,
  text: string,
  options: Parameters<typeof invocation>[1] = {},
): Promise<JobPayload<N>> {
  const result = await dispatch(invocation(text, options));
  expect(result).toMatchObject({ kind: "queued" });
  const queue = new Queue("commands", { connection: redis, prefix });
  try {
    const job = await queue.getJob(result.kind === "queued" ? result.jobId : "");
    expect(job?.name).toBe(name);
    return job?.data as JobPayload<N>;
  } finally {
    await queue.close();
  }
}

/** /template add through the dispatcher and the worker's use case: the answer's text. */
async function added(line: string, picture: Buffer | string): Promise<string> {
  const payload = await queued("template.add", line, { admin: true, picture });
  const before = sent.length;
  await addTemplate(payload, deps);
  expect(sent).toHaveLength(before + 1);
  return sent.at(-1)?.message.text ?? "";
}

const photo = (width: number, height: number, background = "#3366cc") =>
  sharp({ create: { width, height, channels: 3, background } })
    .jpeg()
    .toBuffer();

const runOf = (key: string) => database.prisma.commandRun.findUnique({ where: { key } });

describe("/template add, list and remove", () => {
  it("GIVEN an admin's picture THEN it is stored, listed on the contact sheet apart from the starters, and removed", async () => {
    const text = await added("/template add Doge-Wow when something is amazing", await photo(800, 600));
    expect(text).toBe("Template “doge-wow” added (800×600, classic). This community has 1 of its own now.");
    const stored = await repositories.memeTemplates.get(community(), "doge-wow");
    expect(stored).toMatchObject({
      layout: "classic",
      width: 800,
      height: 600,
      description: "when something is amazing",
      createdBy: "admin-7",
    });
    // Classic's two boxes, in the picture's pixels.
    expect(stored?.boxes).toEqual([
      { id: "top", label: "top text", x: 24, y: 18, width: 752, height: 120, style: "outlined" },
      { id: "bottom", label: "bottom text", x: 24, y: 462, width: 752, height: 120, style: "outlined" },
    ]);
    expect(adminChecks).toEqual([{ fresh: true }]);

    const list = await queued("template.list", "/template list");
    await expect(listTemplates(list, deps)).resolves.toEqual({ outcome: "template.listed" });
    const answer = sent.at(-1)?.message;
    const starters = (await starterTemplates()).map((starter) => starter.name);
    expect(answer?.text).toBe(
      [
        `${starters.length + 1} templates: ${starters.length} starters and 1 of this community's own.`,
        `Starters (art with Twemoji graphics, CC-BY 4.0): ${starters.join(", ")}`,
        "This community's: doge-wow",
      ].join("\n"),
    );
    expect(answer?.picture).toMatchObject({ mimeType: "image/jpeg", fileName: "templates.jpg" });
    const sheet = await sharp(answer?.picture?.bytes).metadata();
    expect(sheet).toMatchObject({ format: "jpeg", width: 1280 });
    expect(sheet.height).toBeLessThan(2000);
    writeFileSync("/tmp/contact-sheet.jpg", answer?.picture?.bytes ?? new Uint8Array());
    expect((await runOf(`test:${prefix}:${counter}`))?.outcome).toBe("template.listed");

    expect(await reply("/template remove doge-wow", { admin: true })).toBe("Template “doge-wow” removed.");
    expect(await repositories.memeTemplates.get(community(), "doge-wow")).toBeNull();
    expect(await reply("/template remove doge-wow", { admin: true })).toContain(
      "This community has no template called “doge-wow”",
    );
  });

  it("GIVEN explicit boxes in percent THEN they are placed in pixels as a panels template", async () => {
    const text = await added(
      "/template add two-panel left:0,0,50,100 right:50,0,50,100",
      await photo(600, 400),
    );
    expect(text).toContain("(600×400, panels)");
    const stored = await repositories.memeTemplates.get(community(), "two-panel");
    expect(stored?.boxes).toEqual([
      { id: "left", label: "left", x: 0, y: 0, width: 300, height: 400, style: "outlined" },
      { id: "right", label: "right", x: 300, y: 0, width: 300, height: 400, style: "outlined" },
    ]);
    expect(await added("/template add bar caption-bar", await photo(500, 500))).toContain("caption-bar");
  });

  it("GIVEN a member THEN add and remove are refused, asking the platform afresh, and nothing is queued or removed", async () => {
    await repositories.memeTemplates.add({
      community: community(),
      actor: { platform: "telegram", externalId: "admin-7" },
      name: "kept",
      description: "",
      tags: [],
      layout: "classic",
      width: 100,
      height: 100,
      boxes: [],
      picture: new Uint8Array(await photo(100, 100)),
    });
    const refusal = "Only admins of this community can do that (Telegram chat administrators).";
    expect(await reply("/template add mine", { picture: await photo(100, 100) })).toBe(refusal);
    expect(await reply("/template remove kept")).toBe(refusal);
    expect(adminChecks).toEqual([{ fresh: true }, { fresh: true }]);
    expect(await repositories.memeTemplates.get(community(), "kept")).not.toBeNull();
    expect((await producer.counts()).find((queue) => queue.queue === "commands")?.counts.waiting).toBe(0);
    // Listing is for everyone, and asks nobody.
    await queued("template.list", "/template list");
    expect(adminChecks).toHaveLength(2);
  });

  it("GIVEN no picture, a bad name or bad boxes THEN the command says how, at once", async () => {
    expect(await reply("/template add doge", { admin: true })).toBe(
      "Attach the template's picture to the command, or reply to a picture with /template add doge.",
    );
    expect(await reply("/template add Doge!", { admin: true })).toContain("“Doge!” can't be a template name");
    expect(await reply("/template add doge top:0,0,100", { admin: true })).toContain(
      "“top:0,0,100” isn't a box",
    );
    expect(await reply("/template add doge top:0,90,100,20", { admin: true })).toBe(
      "The box “top” reaches outside the picture: keep every box within 0–100 %.",
    );
    expect(await reply("/template frobnicate")).toContain(
      "I don't know “frobnicate”.\nHow to use /template:",
    );
  });
});

describe("/template add refuses what cannot be a template", () => {
  it.each([
    ["not an image", () => Buffer.from("just some words, not a picture"), "That file isn't a picture"],
    ["a corrupt picture", async () => (await photo(400, 400)).subarray(0, 300), "That picture is damaged"],
    [
      "a decompression bomb",
      () => decompressionBomb(30_000, 30_000),
      "That picture is too large: at most 40 megapixels.",
    ],
  ])(
    "GIVEN %s THEN a short reply, nothing stored, the run recorded as rejected",
    async (_what, make, expected) => {
      const payload = await queued("template.add", "/template add bad", {
        admin: true,
        picture: await make(),
      });
      await addTemplate(payload, deps);
      expect(sent.at(-1)?.message.text).toContain(expected);
      expect(await repositories.memeTemplates.get(community(), "bad")).toBeNull();
      expect(await runOf(payload.run.key)).toMatchObject({ status: "rejected" });
    },
  );

  it("GIVEN an animated picture THEN its first frame is the template", async () => {
    const frames = Buffer.concat([
      await sharp({ create: { width: 64, height: 64, channels: 3, background: "#ff0000" } })
        .raw()
        .toBuffer(),
      await sharp({ create: { width: 64, height: 64, channels: 3, background: "#0000ff" } })
        .raw()
        .toBuffer(),
    ]);
    const gif = await sharp(frames, { raw: { width: 64, height: 128, channels: 3, pageHeight: 64 } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    expect(await added("/template add blink", gif)).toContain("(64×64, classic)");
    const stored = await repositories.memeTemplates.get(community(), "blink");
    const { dominant } = await sharp(stored?.picture).stats();
    expect(dominant.r).toBeGreaterThan(200);
  });

  it("GIVEN boxes too small for the picture THEN the renderer's check refuses them", async () => {
    const text = await added("/template add thin a:0,0,100,1 b:0,50,100,50", await photo(400, 400));
    expect(text).toBe('Those boxes can\'t make a template: box "a" needs a size of at least 8 × 8.');
  });

  it("GIVEN boxes outside the picture in the job THEN the renderer's check names the box", async () => {
    const payload = await queued("template.add", "/template add outside", {
      admin: true,
      picture: await photo(300, 300),
    });
    const moved = {
      ...payload,
      boxes: [{ id: "low", label: "low", x: 0, y: 0.9, width: 1, height: 0.2, style: "outlined" as const }],
    };
    await addTemplate(moved, deps);
    expect(sent.at(-1)?.message.text).toBe(
      "The box “low” reaches outside the picture: keep every box within 0–100 %.",
    );
  });

  it("GIVEN a starter's name THEN refused before the picture is even fetched", async () => {
    const downloads = telegram.callsOf("downloadFile").length;
    expect(await added("/template add gm", await photo(300, 300))).toBe(
      "“gm” is one of the starter templates: pick another name.",
    );
    expect(telegram.callsOf("downloadFile")).toHaveLength(downloads);
  });

  it(`GIVEN ${MAX_TEMPLATES_PER_COMMUNITY} templates THEN the next is refused, and a taken name too`, async () => {
    const picture = new Uint8Array(await photo(100, 100));
    for (let index = 0; index < MAX_TEMPLATES_PER_COMMUNITY; index += 1) {
      await repositories.memeTemplates.add({
        community: community(),
        actor: { platform: "telegram", externalId: "admin-7" },
        name: `t${index}`,
        description: "",
        tags: [],
        layout: "classic",
        width: 100,
        height: 100,
        boxes: [],
        picture,
      });
    }
    expect(await added("/template add t3", await photo(200, 200))).toContain(
      "already has a template called “t3”",
    );
    expect(await added("/template add one-more", await photo(200, 200))).toBe(
      `This community has ${MAX_TEMPLATES_PER_COMMUNITY} templates, the most it can keep: remove one first.`,
    );
  });

  it("GIVEN a retried add job THEN the answer goes out once and the template is stored once", async () => {
    const payload = await queued("template.add", "/template add twice", {
      admin: true,
      picture: await photo(320, 240),
    });
    await addTemplate(payload, deps);
    await expect(addTemplate(payload, deps)).resolves.toEqual({ outcome: "template.added" });
    expect(sent).toHaveLength(1);
    expect((await repositories.memeTemplates.totalSize(community())).count).toBe(1);
  });
});
