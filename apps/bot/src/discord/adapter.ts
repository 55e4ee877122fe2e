// The Discord adapter: a gateway client that turns each slash command (and each press of a reply
// button) into one CommandInvocation for the core dispatcher and renders the result back. All
// command logic lives in core; this file only knows Discord's rules.
import {
  DEFAULT_LANGUAGE,
  immediateAnswersOf,
  languagePacks,
  translate,
  type CommandInvocation,
  type CommandRegistry,
  type Dispatch,
  type DispatchResult,
  type Language,
  type ListenedMessage,
  type ListenReport,
} from "@memebot/core";
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  Partials,
  RESTJSONErrorCodes,
  type ButtonInteraction,
  type Interaction,
} from "discord.js";
import { parseButtonData } from "@memebot/delivery";
import { whenAborted } from "@memebot/telemetry";
import { registerSlashCommands } from "./commands.ts";
import { invocationFrom, invocationFromButton } from "./invocation.ts";
import { listenedMessageFromDiscord } from "./listen.ts";
import { answerPrivately, answerPublicly, type AnswerableInteraction } from "./respond.ts";

export interface DiscordAdapterLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface DiscordAdapterOptions {
  token: string;
  /** REST base without the version, e.g. "https://discord.com/api"; the gateway URL is asked from it. */
  apiBase: string;
  dispatch: Dispatch;
  /**
   * Takes the messages of channels and DMs the bot can see (MESSAGE_CREATE): with it, the client
   * also asks for the GuildMessages and DirectMessages intents.
   */
  listen?: (message: ListenedMessage) => Promise<ListenReport>;
  /** Also ask for the privileged Message Content intent (DISCORD_MESSAGE_CONTENT), to read all chatter. */
  messageContent?: boolean;
  registry: CommandRegistry;
  logger: DiscordAdapterLogger;
  /** Bulk-overwrite the slash commands from the registry once the client is ready. */
  registerCommands: boolean;
  /** Register to this server only (changes show at once) instead of globally. */
  guildId?: string;
  /** Defaults to the application the gateway's READY names. */
  applicationId?: string;
  /**
   * Discord drops an interaction not answered within 3 seconds. A dispatch still running after this
   * long is deferred first, leaving room for the network round trip.
   */
  deferAfterMs?: number;
  readyTimeoutMs?: number;
  /** How long stop() waits for interactions being handled before closing the gateway. */
  drainTimeoutMs?: number;
  now?: () => number;
}

export interface DiscordAdapter {
  client: Client;
  start(): Promise<void>;
  /** Waits up to drainTimeoutMs for interactions in hand, less when `signal` (the shutdown budget) aborts first. */
  stop(signal?: AbortSignal): Promise<void>;
}

const UNANSWERABLE = new Set<number>([
  RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged,
  RESTJSONErrorCodes.UnknownInteraction,
]);

const languageOfLocale = (locale: string): Language =>
  languagePacks.find((pack) => pack.discordLocales.includes(locale))?.code ?? DEFAULT_LANGUAGE;

