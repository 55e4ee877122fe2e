// Reply buttons on Telegram: a message the worker sent with an inline keyboard (through the real
// sender), a member presses its button (a callback_query from the fake Bot API), and the command the
// button names runs as that member, answered as a reply to the message that had the button.
import type { Message } from "telegraf/types";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ReplyButton } from "@memebot/core";
import { createTelegramSender } from "@memebot/delivery/telegram";
import { jobIdFor } from "@memebot/jobs";
import { callbackQueryUpdate, type ChatInput, type UserInput } from "../../fakes/telegram/updates.ts";
import { uniqueTelegramGroupId, uniqueTelegramUserId } from "../../support/unique-ids.ts";
import { startHarness, type Harness } from "./harness.ts";

let harness: Harness;
let alice: UserInput;
let bob: UserInput;
let group: ChatInput;
beforeEach(async () => {
  alice = { id: uniqueTelegramUserId(), username: "alice", first_name: "Alice" };
  bob = { id: uniqueTelegramUserId(), username: "bob", first_name: "Bob" };
  group = { id: uniqueTelegramGroupId(), type: "supergroup", title: "Degens United" };
  harness = await startHarness();
  await harness.adapter.start();
  await harness.fake.waitForCall("getUpdates");
});
afterEach(async () => {
  await harness.close();
});

/** A message with `buttons`, sent into the chat as the worker's sender sends it; returns it as Telegram keeps it. */
async function sentWithButtons(chatId: number, buttons: readonly ReplyButton[]): Promise<Message> {
  const send = createTelegramSender({ token: harness.fake.token, apiRoot: harness.fake.apiRoot });
  await send({ platform: "telegram", chatId: String(chatId) }, { text: "WHEN THE DIP", buttons });
  const message = harness.fake.sentMessages(chatId).at(-1);
  if (!message) throw new Error("the message with buttons was not sent");
  return message;
}

const HELP: ReplyButton = { label: "❓ Help", command: "help", args: "" };
/** Answered by a job: the run is queued and the worker answers later. */
const MEME: ReplyButton = { label: "🔁 Another one", command: "meme", args: "wen lambo" };

/** Queues updates and resolves once the bot handled them all and sent what it sends. */
async function deliver(...updates: Parameters<Harness["fake"]["pushUpdates"]>[0]) {
  const expected = harness.samples.length + updates.length;
  harness.fake.pushUpdates(updates);
  await harness.fake.waitUntilConsumed();
  await vi.waitFor(() => expect(harness.samples.length).toBeGreaterThanOrEqual(expected));
}

const answersTo = (messageId: number) =>
  harness.fake
    .callsOf("sendMessage")
    .filter(
      (call) =>
        (call.params.reply_parameters as { message_id?: number } | undefined)?.message_id === messageId,
    );

describe("telegram reply buttons", () => {
  it("asks Telegram for button presses along with messages", () => {
    expect(harness.fake.callsOf("getUpdates")[0]?.params.allowed_updates).toEqual([
      "message",
      "callback_query",
      "chat_join_request",
      "chat_member",
    ]);
  });

  it("answers the press at once, then runs the button's command as the presser, replying to the button's message", async () => {
    const message = await sentWithButtons(group.id, [HELP]);
    const press = harness.fake.pressButton({ message, from: alice, queue: false });
    await deliver(press);

    const answered = await harness.fake.waitForCall("answerCallbackQuery");
    expect(answered.params.callback_query_id).toBe(press.callback_query.id);
    expect(answered.error).toBeUndefined();
    await vi.waitFor(() => expect(answersTo(message.message_id)).toHaveLength(1));
    const [reply] = answersTo(message.message_id);
    expect(reply?.params.chat_id).toBe(group.id);
    expect(reply?.params.text).toContain("/meme <topic>");
    // The spinner stopped before the command's answer went out.
    expect(answered.at).toBeLessThanOrEqual(reply?.at ?? 0);
    await vi.waitFor(async () => expect(await harness.runs()).toHaveLength(1));
    expect(await harness.runs()).toMatchObject([
      {
        key: `telegram:${harness.fake.bot.id}:press:${press.callback_query.id}`,
        command: "help",
        status: "succeeded",
        community: { platform: "telegram", externalId: String(group.id) },
        actor: { platform: "telegram", externalId: String(alice.id), username: "alice" },
      },
    ]);
  });

  it("runs a press delivered twice once, and each new press once more", async () => {
    const message = await sentWithButtons(group.id, [HELP]);
    const first = harness.fake.pressButton({ message, from: alice, queue: false });
    const second = harness.fake.pressButton({ message, from: bob, queue: false });
    // The first press arrives twice in one batch (a redelivery), handled concurrently.
    await deliver(first, first, second);

    await vi.waitFor(() => expect(answersTo(message.message_id)).toHaveLength(2));
    await vi.waitFor(async () => expect(await harness.runs()).toHaveLength(2));
    const runs = await harness.runs();
    expect(runs.map((run) => run.actor.externalId).sort()).toEqual([String(alice.id), String(bob.id)].sort());
    expect(harness.samples.map((sample) => sample.result).sort()).toEqual(["ignored", "reply", "reply"]);
    // Every copy of a press is acknowledged; Telegram takes the first answer of a query only.
    expect(harness.fake.callsOf("answerCallbackQuery")).toHaveLength(3);
  });

  it("queues a job-backed command pressed, with the reply going to the button's message", async () => {
    const message = await sentWithButtons(group.id, [MEME]);
    const press = harness.fake.pressButton({ message, from: bob, queue: false });
    await deliver(press);

    const key = `telegram:${harness.fake.bot.id}:press:${press.callback_query.id}`;
    const jobs = await harness.core.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.id).toBe(jobIdFor(key));
    expect(jobs[0]?.data.run).toMatchObject({
      key,
      command: "meme",
      community: { platform: "telegram", externalId: String(group.id), kind: "group" },
      actor: { platform: "telegram", externalId: String(bob.id), username: "bob" },
      target: { platform: "telegram", chatId: String(group.id), replyToMessageId: message.message_id },
    });
    expect(harness.samples).toMatchObject([{ key, command: "meme", result: "queued" }]);
    expect(answersTo(message.message_id)).toHaveLength(0);
    expect(harness.fake.callsOf("answerCallbackQuery")).toHaveLength(1);
  });

  it("answers a press that names no command of ours, and runs nothing", async () => {
    const message = await sentWithButtons(group.id, [{ label: "?", command: "nosuchcommand", args: "x" }]);
    const unknown = harness.fake.pressButton({ message, from: alice, queue: false });
    // Another bot's (or a forged) press: data that is not "<command> <args>" at all.
    const foreign = callbackQueryUpdate({
      from: alice,
      chat: group,
      data: '{"v":1}',
      bot: { id: harness.fake.bot.id },
    });
    await deliver(unknown, foreign);

    await vi.waitFor(() => expect(harness.fake.callsOf("answerCallbackQuery")).toHaveLength(2));
    expect(harness.samples.map((sample) => sample.result)).toEqual(["skipped", "skipped"]);
    // Only the message with the button was ever sent.
    expect(harness.fake.callsOf("sendMessage")).toHaveLength(1);
    expect(await harness.runs()).toHaveLength(0);
  });
});
