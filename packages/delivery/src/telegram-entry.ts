// `@memebot/delivery/telegram`: the Telegram sender alone, for the bot process, which answers
// Telegram itself and should not load the Discord REST client that the package index brings.
export { DeliveryError, type DeliveryFailureReason } from "./errors.ts";
export type { RetryOptions } from "./retry.ts";
export {
  createTelegramSender,
  type SendTelegram,
  type TelegramSenderOptions,
  type TelegramTarget,
} from "./telegram.ts";
export {
  createTelegramGroupAccess,
  isInGroup,
  type TelegramGroupAccessOptions,
} from "./telegram-group-access.ts";
export { buttonData, parseButtonData, MAX_TELEGRAM_BUTTON_DATA_BYTES } from "./buttons.ts";
