import type { Update } from "telegraf/types";
import { describe, expect, it } from "vitest";
import { invocationFromUpdate, isPrivateChat } from "../../../apps/bot/src/telegram/invocation.ts";
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

  it("takes the chat an anonymous admin writes as for the actor, not the GroupAnonymousBot every group shares", () => {
    const anonymous = { id: 1087968824, username: "GroupAnonymousBot", first_name: "Group", is_bot: true };
    const otherGroup = { id: -1008, type: "supergroup" as const, title: "Other group" };
    const actorIn = (group: typeof forum) => {
      const update = textMessageUpdate({ chat: group, from: anonymous, text: "/meme gm" });
      Object.assign(update.message, {
        sender_chat: { id: group.id, type: "supergroup", title: group.title },
      });
      return invocationOf(update)?.actor;
    };
    expect(actorIn(forum)).toEqual({ platform: "telegram", externalId: "chat:-1009", displayName: "Forum" });
    expect(actorIn(otherGroup)).toEqual({
      platform: "telegram",
      externalId: "chat:-1008",
      displayName: "Other group",
    });
  });

  it("takes the channel a member writes as for the actor, and the user otherwise", () => {
    const channelBot = { id: 136817688, username: "Channel_Bot", first_name: "Channel", is_bot: true };
    const asChannel = textMessageUpdate({ chat: forum, from: channelBot, text: "/meme gm" });
    Object.assign(asChannel.message, {
      sender_chat: { id: -1005, type: "channel", title: "Alpha Calls", username: "alphacalls" },
    });
    expect(invocationOf(asChannel)?.actor).toEqual({
      platform: "telegram",
      externalId: "chat:-1005",
      username: "alphacalls",
      displayName: "Alpha Calls",
    });
    expect(invocationOf(textMessageUpdate({ chat: forum, from: alice, text: "/meme gm" }))?.actor).toEqual({
      platform: "telegram",
      externalId: "7",
      username: "alice",
      displayName: "Alice",
    });
  });

  it("counts a chat marked private as the sender's own only when its id is the sender's", () => {
    const own = textMessageUpdate({ chat: { id: 7, type: "private" }, from: alice, text: "/config" });
    const someoneElses = textMessageUpdate({
      chat: { id: 8, type: "private" },
      from: alice,
      text: "/config",
    });
    expect(isPrivateChat(own.message)).toBe(true);
    expect(isPrivateChat(someoneElses.message)).toBe(false);
    expect(invocationOf(someoneElses)?.community.kind).toBe("group");
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
