import type { Update } from "telegraf/types";
import { describe, expect, it } from "vitest";
import { invocationFromUpdate } from "../../../apps/bot/src/telegram/invocation.ts";
import { photoMessageUpdate, textMessageUpdate } from "../../fakes/telegram/updates.ts";

const bot = { id: 42, username: "OurMemeBot" };
const admin = async () => true;
const alice = { id: 7, username: "alice", first_name: "Alice" };
const forum = { id: -1009, type: "supergroup" as const, title: "Forum" };

const invocationOf = (update: Update) => invocationFromUpdate(update, bot, 1_000, admin);

describe("telegram update to invocation", () => {
  it("reads the command and its arguments from the leading bot_command entity", () => {
    const update = textMessageUpdate({ chat: forum, from: alice, text: "/MEME@ourmemebot  moon\nsoon " });
    expect(invocationOf(update)).toMatchObject({
      key: `telegram:42:${update.update_id}`,
      name: "meme",
      args: { kind: "text", text: "moon\nsoon" },
      addressed: true,
      receivedAt: 1_000,
    });
  });

  it("marks a bare command in a group as not addressed and one in private as addressed", () => {
    expect(invocationOf(textMessageUpdate({ chat: forum, from: alice, text: "/meme x" }))?.addressed).toBe(
      false,
    );
    const inPrivate = textMessageUpdate({ chat: { id: 7, type: "private" }, from: alice, text: "/meme x" });
    expect(invocationOf(inPrivate)).toMatchObject({
      addressed: true,
      community: { kind: "private", title: "Alice" },
    });
  });

  it("treats a slash without a bot_command entity as plain text", () => {
    const update = textMessageUpdate({ chat: { id: 7, type: "private" }, from: alice, text: "/meme x" });
    delete update.message.entities;
    expect(invocationOf(update)).toMatchObject({ name: null, nonCommand: "text" });
  });

  it("answers in a forum topic's thread and leaves the thread out elsewhere", () => {
    const inTopic = textMessageUpdate({ chat: forum, from: alice, text: "/help" });
    Object.assign(inTopic.message, { message_thread_id: 77, is_topic_message: true });
    expect(invocationOf(inTopic)?.target).toEqual({
      platform: "telegram",
      chatId: "-1009",
      replyToMessageId: inTopic.message.message_id,
      messageThreadId: 77,
    });
    const replyThread = textMessageUpdate({ chat: forum, from: alice, text: "/help" });
    Object.assign(replyThread.message, { message_thread_id: 12 });
    expect(invocationOf(replyThread)?.target).not.toHaveProperty("messageThreadId");
  });

  it("skips channel posts, commands for other bots and non-commands in groups", () => {
    const post = textMessageUpdate({ chat: forum, from: alice, text: "/help" });
    expect(
      invocationOf({ update_id: post.update_id, channel_post: post.message } as unknown as Update),
    ).toBeUndefined();
    expect(
      invocationOf(textMessageUpdate({ chat: forum, from: alice, text: "/help@SomeOtherBot" })),
    ).toBeUndefined();
    expect(invocationOf(photoMessageUpdate({ chat: forum, from: alice }))).toBeUndefined();
    expect(invocationOf(photoMessageUpdate({ chat: { id: 7, type: "private" }, from: alice }))).toMatchObject(
      {
        name: null,
        nonCommand: "unsupported",
      },
    );
  });
});
