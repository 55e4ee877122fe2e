import type { Message, Update } from "telegraf/types";
import { describe, expect, it } from "vitest";
import { invocationFromUpdate } from "../../apps/bot/src/telegram/invocation.ts";
import { listenedMessageFromUpdate } from "../../apps/bot/src/telegram/listen.ts";
import { textMessageUpdate } from "../fakes/telegram/updates.ts";

const bot = { id: 7_000_000_042, username: "Talky_Meme_Bot" };
const group = { id: -1001234567890, type: "supergroup" as const, title: "Degens" };
const alice = { id: 4242, username: "alice", first_name: "Alice" };

function withMessage(update: Update, patch: Partial<Message.TextMessage>): Update {
  Object.assign((update as { message: Message.TextMessage }).message, patch);
  return update;
}

describe("listenedMessageFromUpdate", () => {
  it("GIVEN a group message naming the bot in another case THEN it mentions the bot, and the model gets the text without the name", () => {
    const update = withMessage(
      textMessageUpdate({ chat: group, from: alice, text: "yo @talky_meme_bot  wen moon?" }),
      {
        entities: [{ type: "mention", offset: 3, length: 15 }],
      },
    );
    const message = listenedMessageFromUpdate(update, bot, 1_000);
    expect(message).toMatchObject({
      key: `telegram:${bot.id}:${update.update_id}`,
      threadKey: `telegram:${group.id}`,
      community: { platform: "telegram", externalId: String(group.id), kind: "group" },
      author: { externalId: String(alice.id), isBot: false },
      origin: "user",
      text: "yo wen moon?",
      isPrivate: false,
      mentionsBot: true,
      repliesToBot: false,
      replyTo: {
        platform: "telegram",
        chatId: String(group.id),
        replyToMessageId: (update as { message: Message }).message.message_id,
      },
      receivedAt: 1_000,
    });
  });

  it("GIVEN a mention of another account or a text_mention of the bot THEN only the bot's own counts", () => {
    const other = withMessage(textMessageUpdate({ chat: group, from: alice, text: "@someone_else gm" }), {
      entities: [{ type: "mention", offset: 0, length: 13 }],
    });
    expect(listenedMessageFromUpdate(other, bot, 0)?.mentionsBot).toBe(false);
    const byName = withMessage(textMessageUpdate({ chat: group, from: alice, text: "Talky gm" }), {
      entities: [
        {
          type: "text_mention",
          offset: 0,
          length: 5,
          user: { id: bot.id, is_bot: true, first_name: "Talky" },
        },
      ],
    });
    expect(listenedMessageFromUpdate(byName, bot, 0)).toMatchObject({ mentionsBot: true, text: "gm" });
  });

  it("GIVEN malformed mention entities THEN the message is still read and none of them counts", () => {
    const malformed = [
      { type: "text_mention", offset: 0, length: 5 },
      { type: "text_mention", offset: 0, length: 5, user: null },
      { type: "text_mention", offset: 0, length: 5, user: "Talky" },
      { type: "text_mention", offset: 0, length: 5, user: { id: String(bot.id) } },
      { type: "text_mention", offset: "0", length: 5, user: { id: bot.id } },
      { type: "mention", offset: 1.5, length: 15 },
      { type: "mention", offset: -1, length: 15 },
      { type: "mention", offset: 0 },
      { type: "mention", offset: 0, length: 9_999 },
    ];
    for (const entity of malformed) {
      const update = withMessage(textMessageUpdate({ chat: group, from: alice, text: "Talky gm" }), {
        entities: [entity as never],
      });
      expect(listenedMessageFromUpdate(update, bot, 0), JSON.stringify(entity)).toMatchObject({
        mentionsBot: false,
        text: "Talky gm",
      });
    }
  });

  it("GIVEN a topic id that is no integer THEN the message is not read (an answer could not be sent to it)", () => {
    const update = withMessage(textMessageUpdate({ chat: group, from: alice, text: "hi" }), {
      is_topic_message: true,
      message_thread_id: 1.5,
    });
    expect(listenedMessageFromUpdate(update, bot, 0)).toBeUndefined();
  });

  it("GIVEN a reply to the bot's message THEN it replies to the bot", () => {
    const update = withMessage(textMessageUpdate({ chat: group, from: alice, text: "lol" }), {
      reply_to_message: {
        message_id: 9,
        date: 0,
        chat: group,
        from: { id: bot.id, is_bot: true, first_name: "Talky" },
        text: "gm",
      } as never,
    });
    expect(listenedMessageFromUpdate(update, bot, 0)?.repliesToBot).toBe(true);
  });

  it("GIVEN a message in a forum topic the bot created THEN the topic's opening notice is no reply to the bot", () => {
    const topicCreated = {
      message_id: 77,
      date: 0,
      chat: group,
      from: { id: bot.id, is_bot: true, first_name: "Talky" },
      message_thread_id: 77,
      forum_topic_created: { name: "memes", icon_color: 7322096 },
    };
    const inTopic = withMessage(textMessageUpdate({ chat: group, from: alice, text: "lol" }), {
      is_topic_message: true,
      message_thread_id: 77,
      reply_to_message: topicCreated as never,
    });
    expect(listenedMessageFromUpdate(inTopic, bot, 0)).toMatchObject({
      repliesToBot: false,
      threadKey: `telegram:${group.id}:77`,
    });
    // Some clients leave forum_topic_created out of the nested message; its id is still the thread's.
    const { forum_topic_created: _created, ...withoutNotice } = topicCreated;
    const bareNotice = withMessage(textMessageUpdate({ chat: group, from: alice, text: "lol" }), {
      is_topic_message: true,
      message_thread_id: 77,
      reply_to_message: withoutNotice as never,
    });
    expect(listenedMessageFromUpdate(bareNotice, bot, 0)?.repliesToBot).toBe(false);
    // A real reply to the bot inside the topic still is one.
    const realReply = withMessage(textMessageUpdate({ chat: group, from: alice, text: "lol" }), {
      is_topic_message: true,
      message_thread_id: 77,
      reply_to_message: { ...withoutNotice, message_id: 80, text: "gm" } as never,
    });
    expect(listenedMessageFromUpdate(realReply, bot, 0)?.repliesToBot).toBe(true);
    // In a plain supergroup a reply's thread id is the message it answers: still a reply to the bot.
    const plainGroupReply = withMessage(textMessageUpdate({ chat: group, from: alice, text: "lol" }), {
      message_thread_id: 81,
      reply_to_message: { ...withoutNotice, message_id: 81, text: "gm" } as never,
    });
    expect(listenedMessageFromUpdate(plainGroupReply, bot, 0)?.repliesToBot).toBe(true);
  });

  it("GIVEN a forum topic THEN the topic is a thread of its own and the answer goes there", () => {
    const update = withMessage(textMessageUpdate({ chat: group, from: alice, text: "hi" }), {
      is_topic_message: true,
      message_thread_id: 77,
    });
    expect(listenedMessageFromUpdate(update, bot, 0)).toMatchObject({
      threadKey: `telegram:${group.id}:77`,
      replyTo: { messageThreadId: 77 },
    });
  });

  it("GIVEN a private chat THEN it is private; GIVEN a bot author THEN it is marked a bot", () => {
    expect(
      listenedMessageFromUpdate(
        textMessageUpdate({ chat: { id: alice.id, type: "private" }, from: alice, text: "hey" }),
        bot,
        0,
      ),
    ).toMatchObject({
      isPrivate: true,
      community: { kind: "private" },
    });
    const fromBot = textMessageUpdate({
      chat: group,
      from: { id: 99, username: "other_bot", is_bot: true },
      text: "hey",
    });
    expect(listenedMessageFromUpdate(fromBot, bot, 0)?.author.isBot).toBe(true);
  });

  it("GIVEN an anonymous admin THEN a person (the group) wrote it; GIVEN a channel's automatic forward THEN it is no member's", () => {
    const anonymous = withMessage(
      textMessageUpdate({
        chat: group,
        from: { id: 1087968824, username: "GroupAnonymousBot", is_bot: true },
        text: "hi",
      }),
      { sender_chat: { id: group.id, type: "supergroup", title: "Degens" } as never },
    );
    expect(listenedMessageFromUpdate(anonymous, bot, 0)?.author).toEqual({
      externalId: `chat:${group.id}`,
      isBot: false,
    });
    const forward = withMessage(
      textMessageUpdate({ chat: group, from: { id: 777000, first_name: "Telegram" }, text: "new post" }),
      {
        is_automatic_forward: true,
      },
    );
    expect(listenedMessageFromUpdate(forward, bot, 0)?.origin).toBe("system");
  });

  it("GIVEN a member writing as any chat THEN the listener's author is the command path's actor", () => {
    const otherGroup = { id: -1009876543210, type: "supergroup" as const, title: "Elsewhere" };
    for (const senderChat of [
      { id: group.id, type: "supergroup", title: "Degens" },
      { id: -1005555555555, type: "channel", title: "Alice's channel" },
      otherGroup,
    ]) {
      const writing = (text: string) =>
        withMessage(
          textMessageUpdate({
            chat: group,
            from: { id: 136817688, username: "Channel_Bot", is_bot: true },
            text,
          }),
          { sender_chat: senderChat as never },
        );
      const listened = listenedMessageFromUpdate(writing("gm"), bot, 0);
      const invoked = invocationFromUpdate(writing("/meme moon"), bot, 0, async () => false);
      expect(listened?.author).toEqual({ externalId: `chat:${senderChat.id}`, isBot: false });
      expect(invoked?.actor.externalId).toBe(listened?.author.externalId);
    }
  });

  it("GIVEN a command, ours or another bot's, THEN it is the dispatcher's, not the listener's", () => {
    for (const text of ["/meme moon", "/meme@other_bot moon"]) {
      expect(
        listenedMessageFromUpdate(textMessageUpdate({ chat: group, from: alice, text }), bot, 0),
      ).toBeUndefined();
    }
  });
});
