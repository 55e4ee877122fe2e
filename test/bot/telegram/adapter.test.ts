import { translate } from "@memebot/core";
import { jobIdFor } from "@memebot/jobs";
import type { Update } from "telegraf/types";
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { photoMessageUpdate, stickerMessageUpdate, textMessageUpdate } from "../../fakes/telegram/updates.ts";
import type { ChatInput, UserInput } from "../../fakes/telegram/updates.ts";
import { LEVEL } from "../../support/bot-core.ts";
import { startDatabaseProxy } from "../../support/tcp-proxy.ts";
import { uniqueTelegramGroupId, uniqueTelegramUserId } from "../../support/unique-ids.ts";
import { startHarness, type Harness } from "./harness.ts";

const dm = (user: UserInput): ChatInput => ({ id: user.id, type: "private" });

// The database outlives each test and is shared with other test files: every test gets
// people and a group of its own, so no settings, runs or cooldowns carry over.
let alice: UserInput;
let bob: UserInput;
let carol: UserInput;
let group: ChatInput;
let harness: Harness;
beforeEach(async () => {
  alice = { id: uniqueTelegramUserId(), username: "alice", first_name: "Alice", last_name: "Liddell" };
  bob = { id: uniqueTelegramUserId(), username: "bob", first_name: "Bob" };
  carol = { id: uniqueTelegramUserId(), username: "carol", first_name: "Carol" };
  group = { id: uniqueTelegramGroupId(), type: "supergroup", title: "Degens United" };
  harness = await startHarness();
  await harness.adapter.start();
  await harness.fake.waitForCall("getUpdates");
});
afterEach(async () => {
  await harness.close();
});

const botName = () => harness.fake.bot.username as string;
const keyOf = (update: Update) => `telegram:${harness.fake.bot.id}:${update.update_id}`;

/** Queues updates for long polling and resolves once the bot has handled them all, answers sent. */
async function deliver(...updates: Update[]) {
  const expected = harness.samples.length + updates.length;
  harness.fake.pushUpdates(updates);
  await harness.fake.waitUntilConsumed();
  // Answers leave after the batch is confirmed; every update reports its sample once it is fully done.
  await vi.waitFor(() => expect(harness.samples.length).toBeGreaterThanOrEqual(expected));
}

const sentTexts = () => harness.fake.callsOf("sendMessage").map((call) => call.params.text);

