// Composes the bot process: the platform-neutral dispatcher, and one adapter
// per configured platform (the console when no chat platform is configured).
import type { Readable, Writable } from "node:stream";
import { modelNamesOf, servesConsole } from "@memebot/config";
import {
  createConversationConsumer,
  createChatterIngest,
  createScoringTrigger,
  createConversationTurns,
  checkGatesAfterLink,
  createTrackedTokenCache,
  createDispatcher,
  createGate,
  createListenerPipeline,
  createRegistry,
  createSettingsModel,
  createSettingsStore,
  DEFAULT_CONVERSATION_COOLDOWN_MS,
  queueJoinRequest,
  recordMembership,
  type Dispatch,
  type GateStore,
  type JoinRequest,
  type JobName,
  type JobPayload,
  type JobProducer,
  type ListenerPipeline,
} from "@memebot/core";
import { createRepositories } from "@memebot/db";
import { createAttachmentFetcher } from "@memebot/delivery/attachments";
import { createJobProducer } from "@memebot/jobs";
import type { Infrastructure, ProcessComponent } from "@memebot/runtime";
import { walletLinkRoutes } from "@memebot/web/wallet-link";
import { startConsoleAdapter } from "./console/adapter.ts";
import { repositoryServicesOf, type RepositoryServices } from "./command-services.ts";
import { gateServiceOf } from "./gate-service.ts";
import type { MembershipChange } from "./telegram/membership.ts";

export interface BotOptions {
  /** The console's streams; the process's own by default. */
  console?: { input?: Readable; output?: Writable; interactive?: boolean };
}

export interface BotDispatchOptions {
  /** Origins besides Discord's CDN that Discord attachments may be downloaded from: a test's fake Discord. */
  attachmentOrigins?: readonly string[];
}

/** What token-gated groups need of the adapter's membership updates (Telegram's, for now). */
export interface GateEvents {
  onJoinRequest(request: JoinRequest): Promise<void>;
  onMembership(change: MembershipChange): Promise<void>;
}

/**
 * A join request goes to the worker (gate.join, one job however often Telegram delivers it); a member
 * seen leaving or back is dropped from, or back in, the gates' re-verification passes.
 */
function gateEventsOf(
  jobs: Pick<JobProducer, "enqueue">,
  gates: Pick<GateStore, "setMemberPresence">,
): GateEvents {
  return {
    onJoinRequest: (request) => queueJoinRequest(jobs, request),
    onMembership: ({ community, memberId, present, at }) =>
      recordMembership(gates, community, memberId, present, at),
  };
}

/** The dispatcher with everything it needs, built from the shared infrastructure. */
export function createBotDispatch(
  infrastructure: Infrastructure,
  options: BotDispatchOptions = {},
): {
  dispatch: Dispatch;
  registry: ReturnType<typeof createRegistry>;
  producer: ReturnType<typeof createJobProducer>;
  /** Where adapters hand the messages that are not commands (conversation). */
  listener: ListenerPipeline;
  /** What the wallet verification page completes links with: the same store and settings as /wallet. */
  wallets: RepositoryServices["wallets"];
  /** Where the Telegram adapter hands join requests and members' comings and goings. */
  gateEvents: GateEvents;
} {
  const { env, redis, database, logger, metrics } = infrastructure;
  const registry = createRegistry();
  // The models admins may choose per task (`/config model.<task>`) are the configured ones.
  const settingsModel = createSettingsModel(registry.all, { models: modelNamesOf(env.models) });
  const repositories = createRepositories(database.prisma, { scrubText: infrastructure.scrubber.scrubText });
  const producer = createJobProducer({ connection: redis, prefix: env.QUEUE_PREFIX });
  const jobs: JobProducer = {
    async enqueue(name, payload, options) {
      const job = await producer.enqueue(name, payload, options);
      // A command's job carries its run; a conversation job, the message's community and arrival.
      // Jobs that answer no update (a scheduled purge) have neither.
      const sent: JobPayload<JobName> = payload;
      const origin = "run" in sent ? sent.run : "receivedAt" in sent ? sent : undefined;
      if (origin) {
        metrics.intakeToEnqueueSeconds.observe(
          { platform: origin.community.platform },
          (Date.now() - origin.receivedAt) / 1000,
        );
      }
      return job;
    },
  };
  // One cache for commands and conversation: a /config change is seen by both at once.
  const settings = createSettingsStore({ repository: repositories.communities, model: settingsModel });
  // With PUBLIC_URL, this process serves the wallet verification page (startBot mounts it), so
  // /wallet link hands out links to it; messages name PUBLIC_URL's host either way.
  const services = repositoryServicesOf(repositories, {
    redis,
    prefix: env.QUEUE_PREFIX,
    publicUrl: env.PUBLIC_URL,
    walletPage: env.PUBLIC_URL !== undefined,
  });
  const dispatch = createDispatcher({
    registry,
    settingsModel,
    settings,
    gate: createGate({ redis, prefix: env.QUEUE_PREFIX }),
    jobs,
    ...services,
    // /gate and /verify: mints read from the chain, Discord roles and Telegram admin rights checked.
    gates: gateServiceOf(repositories, {
      chain: {
        urls: [env.SOLANA_RPC_URL, ...env.SOLANA_RPC_FALLBACK_URLS],
        requestsPerSecond: env.SOLANA_RPC_REQUESTS_PER_SECOND,
      },
      ...(env.DISCORD_TOKEN
        ? { discord: { apiBase: env.DISCORD_API_BASE, botToken: env.DISCORD_TOKEN } }
        : {}),
      ...(env.TELEGRAM_BOT_TOKEN
        ? { telegram: { apiBase: env.TELEGRAM_API_ROOT, botToken: env.TELEGRAM_BOT_TOKEN } }
        : {}),
    }),
    // Files sent with commands (a persona to import), from the platform that holds them.
    attachments: createAttachmentFetcher({
      ...(env.TELEGRAM_BOT_TOKEN
        ? { telegram: { token: env.TELEGRAM_BOT_TOKEN, apiRoot: env.TELEGRAM_API_ROOT } }
        : {}),
      ...(options.attachmentOrigins ? { discordOrigins: options.attachmentOrigins } : {}),
      logger,
    }),
    logger,
    // The sample's labels come from bounded sets (registered commands, outcome ids), never from user text.
    onOutcome: (sample) => metrics.commandsTotal.inc({ ...sample }),
  });
  const listener = createListenerPipeline({
    consumers: [
      createConversationConsumer({
        settings,
        turns: createConversationTurns({
          redis,
          prefix: env.QUEUE_PREFIX,
          cooldownMs: DEFAULT_CONVERSATION_COOLDOWN_MS,
        }),
        jobs: { enqueueReply: (payload, enqueue) => jobs.enqueue("chat.reply", payload, enqueue) },
      }),
      // Chatter of communities that track sentiment, written in batches (never a query per message).
      createChatterIngest({
        settings,
        tokens: createTrackedTokenCache((community) => repositories.chatter.trackedTokens(community)),
        insert: (rows) => repositories.chatter.insertMessages(rows),
        // One deduplicated `sentiment.score` job per community every few seconds, on its own queue.
        requestScoring: createScoringTrigger(jobs),
        logger,
      }),
    ],
    logger,
  });
  return {
    dispatch,
    registry,
    producer,
    listener,
    wallets: services.wallets,
    gateEvents: gateEventsOf(jobs, repositories.gates),
  };
}

