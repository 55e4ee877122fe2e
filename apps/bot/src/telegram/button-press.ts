// A press of one of our reply buttons (a callback_query update), made a CommandInvocation: the
// button's callback_data names the command ("meme again abc"), the member who pressed runs it, and
// the answer replies to the message that carried the button. Pure: no network, no clock; the
// adapter answers the callback query and asks the registry whether the command exists.
import type { AdminCheck } from "@memebot/core";
import { parseButtonData } from "@memebot/delivery/telegram";
import type { Update, User } from "telegraf/types";
import { isObject, type BotIdentity, type TelegramReplyTarget } from "./origin.ts";
import type { TelegramInvocation } from "./invocation.ts";

export interface ButtonPress {
  /** Answered at once whatever follows, so the client stops its spinner. */
  queryId: string;
  /** Who pressed (their app's language picks the words of an error). */
  from: User;
  /** Undefined when the press names nothing we run (not our data, or an inline message's button). */
  pressed?: { command: string; args: string };
  /** Where the button was: the chat that becomes the community, and the message the answer replies to. */
  chat?: { id: number; type: string; title?: string; isPrivate: boolean; target: TelegramReplyTarget };
}

const displayNameOf = (user: User) =>
  [user.first_name, user.last_name].filter(Boolean).join(" ") || undefined;

/** The press in an update, read defensively (nothing in it was checked), or undefined for any other update. */
export function buttonPressOf(update: Update): ButtonPress | undefined {
  const query: unknown = isObject(update) && "callback_query" in update ? update.callback_query : undefined;
  if (!isObject(query) || typeof query.id !== "string" || query.id === "") return undefined;
  const from = query.from;
  if (!isObject(from) || !Number.isSafeInteger(from.id)) return undefined;
  const user = from as unknown as User;
  const press: ButtonPress = { queryId: query.id, from: user };
  const pressed = typeof query.data === "string" ? parseButtonData(query.data) : undefined;
  if (pressed) press.pressed = pressed;
  // Only a message the bot sent in a chat carries our buttons; an inline message has no chat for us.
  const message = query.message;
  const chat = isObject(message) ? message.chat : undefined;
  if (!isObject(message) || !Number.isSafeInteger(message.message_id) || !isObject(chat)) return press;
  if (!Number.isSafeInteger(chat.id) || typeof chat.type !== "string" || chat.type === "channel")
    return press;
  const chatId = chat.id as number;
  // Only forum topics take a thread id on send; a reply thread in a plain group would be refused.
  const topicId =
    message.is_topic_message === true && Number.isSafeInteger(message.message_thread_id)
      ? (message.message_thread_id as number)
      : undefined;
  const title =
    typeof chat.title === "string"
      ? chat.title
      : [chat.first_name, chat.last_name].filter((part) => typeof part === "string" && part).join(" ") ||
        undefined;
  press.chat = {
    id: chatId,
    type: chat.type,
    ...(title ? { title } : {}),
    // As for messages: a private chat is the presser's own only when its id is theirs.
    isPrivate: chat.type === "private" && chatId === user.id,
    target: {
      platform: "telegram",
      chatId: String(chatId),
      replyToMessageId: message.message_id as number,
      ...(topicId !== undefined ? { messageThreadId: topicId } : {}),
    },
  };
  return press;
}

/**
 * The invocation for a press whose data names a command, or undefined (the adapter stays quiet).
 * Keyed by the callback query's id: Telegram redelivers an update with the same query, so a press
 * runs once however often it arrives, while each new press is a query (and a run) of its own.
 */
export function invocationFromPress(
  press: ButtonPress,
  bot: BotIdentity,
  receivedAt: number,
  isAdmin: AdminCheck,
): TelegramInvocation | undefined {
  const { pressed, chat, from } = press;
  if (!pressed || !chat) return undefined;
  const displayName = displayNameOf(from);
  return {
    key: `telegram:${bot.id}:press:${press.queryId}`,
    platform: "telegram",
    community: {
      platform: "telegram",
      externalId: String(chat.id),
      ...(chat.title ? { title: chat.title } : {}),
      kind: chat.isPrivate ? "private" : "group",
    },
    actor: {
      platform: "telegram",
      externalId: String(from.id),
      ...(typeof from.username === "string" ? { username: from.username } : {}),
      ...(displayName ? { displayName } : {}),
    },
    name: pressed.command,
    args: { kind: "text", text: pressed.args },
    // Our own button, on our own message.
    addressed: true,
    target: chat.target,
    receivedAt,
    isAdmin,
  };
}
