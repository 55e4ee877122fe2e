// A Telegram text message that is not a command, made platform-neutral for the listener
// pipeline (conversation today). Pure: no network, no clock.
//
// In groups with privacy mode on (BotFather's default), Telegram sends the bot only the messages
// that mention it (@username), reply to one of its messages, or are commands: exactly what
// conversation needs. Listening to all group chatter (sentiment) needs privacy mode off
// (BotFather: /setprivacy → Disable) or the bot made a group admin.
import type { ListenedMessage } from "@memebot/core";
import type { Message, MessageEntity, Update } from "telegraf/types";
import { commandOf, messageOf } from "./invocation.ts";
import { isObject, originOf, repliedToMessageOf, type BotIdentity } from "./origin.ts";

/**
 * Whether an entity's span lies inside `text`. Telegram's own always does; a malformed one (a forged
 * webhook body) could otherwise cut the text at a random place or make it unreadable.
 */
const isSpanWithin = (text: string, entity: MessageEntity) =>
  Number.isSafeInteger(entity.offset) &&
  Number.isSafeInteger(entity.length) &&
  entity.offset >= 0 &&
  entity.length > 0 &&
  entity.offset + entity.length <= text.length;

/** The spans of `text` that name us: an @username mention, or a text_mention of our id. */
function mentionsOfBot(text: string, entities: readonly MessageEntity[], bot: BotIdentity) {
  const ours = `@${bot.username}`.toLowerCase();
  return entities.filter((entity) => {
    if (!isSpanWithin(text, entity)) return false;
    if (entity.type === "mention") {
      return text.slice(entity.offset, entity.offset + entity.length).toLowerCase() === ours;
    }
    // Read defensively: a text_mention without its user must not lose the whole update.
    const user: unknown = entity.type === "text_mention" ? entity.user : undefined;
    return isObject(user) && user.id === bot.id;
  });
}

/** The text without the mentions that addressed us ("@memebot gm" is "gm" to the model). */
function withoutSpans(text: string, spans: readonly MessageEntity[]): string {
  let result = text;
  // Right to left, so earlier offsets stay valid.
  for (const span of [...spans].sort((a, b) => b.offset - a.offset)) {
    result = `${result.slice(0, span.offset)} ${result.slice(span.offset + span.length)}`;
  }
  return result.replace(/[ \t]+/g, " ").trim();
}

/** Whether the message answers one of ours (a forum topic's opening notice is no answer). */
function repliesToBot(message: Message, bot: BotIdentity): boolean {
  const repliedTo = repliedToMessageOf(message);
  return isObject(repliedTo?.from) && repliedTo.from.id === bot.id;
}

/**
 * The listened message for an update, or undefined when it is none: commands (the dispatcher's),
 * edits, non-text messages, channel posts. Bot authors come back marked as such; the pipeline
 * drops them.
 */
export function listenedMessageFromUpdate(
  update: Update,
  bot: BotIdentity,
  receivedAt: number,
): ListenedMessage | undefined {
  const message = messageOf(update);
  const from = message?.from;
  if (!message || !from || message.chat.type === "channel" || !("text" in message)) return undefined;
  // Any command, ours or another bot's, belongs to the command path.
  if (commandOf(message)) return undefined;

  const text = message.text;
  const ourMentions = mentionsOfBot(text, message.entities ?? [], bot);
  const common = originOf(update, message, from, bot);
  return {
    // The same key a command in this update would have.
    key: common.key,
    platform: "telegram",
    community: common.community,
    threadKey:
      common.topicId === undefined
        ? `telegram:${common.chatId}`
        : `telegram:${common.chatId}:${common.topicId}`,
    author: { externalId: common.actor.externalId, isBot: common.actorIsBot },
    // A channel's post forwarded into its discussion group is the channel speaking, not a member.
    origin: message.is_automatic_forward ? "system" : "user",
    text: withoutSpans(text, ourMentions),
    isPrivate: common.isPrivate,
    mentionsBot: ourMentions.length > 0,
    repliesToBot: repliesToBot(message, bot),
    replyTo: common.target,
    receivedAt,
  };
}