export async function startBot(
  infrastructure: Infrastructure,
  options: BotOptions = {},
): Promise<ProcessComponent[]> {
  const { env, logger } = infrastructure;
  const { dispatch, registry, producer, listener, wallets, gateEvents } = createBotDispatch(infrastructure);
  infrastructure.metrics.setJobCountsProvider(() => producer.counts());
  const components: ProcessComponent[] = [
    { name: "job-producer", stop: () => producer.close() },
    // Stopped after the adapters (components stop in reverse): no message arrives after it.
    { name: "listener", stop: () => listener.close() },
  ];
  // The page /wallet link's links open; nothing to stop but the HTTP server, which stops on its own.
  if (env.PUBLIC_URL !== undefined && wallets) {
    const routes = walletLinkRoutes({
      wallets,
      // A newly linked wallet may qualify the member for a token-gated role.
      onLinked: (linked) =>
        checkGatesAfterLink(
          producer,
          linked,
          `${linked.community.platform}:${linked.community.externalId}:${linked.memberId}:${linked.address}:${Date.now()}`,
        ),
    });
    components.push({ name: "wallet-page", stop: async () => {}, routes: [routes] });
  }

  // Each platform's library is loaded only when that platform is configured: discord.js alone
  // costs about 35 MB of memory that a Telegram-only bot should not carry.
  if (env.TELEGRAM_BOT_TOKEN) {
    const { createTelegramAdapter } = await import("./telegram/adapter.ts");
    const telegram = createTelegramAdapter({
      token: env.TELEGRAM_BOT_TOKEN,
      apiRoot: env.TELEGRAM_API_ROOT,
      dispatch,
      listen: listener.receive,
      registry,
      logger,
      // Token-gated groups: join requests and members' comings and goings.
      ...gateEvents,
      ...(env.TELEGRAM_WEBHOOK_URL && env.TELEGRAM_WEBHOOK_SECRET
        ? { webhook: { url: env.TELEGRAM_WEBHOOK_URL, secret: env.TELEGRAM_WEBHOOK_SECRET } }
        : {}),
    });
    await telegram.start();
    components.push({
      name: "telegram",
      stop: (signal) => telegram.stop("shutdown", signal),
      health: () => telegram.health(),
      routes: telegram.webhookRoutes ? [telegram.webhookRoutes] : [],
    });
  }

  if (env.DISCORD_TOKEN) {
    const { createDiscordAdapter } = await import("./discord/adapter.ts");
    const discord = createDiscordAdapter({
      token: env.DISCORD_TOKEN,
      apiBase: env.DISCORD_API_BASE,
      dispatch,
      listen: listener.receive,
      messageContent: env.DISCORD_MESSAGE_CONTENT,
      registry,
      logger,
      registerCommands: env.DISCORD_REGISTER_COMMANDS,
      ...(env.DISCORD_GUILD_ID ? { guildId: env.DISCORD_GUILD_ID } : {}),
      ...(env.DISCORD_APPLICATION_ID ? { applicationId: env.DISCORD_APPLICATION_ID } : {}),
    });
    await discord.start();
    components.push({ name: "discord", stop: (signal) => discord.stop(signal) });
  }

  if (servesConsole(env)) {
    logger.info("no TELEGRAM_BOT_TOKEN or DISCORD_TOKEN set: serving the console chat");
    const { subscribeConsoleReplies } = await import("@memebot/delivery");
    const session = await startConsoleAdapter({
      dispatch,
      listen: listener.receive,
      logger,
      pictureDir: env.CONSOLE_PICTURES_DIR,
      ...options.console,
      subscribe: async (sessionId, onMessage) => {
        const subscription = subscribeConsoleReplies({
          redis: infrastructure.createRedis(),
          prefix: env.QUEUE_PREFIX,
          sessionId,
          onMessage,
        });
        await subscription.ready;
        return subscription;
      },
    });
    components.push({ name: "console", stop: () => session.stop(), done: session.done });
  }
  return components;
}
