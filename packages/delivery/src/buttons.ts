// Reply buttons as each platform carries them. A button holds `"<command> <args>"`, which the bot
// reads back when it is pressed (apps/bot's Telegram callback_query and Discord component
// handlers) and runs as a command of the member who pressed it.
import { MAX_BUTTON_DATA_BYTES, type Platform, type ReplyButton } from "@memebot/core";
import { DeliveryError } from "./errors.ts";

/** Telegram refuses callback_data longer than 64 bytes (BUTTON_DATA_INVALID); core keeps buttons within it. */
export const MAX_TELEGRAM_BUTTON_DATA_BYTES = MAX_BUTTON_DATA_BYTES;
/** Discord refuses a custom_id longer than 100 characters. */
export const MAX_DISCORD_CUSTOM_ID = 100;
/** Discord's limit for a button's label. */
const MAX_DISCORD_LABEL = 80;
/** Discord allows five buttons in one action row. */
const DISCORD_ROW_SIZE = 5;

const COMMAND_NAME = /^[a-z0-9_]{1,32}$/;

/** What a button carries: "meme again abc", or just "help" without args. */
export function buttonData(button: ReplyButton): string {
  const args = button.args.trim();
  return args === "" ? button.command : `${button.command} ${args}`;
}

/**
 * The command a pressed button's data names, or undefined when it is not ours (a command name as
 * Telegram allows them, then the arguments). Whether that command exists is for the caller to ask.
 */
export function parseButtonData(data: string): { command: string; args: string } | undefined {
  const match = /^([a-z0-9_]{1,32})(?: (.*))?$/s.exec(data);
  if (!match) return undefined;
  return { command: match[1] as string, args: (match[2] ?? "").trim() };
}

/**
 * A button the platform would refuse is our bug, not a passing failure: it fails the send loudly
 * and for good (no retry can shorten it), naming the button but not the whole answer.
 */
function refuse(platform: Platform, detail: string): DeliveryError {
  return new DeliveryError(`Reply button not sent: ${detail}`, {
    platform,
    reason: "rejected",
    retryable: false,
  });
}

function checkedData(platform: Platform, button: ReplyButton, max: number, length: number): string {
  if (!COMMAND_NAME.test(button.command)) {
    throw refuse(platform, `"${button.command}" is not a command name`);
  }
  const data = buttonData(button);
  if (length > max) {
    throw refuse(platform, `"${data.slice(0, 40)}…" is longer than ${platform}'s ${max}`);
  }
  return data;
}

/** Telegram's reply_markup for the buttons, one per row, or undefined without buttons. */
export function telegramKeyboard(buttons: readonly ReplyButton[] | undefined) {
  if (!buttons || buttons.length === 0) return undefined;
  return {
    inline_keyboard: buttons.map((button) => [
      {
        text: button.label,
        callback_data: checkedData(
          "telegram",
          button,
          MAX_TELEGRAM_BUTTON_DATA_BYTES,
          Buffer.byteLength(buttonData(button), "utf8"),
        ),
      },
    ]),
  };
}

/** Discord's message components for the buttons (action rows of secondary buttons), or undefined. */
export function discordComponents(buttons: readonly ReplyButton[] | undefined) {
  if (!buttons || buttons.length === 0) return undefined;
  const rows: { type: 1; components: { type: 2; style: 2; label: string; custom_id: string }[] }[] = [];
  for (const [index, button] of buttons.entries()) {
    if (index % DISCORD_ROW_SIZE === 0) rows.push({ type: 1, components: [] });
    const label =
      button.label.length <= MAX_DISCORD_LABEL ? button.label : button.label.slice(0, MAX_DISCORD_LABEL);
    rows.at(-1)?.components.push({
      // ComponentType.Button, ButtonStyle.Secondary.
      type: 2,
      style: 2,
      label,
      custom_id: checkedData("discord", button, MAX_DISCORD_CUSTOM_ID, buttonData(button).length),
    });
  }
  return rows;
}

/** The console's hint under an answer: the command a user types to do what the button does. */
export const consoleButtonHint = (button: ReplyButton) => `[${button.label}] → /${buttonData(button)}`;
