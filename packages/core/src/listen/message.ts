// A message the platform showed the bot that is not a command: group chatter, a mention, a reply,
// a private message. Adapters make it platform-neutral; the listener pipeline decides who hears it.
import type { CommunityRef, Platform, ReplyTarget } from "../platform.ts";

/** How the message came to be: a person (or bot account) wrote it, a webhook posted it, or the platform did. */
export type MessageOrigin = "user" | "webhook" | "system";

export interface ListenedMessage {
  /**
   * The platform's id for it (`telegram:<bot id>:<update id>`, `discord:<message id>`,
   * `console:<session>:<line>`): a redelivered update has the same key, so it is recognised.
   */
  key: string;
  platform: Platform;
  community: CommunityRef;
  /**
   * Where the conversation happens: a chat, a channel (a Discord thread is a channel of its own),
   * or a Telegram forum topic, e.g. "telegram:-100123:7". History is kept per thread.
   */
  threadKey: string;
  author: {
    /** The platform's id of the author; for a Telegram member posting as a chat, `chat:<id>`. */
    externalId: string;
    /** Bot accounts, ourselves included: never answered, so two bots cannot talk in a loop. */
    isBot: boolean;
  };
  origin: MessageOrigin;
  /** The text as written, with the mention that addressed us removed. */
  text: string;
  /** A one-to-one chat with the bot (a Telegram private chat, a Discord DM, the console). */
  isPrivate: boolean;
  /** The message names the bot (@username, a Discord user mention of the bot). */
  mentionsBot: boolean;
  /** The message answers one of the bot's own messages. */
  repliesToBot: boolean;
  /** Where an answer goes: a reply to this very message. */
  replyTo: ReplyTarget;
  /** Milliseconds since the epoch when the update reached us. */
  receivedAt: number;
}
