// Token-gated groups on Telegram, the bot's side: join requests and members' comings and goings reach
// core as the bot composes it (createBotDispatch's gateEvents): a join request is one gate.join job
// on the real BullMQ queue, however often Telegram delivers it, and a member seen leaving or back sets
// or clears leftAt through the real gates repository.
import { GROUP_TARGET, type GateMemberState } from "@memebot/core";
import { createRepositories, type Repositories } from "@memebot/db";
import { startWebServer, type RunningWebServer } from "@memebot/web";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBotDispatch } from "../../../apps/bot/src/bot.ts";
import { textMessageUpdate } from "../../fakes/telegram/updates.ts";
import { LEVEL } from "../../support/bot-core.ts";
import { uniqueTelegramGroupId, uniqueTelegramUserId } from "../../support/unique-ids.ts";
import { startHarness, type Harness, type HarnessOptions } from "./harness.ts";

const WEBHOOK = {
  url: "https://bot.example.test/telegram/updates",
  secret: "s3cret_Token-42-of-at-least-32-chars",
};

let harness: Harness;
let repositories: Repositories;
let closeGateEvents: () => Promise<void>;
let server: RunningWebServer | undefined;
let group: number;
let chat: { id: number; type: "supergroup"; title: string };

/**
 * The harness's adapter with the gate events the bot process hands its own (createBotDispatch's,
 * on the harness's infrastructure: the same Redis prefix and database).
 */
async function startGatedBot(options: HarnessOptions = {}): Promise<void> {
  // The adapter is made before the bot's composition it hands updates to.
  const bot: { composed?: ReturnType<typeof createBotDispatch> } = {};
  const events = () => {
    if (!bot.composed) throw new Error("gate events asked for before the bot was composed");
    return bot.composed.gateEvents;
  };
  harness = await startHarness({
    onJoinRequest: (request) => events().onJoinRequest(request),
    onMembership: (change) => events().onMembership(change),
    ...options,
  });
  const composed = createBotDispatch(harness.core.infrastructure);
  bot.composed = composed;
  closeGateEvents = () => composed.producer.close();
  repositories = createRepositories(harness.core.infrastructure.database.prisma, {
    scrubText: (text) => text,
  });
  await harness.adapter.start();
}

beforeEach(() => {
  group = uniqueTelegramGroupId();
  chat = { id: group, type: "supergroup", title: "Holders" };
  server = undefined;
});

afterEach(async () => {
  await server?.close();
  await closeGateEvents();
  await harness.close();
});

const community = () => ({ platform: "telegram" as const, externalId: String(group) });

describe("a join request", () => {
  it("GIVEN it is delivered twice THEN one gate.join job carries the request", async () => {
    await startGatedBot();
    const user = uniqueTelegramUserId();
    const date = Math.floor(Date.now() / 1000) - 5;
    const from = { id: user, first_name: "Dana", language_code: "es-ES" };
    const first = harness.fake.requestToJoin({ chat, from, date });
    // Telegram delivers it again (as after a restart that had not confirmed it), with a new update id.
    harness.fake.pushUpdate({ chat_join_request: first.chat_join_request });
    await harness.fake.waitUntilConsumed();

    const jobs = await harness.core.jobs("gate.join");
    expect(jobs.map((job) => job.data)).toEqual([
      {
        community: { platform: "telegram", externalId: String(group), title: "Holders", kind: "group" },
        memberId: String(user),
        userChatId: String(user),
        language: "es",
        requestedAt: date * 1000,
      },
    ]);
    expect(harness.samples.map((sample) => sample.result)).toEqual(["membership", "membership"]);
  });

  it("GIVEN a webhook delivery Telegram retries THEN still one job", async () => {
    await startGatedBot({ webhook: WEBHOOK });
    const routes = harness.adapter.webhookRoutes;
    if (!routes) throw new Error("webhook mode must expose its routes");
    server = await startWebServer({
      port: 0,
      host: "127.0.0.1",
      logger: harness.core.logger,
      routes: [routes],
      staticRoot: false,
    });
    const url = `${server.url}${new URL(WEBHOOK.url).pathname}`;
    const user = uniqueTelegramUserId();
    const update = harness.fake.requestToJoin({ chat, from: { id: user }, queue: false });
    expect((await harness.fake.postWebhook(url, update, WEBHOOK.secret)).status).toBe(200);
    expect((await harness.fake.postWebhook(url, update, WEBHOOK.secret)).status).toBe(200);

    const jobs = await harness.core.jobs("gate.join");
    expect(jobs.map((job) => [job.data.memberId, job.data.language])).toEqual([[String(user), "en"]]);
  });

  it("GIVEN it comes from a bot THEN nothing is queued", async () => {
    await startGatedBot();
    harness.fake.requestToJoin({ chat, from: { id: uniqueTelegramUserId(), is_bot: true } });
    await harness.fake.waitUntilConsumed();
    expect(await harness.core.jobs("gate.join")).toEqual([]);
    expect(harness.samples.map((sample) => sample.result)).toEqual(["skipped"]);
  });

  it("GIVEN it cannot be handed on THEN it is logged and the bot goes on", async () => {
    await startGatedBot({
      onJoinRequest: () => Promise.reject(new Error("queue unreachable")),
    });
    harness.fake.requestToJoin({ chat, from: { id: uniqueTelegramUserId() } });
    const member = { id: uniqueTelegramUserId(), first_name: "Eve" };
    harness.fake.pushUpdate(
      textMessageUpdate({ chat: { id: member.id, type: "private" }, from: member, text: "/start" }),
    );
    await harness.fake.waitForCall("sendMessage", (call) => call.params.chat_id === member.id);
    expect(harness.core.logs).toContainEqual(
      expect.objectContaining({
        level: LEVEL.error,
        msg: "telegram join request could not be handed on",
        chatId: String(group),
      }),
    );
    expect(harness.samples[0]?.result).toBe("failed");
  });
});

