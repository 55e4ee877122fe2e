export { DeliveryError, type DeliveryFailureReason } from "./errors.ts";
export {
  createAttachmentFetcher,
  DEFAULT_ATTACHMENT_TIMEOUT_MS,
  DISCORD_ATTACHMENT_HOSTS,
  type AttachmentFetcherOptions,
} from "./attachments.ts";
export {
  createPlatformSender,
  DEFAULT_SEND_TIMEOUT_MS,
  type PlatformSender,
  type PlatformSenderOptions,
  type SendMessage,
} from "./sender.ts";
export { createDeliverOnce, deliveryKeyOf, type DeliverOnceOptions } from "./deliver-once.ts";
export {
  consoleChannelOf,
  publishConsoleReply,
  subscribeConsoleReplies,
  type ConsoleSubscription,
  type ConsoleSubscriptionOptions,
} from "./console-channel.ts";
export {
  createDiscordChannelClient,
  type DiscordChannelClient,
  type DiscordChannelClientOptions,
} from "./discord-channel.ts";
export { createTypingIndicator, type TypingIndicatorOptions } from "./typing.ts";
export { createDiscordRoleAccess, type DiscordRoleAccessOptions } from "./discord-roles.ts";
export {
  createTelegramGroupAccess,
  isInGroup,
  type TelegramGroupAccessOptions,
} from "./telegram-group-access.ts";
export {
  buttonData,
  consoleButtonHint,
  discordComponents,
  MAX_DISCORD_CUSTOM_ID,
  MAX_TELEGRAM_BUTTON_DATA_BYTES,
  parseButtonData,
} from "./buttons.ts";