const waitFor = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { dispatch, registry, logger } = options;
  const deferAfterMs = options.deferAfterMs ?? 2_000;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const drainTimeoutMs = options.drainTimeoutMs ?? 5_000;
  const now = options.now ?? Date.now;

  const listen = options.listen;
  const intents = [GatewayIntentBits.Guilds];
  if (listen) intents.push(GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages);
  if (listen && options.messageContent) intents.push(GatewayIntentBits.MessageContent);
  const client = new Client({
    intents,
    // DM channels are not cached before their first message; without this their messages are dropped.
    ...(listen ? { partials: [Partials.Channel] } : {}),
    rest: { api: options.apiBase },
  });
  const inFlight = new Set<Promise<void>>();

  /** Dispatches, deferring the reply if the dispatcher has not answered in time. */
  async function dispatchInTime(
    interaction: AnswerableInteraction,
    dispatching: Promise<DispatchResult>,
  ): Promise<DispatchResult> {
    if (interaction.deferred) return dispatching;
    // Settles without rejecting: a failure is kept, not left unhandled while dispatch runs on.
    let deferral: Promise<{ failed: false } | { failed: true; error: unknown }> | undefined;
    const timer = setTimeout(() => {
      deferral = interaction.deferReply().then(
        () => ({ failed: false as const }),
        (error: unknown) => ({ failed: true as const, error }),
      );
    }, deferAfterMs);
    const outcome = await dispatching.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    clearTimeout(timer);
    // Whatever is sent next, the answer or an error, must know whether the deferral went through.
    const deferred = await deferral;
    if (!outcome.ok) throw outcome.error;
    if (deferred?.failed) throw deferred.error;
    return outcome.value;
  }

  async function render(interaction: AnswerableInteraction, result: DispatchResult) {
    switch (result.kind) {
      case "reply":
        if (result.private) await answerPrivately(interaction, result.message);
        else await answerPublicly(interaction, result.message);
        return;
      case "queued":
        // The worker edits @original with the interaction token, so a deferred reply must exist.
        if (!interaction.deferred && !interaction.replied) await interaction.deferReply();
        return;
      case "ignored":
        // Every interaction needs an answer; a limited user sees why, privately.
        if (result.reason === "limited") await answerPrivately(interaction, result.message);
        // A duplicate was (or is being) answered by its first delivery.
        return;
    }
  }

  /**
   * Defers the reply. False when the interaction cannot be answered any more: another delivery
   * of it acknowledged it already (it is that delivery's to answer), or it expired.
   */
  async function deferOrGiveUp(interaction: AnswerableInteraction, context: object): Promise<boolean> {
    try {
      await interaction.deferReply();
      return true;
    } catch (error) {
      if (error instanceof DiscordAPIError && UNANSWERABLE.has(Number(error.code))) {
        logger.warn({ err: error, ...context }, "discord interaction can no longer be answered; skipped");
        return false;
      }
      throw error;
    }
  }

  async function handleCommand(interaction: AnswerableInteraction, invocation: CommandInvocation) {
    const command = registry.get(invocation.name ?? "");
    const context = {
      key: invocation.key,
      command: invocation.name,
      community: invocation.community.externalId,
    };
    try {
      // Jobs take longer than 3 seconds: acknowledge first, before any work is done.
      if (command?.answeredByJob && !(await deferOrGiveUp(interaction, context))) return;
      const result = await dispatchInTime(interaction, dispatch(invocation));
      await render(interaction, result);
      if (result.kind === "reply") {
        // The user has the answer; failing to mark it done only weakens redelivery checks.
        await result
          .complete()
          .catch((error: unknown) => logger.warn({ err: error, ...context }, "update not marked done"));
      }
    } catch (error) {
      logger.error({ err: error, ...context }, "discord interaction failed");
      const text = translate(languageOfLocale(interaction.locale), "error.internal");
      await answerPrivately(interaction, { text }).catch((answerError: unknown) =>
        logger.warn({ err: answerError, ...context }, "could not tell the user about the failure"),
      );
    }
  }

  async function handle(interaction: Interaction) {
    if (interaction.isAutocomplete()) {
      // No option autocompletes today; an empty list answers a stale client's request.
      await interaction.respond([]).catch(() => undefined);
      return;
    }
    if (interaction.isButton()) {
      await handleButton(interaction);
      return;
    }
    if (!interaction.isChatInputCommand()) return;
    await handleCommand(interaction, invocationFrom(interaction, now()));
  }

  /**
   * A reply button pressed: its custom_id names a command to run as the presser, answered with a new
   * message (deferred with one, type 5, when a job answers). A button that names no command of ours
   * (an old message's, another app's id) is acknowledged without a word (type 6), so the press does
   * not show "This interaction failed".
   */
  async function handleButton(interaction: ButtonInteraction) {
    const pressed = parseButtonData(interaction.customId);
    if (!pressed || !registry.get(pressed.command)) {
      await interaction
        .deferUpdate()
        .catch((error: unknown) =>
          logger.warn({ err: error, interactionId: interaction.id }, "discord button press not acknowledged"),
        );
      return;
    }
    await handleCommand(interaction, invocationFromButton(interaction, pressed, now()));
  }

  client.on(Events.InteractionCreate, (interaction) => {
    const handling = handle(interaction).catch((error: unknown) =>
      logger.error({ err: error, interactionId: interaction.id }, "discord interaction handler crashed"),
    );
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  });
  if (listen) {
    client.on(Events.MessageCreate, (message) => {
      const botId = client.user?.id;
      if (botId === undefined) return;
      const handling = listen(listenedMessageFromDiscord(message, botId, now())).then(
        // Said at once: conversation off in a DM, or an answer that cannot come. Discord gives a
        // message no locale, so the default language; no one is pinged.
        async (report) => {
          for (const content of immediateAnswersOf(report, DEFAULT_LANGUAGE)) {
            await message.reply({ content, allowedMentions: { parse: [], repliedUser: false } });
          }
        },
        (error: unknown) =>
          logger.error({ err: error, messageId: message.id }, "discord message could not be listened to"),
      );
      inFlight.add(handling);
      void handling.finally(() => inFlight.delete(handling));
    });
  }
  // An 'error' event without a listener would throw and take the process down.
  client.on(Events.Error, (error) => logger.error({ err: error }, "discord client error"));
  client.on(Events.Warn, (message) => logger.warn({ detail: message }, "discord client warning"));

  /** Logs in and resolves once the gateway's READY arrived, or rejects after readyTimeoutMs. */
  async function connect(): Promise<Client<true>> {
    const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
    let timeout: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_resolve, reject) => {
      timeout = setTimeout(
        () => reject(new Error(`Discord gateway not ready after ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      );
    });
    try {
      return await Promise.race([client.login(options.token).then(() => ready), expiry]);
    } finally {
      clearTimeout(timeout);
    }
  }

  async function start() {
    try {
      const readyClient = await connect();
      logger.info({ user: readyClient.user.tag }, "discord client ready");
      if (options.registerCommands) {
        const applicationId = options.applicationId ?? readyClient.application.id;
        const registered = await registerSlashCommands({
          rest: client.rest,
          applicationId,
          registry,
          ...(options.guildId ? { guildId: options.guildId } : {}),
        });
        logger.info(
          { scope: registered.scope, commands: registered.commands.map((command) => command.name) },
          "discord slash commands registered",
        );
      }
    } catch (error) {
      await client.destroy();
      throw error;
    }
  }

  async function stop(signal?: AbortSignal) {
    // Interactions already taken on get their answer before the gateway closes, as far as time allows:
    // the process's shutdown budget must also cover the steps after us.
    await Promise.race([Promise.allSettled([...inFlight]), waitFor(drainTimeoutMs), whenAborted(signal)]);
    await client.destroy();
  }

  return { client, start, stop };
}
