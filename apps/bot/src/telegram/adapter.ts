// The Telegram adapter: telegraf receives updates (long polling, or a webhook
// behind any number of replicas), each command (or press of a reply button) becomes one
// CommandInvocation for the core dispatcher, and the result is sent back. All command
// logic lives in core.
import {
  DEFAULT_LANGUAGE,
  immediateAnswersOf,
  languagePacks,
  translate,
  type CommandRegistry,
  type Dispatch,
  type DispatchResult,
  type JoinRequest,
  type Language,
  type ListenedMessage,
  type ListenReport,
} from "@memebot/core";
import { createTelegramSender, DeliveryError, type RetryOptions } from "@memebot/delivery/telegram";
import { whenAborted } from "@memebot/telemetry";
import type { WebRoutes } from "@memebot/web";
import { Telegraf } from "telegraf";
import type { Update } from "telegraf/types";
import { createAdminChecker } from "./admin-check.ts";
import { buttonPressOf, invocationFromPress, type ButtonPress } from "./button-press.ts";
import {
  invocationFromUpdate,
  isAnonymousGroupAdmin,
  isPrivateChat,
  messageOf,
  type BotIdentity,
  type TelegramInvocation,
} from "./invocation.ts";
import { listenedMessageFromUpdate } from "./listen.ts";
import { joinRequestOf, membershipOf, type MembershipChange } from "./membership.ts";
import { telegramWebhookRoutes } from "./webhook.ts";

export interface TelegramAdapterLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** What happened to one update, for metrics and benchmarks; reported once its answer is out. */
export interface TelegramIntakeSample {
  updateId: number;
  /** Undefined when the update was skipped before dispatch (edits, group chatter, other bots' commands). */
  key?: string;
  command: string | null;
  /**
   * "listened": a message that is not a command, handed to the listener pipeline. "membership": a
   * join request handed to token gates, or a member's coming or going recorded.
   */
  result: DispatchResult["kind"] | "skipped" | "failed" | "listened" | "membership";
  receivedAt: number;
  /** From intake until the answer was sent (or the job enqueued, or the update skipped). */
  durationMs: number;
}

export interface TelegramAdapterOptions {
  token: string;
  /** Bot API root, e.g. "https://api.telegram.org" (keep a trailing slash if it has a path). */
  apiRoot: string;
  dispatch: Dispatch;
  /**
   * Takes the text messages that are not commands (private chats, and what groups show the bot);
   * without it they go to the dispatcher as before ("I answer commands" in private chats).
   */
  listen?: (message: ListenedMessage) => Promise<ListenReport>;
  registry: CommandRegistry;
  logger: TelegramAdapterLogger;
  /** Receive updates by webhook at this URL (checked against the secret) instead of long polling. */
  webhook?: {
    url: string;
    secret: string;
    /** Larger request bodies get 413 unread; 64 KB by default, far above any update Telegram sends. */
    maxBodyBytes?: number;
  };
  /** How long a getChatMember answer counts. */
  adminCacheTtlMs?: number;
  onIntake?: (sample: TelegramIntakeSample) => void;
  /**
   * Token-gated groups: a person asked to join a group through a link that creates join requests
   * (chat_join_request). Resolves once the request is handed on; a redelivered update comes again.
   */
  onJoinRequest?: (request: JoinRequest) => Promise<void>;
  /** Token-gated groups: a person left the group (or was removed), or is in it again (chat_member). */
  onMembership?: (change: MembershipChange) => Promise<void>;
  /** Retry policy for answers (flood waits, 5xx): 3 tries by default, waiting out flood limits up to 10 s. */
  send?: Partial<RetryOptions>;
  /** Answers being sent at most; intake waits beyond this. */
  maxPendingAnswers?: number;
  /** How long stop() waits in all for polling to end, updates being handled and answers being sent. */
  drainTimeoutMs?: number;
  now?: () => number;
}

export interface TelegramAdapter {
  bot: Telegraf;
  start(): Promise<void>;
  /** Waits up to drainTimeoutMs for work in hand, less when `signal` (the process's shutdown budget) aborts first. */
  stop(reason?: string, signal?: AbortSignal): Promise<void>;
  /** Present in webhook mode: the webhook's route, to mount on the process's web server. */
  webhookRoutes?: WebRoutes;
  /** `{ telegram: true }` while updates can arrive, or a reason why not. */
  health(): Promise<Record<string, true | string>>;
}