describe("telegram adapter (long polling through the fake Bot API)", () => {
  it("registers the command menu from the registry at start, in English by default", async () => {
    const menus = harness.fake.callsOf("setMyCommands");
    const english = menus.find((call) => call.params.language_code === undefined);
    expect(english?.params.commands).toEqual([
      { command: "start", description: "Say hello and see what I can do" },
      { command: "help", description: "List the commands you can use" },
      { command: "meme", description: "Make a meme picture about a topic" },
      { command: "caption", description: "Put meme captions on your own picture: /caption top | bottom" },
      {
        command: "imagine",
        description: "Write an image prompt for an idea (and draw it when an image server is set up)",
      },
      {
        command: "template",
        description: "See this community's meme templates; admins add and remove their own",
      },
      { command: "config", description: "Show or change this community's bot settings" },
      { command: "persona", description: "Show or shape the bot's persona in this community" },
      {
        command: "track",
        description: "See the tokens this community's chatter is tracked for; admins change them",
      },
      {
        command: "sentiment",
        description: "How a tracked token's chatter feels: score, trend, quotes and a chart",
      },
      {
        command: "alert",
        description: "Alerts when a token's chatter mood or volume swings; admins set them",
      },
      {
        command: "digest",
        description: "A daily sentiment digest with its chart, at an hour admins choose",
      },
      {
        command: "wallet",
        description: "Link your Solana wallets by signing a message; list or unlink them",
      },
      {
        command: "verify",
        description: "Check your linked wallets against this community's token gates",
      },
      {
        command: "gate",
        description: "Token gates: a role or the group for holders of a token; admins set them",
      },
      { command: "usage", description: "Show this community's model usage and token budget (admins)" },
    ]);
    expect(menus.some((call) => call.params.language_code === "es")).toBe(true);
    expect(harness.fake.calls.map((call) => call.method).slice(0, 1)).toEqual(["getMe"]);
    expect(harness.fake.callsOf("getUpdates")[0]?.params.allowed_updates).toEqual([
      "message",
      "callback_query",
      "chat_join_request",
      "chat_member",
    ]);
    expect(await harness.adapter.health()).toEqual({ telegram: true });
  });

  it("answers /start with a greeting that replies to the message", async () => {
    const update = textMessageUpdate({ chat: dm(alice), from: alice, text: "/start" });
    await deliver(update);
    const reply = await harness.fake.waitForCall("sendMessage");
    expect(reply.params).toMatchObject({
      chat_id: alice.id,
      reply_parameters: { message_id: update.message.message_id, allow_sending_without_reply: true },
    });
    expect(reply.params.parse_mode).toBeUndefined();
    expect(reply.params.text).toContain("gm Alice Liddell!");
  });

  it("answers /help with the command list", async () => {
    await deliver(textMessageUpdate({ chat: dm(alice), from: alice, text: "/help" }));
    const reply = await harness.fake.waitForCall("sendMessage");
    expect(reply.params.text).toContain("/meme <topic> — Make a meme picture about a topic");
    // A user manages their own DM, so they see the admin note without any getChatMember call.
    expect(reply.params.text).toContain("You are an admin here");
    expect(harness.fake.callsOf("getChatMember")).toHaveLength(0);
  });

  it("enqueues one job for /meme in a private chat with where to answer, and sends nothing now", async () => {
    const update = textMessageUpdate({ chat: dm(alice), from: alice, text: "/meme   wen   lambo " });
    await deliver(update);
    const jobs = await harness.core.jobs();
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    expect(job?.name).toBe("meme.create");
    expect(job?.id).toBe(jobIdFor(keyOf(update)));
    expect(job?.data.topic).toBe("wen lambo");
    expect(job?.data.run).toMatchObject({
      key: keyOf(update),
      command: "meme",
      community: { platform: "telegram", externalId: String(alice.id), kind: "private" },
      actor: {
        platform: "telegram",
        externalId: String(alice.id),
        username: "alice",
        displayName: "Alice Liddell",
      },
      target: { platform: "telegram", chatId: String(alice.id), replyToMessageId: update.message.message_id },
      language: "en",
    });
    expect(harness.fake.callsOf("sendMessage")).toHaveLength(0);
    // Queued commands cost no Telegram call at all, and the admin check stays unasked.
    expect(harness.fake.callsOf("getChatMember")).toHaveLength(0);
    expect(harness.samples).toMatchObject([{ key: keyOf(update), command: "meme", result: "queued" }]);
  });

  it("takes /meme@ourbot in a group and ignores /meme@otherbot", async () => {
    const ours = textMessageUpdate({ chat: group, from: bob, text: `/meme@${botName()} moon soon` });
    const theirs = textMessageUpdate({ chat: group, from: carol, text: "/meme@OtherMemeBot moon soon" });
    await deliver(ours, theirs);
    const jobs = await harness.core.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.data).toMatchObject({
      topic: "moon soon",
      run: {
        community: { externalId: String(group.id), title: "Degens United", kind: "group" },
        target: { chatId: String(group.id), replyToMessageId: ours.message.message_id },
      },
    });
    expect(harness.samples.find((sample) => sample.updateId === theirs.update_id)?.result).toBe("skipped");
    expect(harness.fake.callsOf("sendMessage")).toHaveLength(0);
  });

  it("hints at /help for an unknown command in private and stays quiet about one in a group", async () => {
    await deliver(
      textMessageUpdate({ chat: dm(alice), from: alice, text: "/wat" }),
      textMessageUpdate({ chat: group, from: bob, text: "/wat" }),
    );
    expect(sentTexts()).toEqual(["I don't know /wat. Send /help to see what I can do."]);
    expect(harness.fake.callsOf("sendMessage")[0]?.params.chat_id).toBe(alice.id);
  });

  it("answers /meme without a topic with the usage", async () => {
    await deliver(textMessageUpdate({ chat: dm(alice), from: alice, text: "/meme" }));
    expect(sentTexts()).toEqual(["Missing <topic>.\nUsage: /meme <topic>"]);
    expect(await harness.core.jobs()).toHaveLength(0);
  });

  it("says how long a topic may be when it is too long", async () => {
    await deliver(textMessageUpdate({ chat: dm(alice), from: alice, text: `/meme ${"moon ".repeat(60)}` }));
    expect(sentTexts()).toEqual(["<topic> is too long: at most 200 characters.\nUsage: /meme <topic>"]);
    expect(await harness.core.jobs()).toHaveLength(0);
  });

  it("answers a photo in private with a hint, hands plain text to the listener, and ignores a group's sticker", async () => {
    await deliver(
      photoMessageUpdate({ chat: dm(alice), from: alice, caption: "look" }),
      stickerMessageUpdate({ chat: group, from: bob }),
      textMessageUpdate({ chat: group, from: bob, text: "gm frens" }),
    );
    await harness.fake.waitForCall("sendMessage");
    const hello = textMessageUpdate({ chat: dm(alice), from: alice, text: "hello bot" });
    await deliver(hello);
    expect(sentTexts()).toEqual(["I can't read that kind of message. Send a command such as /help."]);
    expect(harness.samples.filter((sample) => sample.result === "skipped")).toHaveLength(1);
    expect(harness.samples.filter((sample) => sample.result === "listened")).toHaveLength(2);
    // The private message is the conversation's: one chat.reply job; the group's chatter is nobody's.
    const replies = await harness.core.jobs("chat.reply");
    expect(replies.map((job) => [job.id, job.data.text])).toEqual([[jobIdFor(keyOf(hello)), "hello bot"]]);
  });

  it("handles an update delivered twice once: one job, one reply", async () => {
    const meme = textMessageUpdate({ chat: dm(alice), from: alice, text: "/meme pump it" });
    const start = textMessageUpdate({ chat: dm(bob), from: bob, text: "/start" });
    // Both copies arrive in one batch, handled concurrently: the gate in Redis decides, not process memory.
    await deliver(meme, meme, start, start);
    expect(await harness.core.jobs()).toHaveLength(1);
    expect(harness.fake.callsOf("sendMessage")).toHaveLength(1);
    expect(harness.samples.map((sample) => sample.result).sort()).toEqual([
      "ignored",
      "ignored",
      "queued",
      "reply",
    ]);
  });

  it("refuses a /config change by a member and applies one by an administrator", async () => {
    harness.fake.setChatMember(group.id, carol.id, "administrator");
    await deliver(textMessageUpdate({ chat: group, from: bob, text: "/config language es" }));
    await deliver(textMessageUpdate({ chat: group, from: carol, text: `/config@${botName()} language es` }));
    expect(sentTexts()).toEqual([
      "Only admins of this community can do that (Telegram chat administrators).",
      "language is now es.",
    ]);
    expect(
      await harness.core.settingsOf({ platform: "telegram", externalId: String(group.id) }),
    ).toMatchObject({
      language: "es",
    });
    expect(harness.fake.callsOf("getChatMember").map((call) => call.params)).toEqual([
      { chat_id: group.id, user_id: bob.id },
      { chat_id: group.id, user_id: carol.id },
    ]);

    // Every change asks Telegram again, even within the cache time (a demotion must count at once);
    // the answer now comes in the community's new language.
    await deliver(textMessageUpdate({ chat: group, from: carol, text: "/config language en" }));
    expect(sentTexts().at(-1)).toBe(translate("es", "config.updated", { key: "language", value: "en" }));
    expect(harness.fake.callsOf("getChatMember")).toHaveLength(3);
  });

  it("asks Telegram afresh before a /config change, so an admin demoted a moment ago is refused", async () => {
    harness.fake.setChatMember(group.id, carol.id, "administrator");
    await deliver(textMessageUpdate({ chat: group, from: carol, text: "/help" }));
    expect(sentTexts().at(-1)).toContain("You are an admin here");

    // Demoted within the admin cache's minute: the cached "admin" must not let her change settings.
    harness.fake.setChatMember(group.id, carol.id, "member");
    await deliver(textMessageUpdate({ chat: group, from: carol, text: "/config language es" }));
    expect(sentTexts().at(-1)).toBe(
      "Only admins of this community can do that (Telegram chat administrators).",
    );
    expect(
      await harness.core.settingsOf({ platform: "telegram", externalId: String(group.id) }),
    ).not.toMatchObject({ language: "es" });

    // The fresh answer replaced the cached one: /help now shows her as a member, without asking again.
    await deliver(textMessageUpdate({ chat: group, from: carol, text: "/help" }));
    expect(sentTexts().at(-1)).not.toContain("You are an admin here");
    expect(harness.fake.callsOf("getChatMember")).toHaveLength(2);
  });

  it("refuses /config writes in a chat marked private that is not the sender's own", async () => {
    // Telegram never sends this, but a forged webhook update could: Bob's chat, written by Alice.
    const forged = textMessageUpdate({
      chat: { id: bob.id, type: "private" },
      from: alice,
      text: "/config language es",
    });
    await deliver(forged);
    expect(sentTexts()).toEqual([
      "Only admins of this community can do that (Telegram chat administrators).",
    ]);
    expect(
      await harness.core.settingsOf({ platform: "telegram", externalId: String(bob.id) }),
    ).not.toMatchObject({ language: "es" });
    // In her own private chat Alice still administers her settings without asking Telegram.
    await deliver(textMessageUpdate({ chat: dm(alice), from: alice, text: "/config language es" }));
    expect(sentTexts().at(-1)).toBe("language is now es.");
    expect(harness.fake.callsOf("getChatMember").map((call) => call.params)).toEqual([
      { chat_id: bob.id, user_id: alice.id },
    ]);
  });

  it("counts an anonymous group admin (GroupAnonymousBot posting as the chat) as an administrator", async () => {
    const update = textMessageUpdate({
      chat: group,
      from: { id: 1087968824, username: "GroupAnonymousBot", first_name: "Group", is_bot: true },
      text: "/config rate_limit 30",
    });
    // Telegram sets sender_chat to the group itself when an admin posts anonymously.
    Object.assign(update.message, {
      sender_chat: { id: group.id, type: "supergroup", title: "Degens United" },
    });
    await deliver(update);
    expect(sentTexts()).toEqual(["rate_limit is now 30."]);
    expect(harness.fake.callsOf("getChatMember")).toHaveLength(0);
  });

  it("gives anonymous admins of different groups cooldowns and identities of their own", async () => {
    const otherGroup: ChatInput = { id: uniqueTelegramGroupId(), type: "supergroup", title: "Moon Boys" };
    const anonymousIn = (chat: ChatInput, topic: string) => {
      const update = textMessageUpdate({
        chat,
        from: { id: 1087968824, username: "GroupAnonymousBot", first_name: "Group", is_bot: true },
        text: `/meme ${topic}`,
      });
      Object.assign(update.message, { sender_chat: { id: chat.id, type: "supergroup", title: chat.title } });
      return update;
    };
    const first = anonymousIn(group, "one");
    const second = anonymousIn(otherGroup, "two");
    await deliver(first);
    await deliver(second);
    // /meme has a 10 s cooldown: one shared GroupAnonymousBot would have been limited in the second group.
    const jobs = await harness.core.jobs();
    expect(jobs.map((job) => [job.data.topic, job.data.run.actor])).toEqual([
      ["one", { platform: "telegram", externalId: `chat:${group.id}`, displayName: "Degens United" }],
      ["two", { platform: "telegram", externalId: `chat:${otherGroup.id}`, displayName: "Moon Boys" }],
    ]);
    expect(sentTexts()).toEqual([]);
  });

  it("tells a user about their cooldown once", async () => {
    await deliver(textMessageUpdate({ chat: dm(alice), from: alice, text: "/meme one" }));
    await deliver(textMessageUpdate({ chat: dm(alice), from: alice, text: "/meme two" }));
    await deliver(textMessageUpdate({ chat: dm(alice), from: alice, text: "/meme three" }));
    expect((await harness.core.jobs()).map((job) => job.data.topic)).toEqual(["one"]);
    expect(sentTexts()).toHaveLength(1);
    expect(sentTexts()[0]).toMatch(/^Easy there! You can use \/meme again in (9|10)s\.$/);
  });

  it("answers with the generic error when dispatch fails, and keeps polling", async () => {
    // A real outage: this bot reaches PostgreSQL through a proxy the test cuts and restores.
    const database = await startDatabaseProxy();
    onTestFinished(() => database.close());
    await harness.close();
    harness = await startHarness({ databaseUrl: database.url });
    await harness.adapter.start();
    await harness.fake.waitForCall("getUpdates");

    database.cut();
    // Alice's chat is new to the settings cache, so the dispatcher must read the database first.
    await deliver(textMessageUpdate({ chat: dm(alice), from: alice, text: "/help" }));
    expect(sentTexts()).toEqual(["Something went wrong on our side. Please try again."]);
    expect(
      harness.core.logs.some(
        (line) => line.level === LEVEL.error && /could not be dispatched/.test(line.msg),
      ),
    ).toBe(true);

    // A failed read is not cached: once the database is back, the next command reads it afresh.
    database.restore();
    const start = textMessageUpdate({ chat: dm(alice), from: alice, text: "/start" });
    await deliver(start);
    expect(sentTexts()).toHaveLength(2);
    await expect
      .poll(() => harness.runs())
      .toMatchObject([{ key: keyOf(start), command: "start", status: "succeeded" }]);
  });

  it("retries an answer Telegram failed with a 5xx, and logs a refused one without stopping", async () => {
    harness.fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" });
    await deliver(textMessageUpdate({ chat: dm(alice), from: alice, text: "/start" }));
    const attempts = harness.fake.callsOf("sendMessage");
    expect(attempts.map((call) => call.error?.error_code ?? "ok")).toEqual([502, "ok"]);

    harness.fake.failNext("sendMessage", {
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    await deliver(textMessageUpdate({ chat: dm(bob), from: bob, text: "/start" }));
    expect(harness.core.logs.some((line) => /does not accept our answer/.test(line.msg))).toBe(true);

    await deliver(textMessageUpdate({ chat: dm(carol), from: carol, text: "/start" }));
    expect(harness.fake.sentMessages(carol.id)).toHaveLength(1);
  });

  it("keeps taking updates while an answer waits out Telegram's flood limit", async () => {
    await harness.close();
    harness = await startHarness({ send: {} });
    await harness.adapter.start();
    harness.fake.failNext("sendMessage", {
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      retry_after: 1,
    });
    harness.fake.pushUpdate(textMessageUpdate({ chat: dm(alice), from: alice, text: "/start" }));
    await harness.fake.waitForCall("sendMessage");
    await deliver(textMessageUpdate({ chat: dm(bob), from: bob, text: "/meme while we wait" }));
    expect(await harness.core.jobs()).toHaveLength(1);
    expect(harness.fake.sentMessages(alice.id)).toHaveLength(0);
    const retried = await harness.fake.waitForCall("sendMessage", (call) => call.error === undefined, 3_000);
    expect(retried.at - harness.fake.callsOf("sendMessage")[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it("handles full batches of 100 concurrently, each update exactly once", async () => {
    const firstId = uniqueTelegramUserId();
    const updates = Array.from({ length: 500 }, (_, index) => {
      const user = { id: firstId + index, first_name: `Degen ${index}` };
      return textMessageUpdate({ chat: dm(user), from: user, text: `/meme topic ${index}` });
    });
    await deliver(...updates);
    expect(new Set((await harness.core.jobs()).map((job) => job.id)).size).toBe(500);
    const batches = harness.fake
      .callsOf("getUpdates")
      .map((call) => (Array.isArray(call.result) ? call.result.length : 0))
      .filter((size) => size > 0);
    expect(Math.max(...batches)).toBe(100);
  });

  it("keeps polling after getUpdates fails with a flood wait", async () => {
    harness.fake.failNext("getUpdates", {
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      retry_after: 1,
    });
    // Ends the poll being held, so the next one meets the injected failure.
    await deliver(textMessageUpdate({ chat: dm(alice), from: alice, text: "/start" }));
    await deliver(textMessageUpdate({ chat: dm(bob), from: bob, text: "/start" }));
    expect(harness.fake.callsOf("getUpdates").some((call) => call.error?.error_code === 429)).toBe(true);
    expect(harness.fake.callsOf("sendMessage")).toHaveLength(2);
    expect(await harness.adapter.health()).toEqual({ telegram: true });
  });

  it("stops by the deadline its signal sets while Telegram never takes an answer", async () => {
    const held = harness.fake.hold("sendMessage");
    harness.fake.pushUpdate(textMessageUpdate({ chat: dm(alice), from: alice, text: "/start" }));
    await vi.waitFor(() => expect(held.waiting).toBe(1));

    const startedAt = performance.now();
    // The default drain would wait 10 s for the answer; the process's budget says 300 ms.
    await harness.adapter.stop("shutdown", AbortSignal.timeout(300));
    const elapsed = performance.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1_000);
    held.release();
  });

  it("waits drainTimeoutMs once in all, not once for polling, handlers and answers each", async () => {
    await harness.close();
    harness = await startHarness({ drainTimeoutMs: 400 });
    await harness.adapter.start();
    await harness.fake.waitForCall("getUpdates");
    // One batch: a handler stuck asking Telegram about an admin (which also holds the poll's batch),
    // and an answer Telegram never takes.
    const adminCheck = harness.fake.hold("getChatMember");
    const answer = harness.fake.hold("sendMessage");
    harness.fake.pushUpdates([
      textMessageUpdate({ chat: group, from: bob, text: "/config language es" }),
      textMessageUpdate({ chat: dm(alice), from: alice, text: "/start" }),
    ]);
    await vi.waitFor(() => expect([adminCheck.waiting, answer.waiting]).toEqual([1, 1]));

    const startedAt = performance.now();
    await harness.adapter.stop("shutdown");
    const elapsed = performance.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(800);
    adminCheck.release();
    answer.release();
  });

  it("stops polling on stop() and confirms what it handled", async () => {
    await deliver(textMessageUpdate({ chat: dm(alice), from: alice, text: "/start" }));
    await harness.adapter.stop("test");
    const polls = harness.fake.callsOf("getUpdates").length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.fake.callsOf("getUpdates")).toHaveLength(polls);
    expect(harness.fake.pendingUpdateCount).toBe(0);
  });
});
