// `@memebot/delivery/telegram`: the Telegram sender alone, for the bot process, which answers
// Telegram itself and should not load the Discord REST client that the package index brings.
export { DEFAULT_SEND_TIMEOUT_MS } from "./defaults.ts";
export { DeliveryError, type DeliveryFailureReason } from "./errors.ts";
export { retryDelayMs, withRetry, type RetryOptions } from "./retry.ts";
export {
  createTelegramSender,
  splitText,
  type SendTelegram,
  type TelegramSenderOptions,
  type TelegramTarget,
} from "./telegram.ts";