/**
 * Only new messages carry commands, and presses of our reply buttons run them; join requests and
 * members' comings and goings serve token-gated groups (chat_member reaches only a bot that asks for
 * it, and only where it is an administrator). Telegram does not even send us the rest.
 */
const ALLOWED_UPDATES: Array<"message" | "callback_query" | "chat_join_request" | "chat_member"> = [
  "message",
  "callback_query",
  "chat_join_request",
  "chat_member",
];

const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 64 * 1024;

// Telegram sends an IETF tag such as "es" or "pt-br"; a language is chosen by its first part.
const languageOfUser = (code: string | undefined): Language => {
  const primary = code?.toLowerCase().split("-")[0];
  return languagePacks.find((pack) => pack.telegramLanguageCode === primary)?.code ?? DEFAULT_LANGUAGE;
};

const waitFor = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/** A blocked or kicked bot cannot answer; that is the user's choice, not our failure. */
const isForbidden = (error: unknown) => error instanceof DeliveryError && error.reason === "forbidden";

export function createTelegramAdapter(options: TelegramAdapterOptions): TelegramAdapter {
  const { dispatch, registry, logger, onIntake } = options;
  const now = options.now ?? Date.now;
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const maxPendingAnswers = options.maxPendingAnswers ?? 1_000;
  // webhookReply false: answers always go through the API, so they are checked and retried alike in both modes.
  const bot = new Telegraf(options.token, { telegram: { apiRoot: options.apiRoot, webhookReply: false } });
  const sendAnswer = createTelegramSender({
    token: options.token,
    apiRoot: options.apiRoot,
    telegram: bot.telegram,
    retry: { attempts: 3, ...options.send },
  });
  const admins = createAdminChecker({
    telegram: bot.telegram,
    ttlMs: options.adminCacheTtlMs ?? 60_000,
    now,
  });

  let identity: BotIdentity | undefined;
  let polling: Promise<void> | undefined;
  let pollingFailure: string | undefined;
  let pollingEnded = false;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();

  /**
   * Answers go out off the intake path. Once dispatch returned, the gate has marked the update as seen,
   * so a redelivery would be ignored anyway: holding the next getUpdates (or the webhook's 200) until
   * Telegram accepted our answer would add no safety, only let one slow send stall every chat.
   */
  const answers = new Set<Promise<void>>();
  function answerLater(send: () => Promise<void>) {
    const sending = send().finally(() => answers.delete(sending));
    answers.add(sending);
  }

  async function handle(update: Update, receivedAt: number) {
    if ("chat_join_request" in update || "chat_member" in update) {
      await handleMembership(update, receivedAt);
      return;
    }
    const message = messageOf(update);
    const me = identity;
    const listened = me && options.listen ? listenedMessageFromUpdate(update, me, receivedAt) : undefined;
    if (listened && options.listen) {
      // Awaited like a dispatch: once it returns, the message's job is enqueued (or it was dropped).
      const report = await options
        .listen(listened)
        .catch((error: unknown) =>
          logger.error({ err: error, key: listened.key }, "telegram message could not be listened to"),
        );
      // Said at once, off the intake path: conversation off in a private chat, or an answer that cannot come.
      const language = languageOfUser(message?.from?.language_code);
      const target = listened.replyTo;
      if (report && target.platform === "telegram") {
        for (const text of immediateAnswersOf(report, language)) {
          answerLater(() =>
            sendAnswer(target, { text }).catch((error: unknown) =>
              logger.warn({ err: error, key: listened.key }, "could not send a listened message's notice"),
            ),
          );
        }
      }
      onIntake?.({
        updateId: update.update_id,
        key: listened.key,
        command: null,
        result: "listened",
        receivedAt,
        durationMs: now() - receivedAt,
      });
      return;
    }
    const press = buttonPressOf(update);
    if (press) {
      await handlePress(update, press, receivedAt);
      return;
    }
    const invocation =
      message && me
        ? invocationFromUpdate(update, me, receivedAt, async (options) => {
            if (isPrivateChat(message) || isAnonymousGroupAdmin(message)) return true;
            return message.from ? admins.isAdmin(message.chat.id, message.from.id, options) : false;
          })
        : undefined;
    await run(update, invocation, receivedAt, message?.from?.language_code);
  }

  /**
   * A join request or a member's change of status, for token gates (core decides what they mean).
   * A failure is logged and the update let go: Telegram keeps a join request until it is settled, and
   * the gate's passes find members who came or went unseen.
   */
  async function handleMembership(update: Update, receivedAt: number) {
    const sample = (result: TelegramIntakeSample["result"]) =>
      onIntake?.({
        updateId: update.update_id,
        command: null,
        result,
        receivedAt,
        durationMs: now() - receivedAt,
      });
    const request =
      "chat_join_request" in update
        ? joinRequestOf(update, languageOfUser(update.chat_join_request.from.language_code))
        : undefined;
    const change = membershipOf(update);
    const handOn =
      request && options.onJoinRequest
        ? () => options.onJoinRequest?.(request)
        : change && options.onMembership
          ? () => options.onMembership?.(change)
          : undefined;
    if (!handOn) {
      sample("skipped");
      return;
    }
    try {
      await handOn();
      sample("membership");
    } catch (error) {
      const chatId = (request ?? change)?.community.externalId;
      logger.error(
        { err: error, updateId: update.update_id, chatId },
        request ? "telegram join request could not be handed on" : "telegram membership change not recorded",
      );
      sample("failed");
    }
  }

  /**
   * A reply button pressed. The callback query is answered at once, before anything else, so the
   * member's app stops its spinner; then the command the button names runs as if the member had typed
   * it. A press that names no command of ours is answered and otherwise left alone.
   */
  async function handlePress(update: Update, press: ButtonPress, receivedAt: number) {
    answerLater(() =>
      bot.telegram
        .answerCbQuery(press.queryId)
        .then(() => undefined)
        // A redelivered press's query is answered already (or too old): its run is a duplicate anyway.
        .catch((error: unknown) =>
          logger.warn({ err: error, updateId: update.update_id }, "telegram button press not acknowledged"),
        ),
    );
    const me = identity;
    const { chat, from } = press;
    const known = press.pressed !== undefined && registry.get(press.pressed.command) !== undefined;
    const invocation =
      me && known
        ? invocationFromPress(press, me, receivedAt, async (options) =>
            chat && !chat.isPrivate ? admins.isAdmin(chat.id, from.id, options) : true,
          )
        : undefined;
    await run(update, invocation, receivedAt, from.language_code);
  }

  /** Dispatches an update's invocation (undefined: nothing to do) and sends its answer off the intake path. */
  async function run(
    update: Update,
    invocation: TelegramInvocation | undefined,
    receivedAt: number,
    languageCode: string | undefined,
  ) {
    const sample = (result: TelegramIntakeSample["result"]) =>
      onIntake?.({
        updateId: update.update_id,
        ...(invocation ? { key: invocation.key } : {}),
        command: invocation?.name ?? null,
        result,
        receivedAt,
        durationMs: now() - receivedAt,
      });
    if (!invocation) {
      sample("skipped");
      return;
    }

    const context = {
      key: invocation.key,
      command: invocation.name,
      chatId: invocation.community.externalId,
    };
    let result: DispatchResult;
    try {
      result = await dispatch(invocation);
    } catch (error) {
      logger.error({ err: error, ...context }, "telegram update could not be dispatched");
      const text = translate(languageOfUser(languageCode), "error.internal");
      answerLater(async () => {
        await sendAnswer(invocation.target, { text }).catch((sendError: unknown) =>
          logger.warn({ err: sendError, ...context }, "could not tell the user about the failure"),
        );
        sample("failed");
      });
      return;
    }
    // queued: the worker answers; ignored (duplicate, not addressed, limited): chat platforms stay quiet.
    if (result.kind !== "reply") {
      sample(result.kind);
      return;
    }
    const { message: answer } = result;
    const markDone = () =>
      result
        .complete()
        .catch((error: unknown) => logger.warn({ err: error, ...context }, "update not marked done"));
    answerLater(async () => {
      try {
        await sendAnswer(invocation.target, answer);
        await markDone();
        sample("reply");
      } catch (error) {
        sample("failed");
        if (isForbidden(error)) {
          // The chat refuses us for good: a redelivery could not be answered either.
          await markDone();
          logger.info({ err: error, ...context }, "telegram chat does not accept our answer");
        } else logger.error({ err: error, ...context }, "telegram answer could not be sent");
      }
    });
  }

  // One middleware, no routing: per-update work stays a context object and this call.
  bot.use(async (ctx) => {
    const handling = handle(ctx.update, now());
    inFlight.add(handling);
    try {
      await handling;
    } finally {
      inFlight.delete(handling);
    }
    // Backpressure: when Telegram is slow to take our answers, slow intake down instead of piling them up.
    while (answers.size >= maxPendingAnswers) await Promise.race(answers);
  });
  // Anything that still escapes (e.g. telegraf's handler timeout) is logged; rethrowing would end polling.
  bot.catch((error, ctx) =>
    logger.error({ err: error, updateId: ctx.update.update_id }, "telegram update handler failed"),
  );

  async function registerCommands() {
    for (const pack of languagePacks) {
      const commands = registry.all.map((command) => ({
        command: command.name,
        description: translate(pack.code, command.description),
      }));
      // The default language's menu is everyone's; the others are shown to users whose app speaks them.
      const scope = pack.code === DEFAULT_LANGUAGE ? {} : { language_code: pack.telegramLanguageCode };
      await bot.telegram.setMyCommands(commands, scope);
    }
  }

  const webhook = options.webhook;
  const webhookRoutes = webhook
    ? telegramWebhookRoutes({
        url: webhook.url,
        secret: webhook.secret,
        maxBodyBytes: webhook.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES,
        // Not started yet or shutting down: Telegram retries a failed delivery, so another replica
        // (or this one, once ready) takes the update.
        accepting: () => !stopped && identity !== undefined,
        handleUpdate: (update) => bot.handleUpdate(update),
        logger,
      })
    : undefined;

  async function start() {
    const me = await bot.telegram.getMe();
    identity = { id: me.id, username: me.username };
    // launch() and handleUpdate() would each ask getMe again otherwise.
    bot.botInfo = me;
    await registerCommands().catch((error: unknown) =>
      logger.warn({ err: error }, "telegram command menu not registered; commands still work"),
    );
    if (webhook) {
      // Every replica sets the same URL: harmless, and whichever starts last leaves it right.
      await bot.telegram.setWebhook(webhook.url, {
        secret_token: webhook.secret,
        allowed_updates: ALLOWED_UPDATES,
        drop_pending_updates: false,
      });
      // The origin only: the URL's path may be the hard-to-guess part that keeps strangers off the webhook.
      logger.info(
        { username: me.username, origin: new URL(webhook.url).origin },
        "telegram bot receiving updates by webhook",
      );
      return;
    }
    // launch() resolves only once polling stops, so it is watched, not awaited.
    polling = bot
      .launch({ allowedUpdates: ALLOWED_UPDATES })
      .then(
        () => undefined,
        (error: unknown) => {
          pollingFailure = error instanceof Error ? error.message : String(error);
          if (!stopped) logger.error({ err: error }, "telegram long polling stopped");
        },
      )
      .finally(() => {
        pollingEnded = true;
      });
    logger.info({ username: me.username }, "telegram bot long polling");
  }

  /** Ends long polling, also when stop() comes while launch() is still between getMe and its first poll. */
  async function stopPolling(reason: string, isOver: () => boolean) {
    while (!pollingEnded && !isOver()) {
      try {
        bot.stop(reason);
        return;
      } catch {
        // "Bot is not running!": launch() has not started polling yet.
        await waitFor(10);
      }
    }
  }

  async function stop(reason = "stop", signal?: AbortSignal) {
    if (stopped) return;
    stopped = true;
    // One time limit for the whole drain: the process's shutdown budget must also cover the steps after us.
    let over = false;
    const giveUp = Promise.race([waitFor(drainTimeoutMs), whenAborted(signal)]).then(() => {
      over = true;
    });
    if (polling) {
      // Stops asking for updates; the batch in hand finishes and its offset is confirmed.
      await stopPolling(reason, () => over);
      await Promise.race([polling, giveUp]);
    }
    await Promise.race([Promise.allSettled([...inFlight]), giveUp]);
    await Promise.race([Promise.allSettled([...answers]), giveUp]);
    if (inFlight.size > 0 || answers.size > 0) {
      // Not lost: an update not yet confirmed is delivered again; an answer being sent may still go out.
      logger.warn(
        { updatesInFlight: inFlight.size, answersPending: answers.size },
        "telegram adapter stopped before its work in hand was done",
      );
    }
  }

  async function health(): Promise<Record<string, true | string>> {
    if (!identity) return { telegram: "not started" };
    if (pollingFailure) return { telegram: `long polling stopped: ${pollingFailure}` };
    return { telegram: true };
  }

  return { bot, start, stop, health, ...(webhookRoutes ? { webhookRoutes } : {}) };
}