describe("a member's coming and going", () => {
  /** A member with access on record, as a gate check leaves them. */
  async function memberWithAccess(memberId: string): Promise<void> {
    const state: GateMemberState = {
      target: GROUP_TARGET,
      memberId,
      hasAccess: true,
      shortSince: null,
      failures: 0,
      removedAt: null,
      leftAt: null,
      checkedAt: new Date(),
    };
    await repositories.gates.saveMemberStates(community(), [state]);
  }

  const leftAtOf = async (memberId: string) =>
    (await repositories.gates.memberStates(community(), [memberId]))[0]?.leftAt;

  async function change(input: Parameters<Harness["fake"]["changeMember"]>[0]): Promise<void> {
    harness.fake.changeMember(input);
    await harness.fake.waitUntilConsumed();
  }

  it("GIVEN a member leaves and comes back THEN leftAt is set, then cleared", async () => {
    await startGatedBot();
    const user = { id: uniqueTelegramUserId(), first_name: "Fay" };
    await memberWithAccess(String(user.id));
    const date = Math.floor(Date.now() / 1000) - 30;

    await change({ chat, user, old: "member", new: "left", date });
    expect(await leftAtOf(String(user.id))).toEqual(new Date(date * 1000));

    await change({ chat, user, old: "left", new: "member" });
    expect(await leftAtOf(String(user.id))).toBeNull();
  });

  it("GIVEN an admin removes a member THEN leftAt is set; a restricted member still in is present", async () => {
    await startGatedBot();
    const admin = { id: uniqueTelegramUserId(), first_name: "Admin" };
    const user = { id: uniqueTelegramUserId(), first_name: "Gus" };
    await memberWithAccess(String(user.id));

    await change({ chat, user, from: admin, old: "member", new: "kicked" });
    expect(await leftAtOf(String(user.id))).toBeInstanceOf(Date);

    // Let back in, muted: restricted with is_member is in the group.
    await change({ chat, user, from: admin, old: "kicked", new: "restricted" });
    expect(await leftAtOf(String(user.id))).toBeNull();
  });

  it("GIVEN a promotion, or a bot leaving THEN nothing is recorded", async () => {
    await startGatedBot();
    const user = { id: uniqueTelegramUserId(), first_name: "Hal" };
    const bot = { id: uniqueTelegramUserId(), first_name: "Other bot", is_bot: true };
    await memberWithAccess(String(user.id));
    await memberWithAccess(String(bot.id));

    await change({ chat, user, old: "member", new: "administrator" });
    await change({ chat, user: bot, old: "member", new: "left" });

    expect(await leftAtOf(String(user.id))).toBeNull();
    expect(await leftAtOf(String(bot.id))).toBeNull();
    expect(harness.samples.map((sample) => sample.result)).toEqual(["skipped", "skipped"]);
  });
});
