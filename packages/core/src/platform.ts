// Platform-neutral shapes. Adapters translate Telegram updates and Discord
// interactions into these; nothing below the adapters knows either library.
import { z } from "zod";

export const platformSchema = z.enum(["telegram", "discord", "console"]);
export type Platform = z.infer<typeof platformSchema>;

export const communityRefSchema = z.object({
  platform: platformSchema,
  /** Telegram chat id, Discord guild id (or DM channel id), or the console session's community. */
  externalId: z.string().min(1),
  title: z.string().optional(),
  kind: z.enum(["private", "group"]),
});
export type CommunityRef = z.infer<typeof communityRefSchema>;

export const actorSchema = z.object({
  platform: platformSchema,
  externalId: z.string().min(1),
  username: z.string().optional(),
  displayName: z.string().optional(),
});
export type Actor = z.infer<typeof actorSchema>;

/**
 * Where an answer goes. Serialisable: it travels inside job payloads to the worker. A plain union,
 * not a discriminated one: Discord has two kinds of target (tell them apart with
 * `"interactionToken" in target`).
 */
export const replyTargetSchema = z.union([
  z.object({
    platform: z.literal("telegram"),
    chatId: z.string(),
    replyToMessageId: z.number().int().optional(),
    messageThreadId: z.number().int().optional(),
  }),
  z.object({
    platform: z.literal("discord"),
    applicationId: z.string(),
    /** Interaction tokens are valid for 15 minutes; the worker edits the deferred reply with it. */
    interactionToken: z.string(),
    /** The channel the command was used in: where later posts (alerts, digests) go, with the bot token. */
    channelId: z
      .string()
      .regex(/^\d{1,20}$/)
      .optional(),
  }),
  /** A message in a channel (or DM), answered as a reply with the bot token (conversation). */
  z.object({
    platform: z.literal("discord"),
    channelId: z.string().regex(/^\d{1,20}$/),
    replyToMessageId: z
      .string()
      .regex(/^\d{1,20}$/)
      .optional(),
  }),
  z.object({ platform: z.literal("console"), sessionId: z.string() }),
]);
export type ReplyTarget = z.infer<typeof replyTargetSchema>;
export type DiscordInteractionTarget = Extract<ReplyTarget, { interactionToken: string }>;
export type DiscordChannelTarget = Exclude<
  Extract<ReplyTarget, { platform: "discord" }>,
  DiscordInteractionTarget
>;

/**
 * Where the bot may post later, unprompted, in the chat a command came from (alerts, digests): the
 * chat (and Telegram topic) itself rather than a reply to the command, and on Discord the channel
 * rather than the interaction, whose token dies after 15 minutes. Undefined when the platform did not
 * say which channel (a Discord interaction without its channel).
 */
export function channelTargetOf(target: ReplyTarget): ReplyTarget | undefined {
  switch (target.platform) {
    case "telegram":
      return {
        platform: "telegram",
        chatId: target.chatId,
        ...(target.messageThreadId !== undefined ? { messageThreadId: target.messageThreadId } : {}),
      };
    case "discord":
      return target.channelId ? { platform: "discord", channelId: target.channelId } : undefined;
    case "console":
      return { platform: "console", sessionId: target.sessionId };
  }
}

/**
 * A file that came with a command (a Telegram document or photo, a Discord attachment option), by
 * reference only: serialisable, so it can travel in a job payload, and fetched when a command or
 * job needs its bytes (see @memebot/delivery's attachment fetcher). Names and sizes are what the
 * platform says, unchecked until the bytes arrive.
 */
export const attachmentRefSchema = z.discriminatedUnion("platform", [
  z.object({
    platform: z.literal("telegram"),
    /** Telegram's file_id; getFile turns it into a download path. */
    fileId: z.string().min(1),
    name: z.string().optional(),
    size: z.number().int().nonnegative().optional(),
    mimeType: z.string().optional(),
  }),
  z.object({
    platform: z.literal("discord"),
    /** The attachment's CDN URL, as Discord resolved it in the interaction. */
    url: z.url(),
    name: z.string().optional(),
    size: z.number().int().nonnegative().optional(),
    mimeType: z.string().optional(),
  }),
]);
export type AttachmentRef = z.infer<typeof attachmentRefSchema>;

/** A picture sent with an answer, as bytes: it travels from the worker that made it, never by a path. */
export interface OutgoingPicture {
  bytes: Uint8Array;
  mimeType: "image/jpeg" | "image/webp" | "image/png";
  /** The name the platform shows (Discord) or the console saves it under; no folders. */
  fileName: string;
}

/**
 * A button under an answer: pressing it runs `/<command> <args>` as the member who pressed it,
 * through the dispatcher like a typed command (so cooldowns, permissions and idempotency apply).
 * Platforms carry `"<command> <args>"` in the button (Telegram's callback_data: 64 bytes at most,
 * Discord's custom_id: 100 characters), so keep args short: a run key, not a topic.
 */
/** What a button may carry, `"<command> <args>"`, on every platform: Telegram's callback_data limit. */
export const MAX_BUTTON_DATA_BYTES = 64;

export interface ReplyButton {
  label: string;
  /** A registered command's name, lower case, without the slash. */
  command: string;
  args: string;
}

export interface OutgoingMessage {
  /** The answer; with a picture, its caption (a text too long for a caption follows as messages of its own). */
  text: string;
  picture?: OutgoingPicture;
  /** Shown under the answer (under the picture when there is one); pressed, each runs its command. */
  buttons?: readonly ReplyButton[];
  /**
   * The key of the command or message this answers (a run key or a listened message's key). The
   * console uses it to know which answers are still to come; chat platforms ignore it.
   */
  answers?: string;
  /** More parts of the same answer follow (an answer split to the platform's length limit). */
  partial?: boolean;
}

export interface AdminCheckOptions {
  /**
   * Ask the platform now rather than trust a recent answer an adapter may keep: for decisions that
   * change something, so an admin demoted a moment ago cannot. Reading may use the kept answer.
   */
  fresh?: boolean;
}

/** What a chat shows while an answer is being made: "typing…", or "sending a photo…" while a picture renders. */
export type ChatAction = "typing" | "upload_photo";

/**
 * Shows `action` ("typing" unless said) at the target, again and again, until the returned function
 * is called. Platforms without that action show what they have (Discord: typing).
 */
export type ShowChatAction = (target: ReplyTarget, action?: ChatAction) => () => void;

/** The platform's own notion of "may manage this community", asked lazily. */
export type AdminCheck = (options?: AdminCheckOptions) => Promise<boolean>;
