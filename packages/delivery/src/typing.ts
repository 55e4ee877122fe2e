// "typing…" while the model works on a conversation answer, "sending a photo…" while a picture
// renders. Telegram shows a chat action for about 5 seconds and Discord's indicator lasts about
// 10, so each is sent again on an interval until the answer is ready. It is cosmetic: a failure is reported to `onError` and never fails
// the answer.
import { Telegram } from "telegraf";
import type { ChatAction, ReplyTarget, ShowChatAction } from "@memebot/core";
import { DEFAULT_SEND_TIMEOUT_MS } from "./defaults.ts";
import type { DiscordChannelClient } from "./discord-channel.ts";
import { chatIdOf } from "./telegram.ts";

export interface TypingIndicatorOptions {
  telegram?: { token: string; apiRoot: string };
  /** Needs the bot token: only channel targets (conversation) show typing on Discord. */
  discord?: Pick<DiscordChannelClient, "typing">;
  /** How often the action is sent again: Telegram every 4 s, Discord every 8 s by default. */
  intervalMs?: { telegram?: number; discord?: number };
  /** Upper bound of one request. */
  timeoutMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * `(target, action = "typing") => stop`. Telegram shows the action asked for ("upload_photo": "sending
 * a photo…"); Discord has only typing, and only in channels: an interaction's deferred reply already
 * shows "thinking…". Usable wherever core takes a StartTyping (the action is optional).
 */
export function createTypingIndicator(options: TypingIndicatorOptions): ShowChatAction {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const telegram =
    options.telegram && new Telegram(options.telegram.token, { apiRoot: options.telegram.apiRoot });
  const discord = options.discord;
  const onError = options.onError ?? (() => undefined);

  /** The call that shows typing at `target` once, or undefined when its platform shows none here. */
  function actionFor(
    target: ReplyTarget,
    chatAction: ChatAction,
  ): { send: () => Promise<unknown>; everyMs: number } | undefined {
    if (target.platform === "telegram" && telegram) {
      const payload = {
        chat_id: chatIdOf(target.chatId),
        action: chatAction,
        ...(target.messageThreadId === undefined ? {} : { message_thread_id: target.messageThreadId }),
      };
      return {
        // callApi, as the sender does: only it takes a signal.
        send: () =>
          telegram.callApi(
            "sendChatAction",
            payload as never,
            { signal: AbortSignal.timeout(timeoutMs) } as never,
          ),
        everyMs: options.intervalMs?.telegram ?? 4_000,
      };
    }
    if (target.platform === "discord" && !("interactionToken" in target) && discord) {
      return { send: () => discord.typing(target.channelId), everyMs: options.intervalMs?.discord ?? 8_000 };
    }
    return undefined;
  }

  return (target, chatAction = "typing") => {
    const action = actionFor(target, chatAction);
    if (!action) return () => undefined;
    let stopped = false;
    const show = () => {
      if (!stopped) action.send().catch(onError);
    };
    show();
    const timer = setInterval(show, action.everyMs);
    timer.unref();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  };
}
