// Composes the worker process: the job worker on every catalog queue, whose handlers are
// the core use cases wired to the model, the platforms and the database.
import { createModelGateway } from "@memebot/ai";
import { modelNamesOf } from "@memebot/config";
import { createTokenBudgetLedger } from "@memebot/ai/accounting";
import {
  answerConversation,
  createAnswerCache,
  createGateChain,
  createHistoryPruner,
  createThreadLocks,
  createPersonaStore,
  createRegistry,
  createSettingsModel,
  createSettingsStore,
  jobCatalog,
  queueNamesOf,
  reportFailedConversation,
  reportFailedRun,
  walletLinkSettingsOf,
  type AnswerConversationDependencies,
  type JobCatalog,
} from "@memebot/core";
import { createModelCallRecorder, createRepositories } from "@memebot/db";
import {
  createDeliverOnce,
  createDiscordChannelClient,
  createDiscordRoleAccess,
  createPlatformSender,
  createTelegramGroupAccess,
  createTypingIndicator,
} from "@memebot/delivery";
import { createJobProducer, createJobWorker, registerJobSchedulers } from "@memebot/jobs";
import { drawSentimentChart } from "@memebot/render";
import type { Infrastructure, ProcessComponent } from "@memebot/runtime";
import { whenAborted } from "@memebot/telemetry";
import { createStudioHandlers } from "./studio.ts";
import { createSentimentHandlers } from "./sentiment.ts";
import { createGatingHandlers } from "./gating.ts";
import { createWalletHandlers } from "./wallets.ts";
import { createUsageHandlers } from "./usage.ts";

export interface WorkerOptions {
  /** Retry policy and time limits; the project's catalog unless a test tightens it. */
  catalog?: JobCatalog;
  /** One platform request's limit; below the delivery claim's lifetime. */
  sendTimeoutMs?: number;
  /** How long a send in progress keeps other attempts from sending the same message. */
  deliveryClaimTtlMs?: number;
  /** More origins a Discord attachment may come from: a test's fake Discord. */
  attachmentOrigins?: readonly string[];
}

export async function startWorker(
  infrastructure: Infrastructure,
  options: WorkerOptions = {},
): Promise<ProcessComponent[]> {
  const { env, metrics, database, redis } = infrastructure;
  const logger = infrastructure.logger.child({ component: "worker" });
  const catalog = options.catalog ?? jobCatalog;
  const repositories = createRepositories(database.prisma, { scrubText: infrastructure.scrubber.scrubText });

  const sender = createPlatformSender({
    ...(env.TELEGRAM_BOT_TOKEN
      ? { telegram: { token: env.TELEGRAM_BOT_TOKEN, apiRoot: env.TELEGRAM_API_ROOT } }
      : {}),
    // Interaction webhooks authenticate with the interaction token; conversation replies in a
    // channel are posted as the bot, with its token.
    discord: { apiBase: env.DISCORD_API_BASE, ...(env.DISCORD_TOKEN ? { botToken: env.DISCORD_TOKEN } : {}) },
    consoleChannel: { redis, prefix: env.QUEUE_PREFIX },
    ...(options.sendTimeoutMs ? { timeoutMs: options.sendTimeoutMs } : {}),
  });
  const deliver = createDeliverOnce({
    redis,
    prefix: env.QUEUE_PREFIX,
    send: sender.send,
    ...(options.deliveryClaimTtlMs ? { claimTtlMs: options.deliveryClaimTtlMs } : {}),
  });

  // Every model call goes through the gateway: routing, limits, the community's budget, accounting.
  const gateway = createModelGateway({
    config: env.models,
    redis,
    prefix: env.QUEUE_PREFIX,
    recorder: createModelCallRecorder(database.prisma, { logger }),
    budget: createTokenBudgetLedger({ redis, prefix: env.QUEUE_PREFIX }),
    logger,
    metrics: {
      requests: metrics.modelGatewayRequestsTotal,
      latency: metrics.modelGatewayRequestSeconds,
      breakerOpen: metrics.modelGatewayBreakerOpen,
      calls: metrics.modelGatewayCallsTotal,
    },
  });
  // Each job reads the community's settings (model choice, budget) and persona, cached a few seconds.
  const settingsModel = createSettingsModel(createRegistry().all, { models: modelNamesOf(env.models) });
  const settings = createSettingsStore({ repository: repositories.communities, model: settingsModel });
  const personas = createPersonaStore({ repository: repositories.personas });
  // What a job wrote, kept until it is posted, so a retry never asks the model twice.
  const answers = createAnswerCache({ redis, prefix: env.QUEUE_PREFIX });
  // "typing…" for conversation answers, "sending a photo…" while the studio renders.
  const showChatAction = createTypingIndicator({
    ...(env.TELEGRAM_BOT_TOKEN
      ? { telegram: { token: env.TELEGRAM_BOT_TOKEN, apiRoot: env.TELEGRAM_API_ROOT } }
      : {}),
    ...(env.DISCORD_TOKEN
      ? {
          discord: createDiscordChannelClient({
            apiBase: env.DISCORD_API_BASE,
            botToken: env.DISCORD_TOKEN,
            timeoutMs: options.sendTimeoutMs ?? 5_000,
          }),
        }
      : {}),
    // Cosmetic: a lost "typing…" is not worth more than a debug line.
    onError: (error) => logger.debug({ err: error }, "typing indicator not shown"),
  });
  const studio = createStudioHandlers({
    env,
    redis,
    catalog,
    gateway,
    repositories,
    settings,
    personas,
    answers,
    deliver,
    runs: repositories.commandRuns,
    showChatAction,
    logger,
    ...(options.attachmentOrigins ? { attachmentOrigins: options.attachmentOrigins } : {}),
  });
  const conversation: AnswerConversationDependencies = {
    model: gateway,
    history: repositories.conversations,
    settings,
    personas,
    answers,
    threadLocks: createThreadLocks({ redis, prefix: env.QUEUE_PREFIX }),
    deliver,
    typing: showChatAction,
    logger,
  };

  const pruneHistory = createHistoryPruner({
    deleteOlderThan: (before) => repositories.conversations.deleteOlderThan(before),
    onError: (error) =>
      logger.warn({ err: error }, "old conversation history not deleted; trying again later"),
  });

  // Queue depth for /metrics, also when this process runs without the bot; and the sentiment
  // job's own follow-ups (created before the worker: a job may run as soon as it starts).
  const counter = createJobProducer({ connection: redis, prefix: env.QUEUE_PREFIX, catalog });
  const worker = createJobWorker({
    // BullMQ's blocking reads need a connection of their own that retries forever.
    connection: infrastructure.createRedis(),
    prefix: env.QUEUE_PREFIX,
    // Every catalog queue gets its own BullMQ worker with this many jobs at once.
    concurrency: env.WORKER_CONCURRENCY,
    lockDurationMs: env.JOB_LOCK_MS,
    catalog,
    logger,
    scrubText: infrastructure.scrubber.scrubText,
    metrics,
    handlers: {
      ...studio,
      ...createSentimentHandlers({
        repositories,
        settingsModel,
        scoring: { settings, gateway, redis, prefix: env.QUEUE_PREFIX, jobs: counter },
        reports: {
          drawChart: drawSentimentChart,
          deliver,
          runs: repositories.commandRuns,
          // "sending a photo…" while the chart is drawn, as the studio's pictures show.
          showUploading: async (target, work) => {
            const stop = showChatAction(target, "upload_photo");
            try {
              return await work();
            } finally {
              stop();
            }
          },
        },
        // /alert's crossings, posted where each alert was set.
        alerts: { deliver },
        logger,
      }),
      // Token gates: /verify, re-checks, re-verification passes and Telegram join requests; holdings
      // read from the chain, Discord roles and the Telegram group's members let in or out.
      ...createGatingHandlers({
        repositories,
        settings,
        // The bot serves the verification page at PUBLIC_URL; join requests are answered with its links.
        walletLinks: walletLinkSettingsOf(env.PUBLIC_URL),
        chain: createGateChain({
          urls: [env.SOLANA_RPC_URL, ...env.SOLANA_RPC_FALLBACK_URLS],
          requestsPerSecond: env.SOLANA_RPC_REQUESTS_PER_SECOND,
        }),
        ...(env.DISCORD_TOKEN
          ? {
              discord: createDiscordRoleAccess({
                apiBase: env.DISCORD_API_BASE,
                botToken: env.DISCORD_TOKEN,
              }),
            }
          : {}),
        ...(env.TELEGRAM_BOT_TOKEN
          ? {
              telegram: createTelegramGroupAccess({
                apiBase: env.TELEGRAM_API_ROOT,
                botToken: env.TELEGRAM_BOT_TOKEN,
              }),
            }
          : {}),
        jobs: counter,
        deliver,
        runs: repositories.commandRuns,
      }),
      // Wallet link requests long expired and attempts past their audit week, deleted hourly.
      ...createWalletHandlers({ repositories, logger }),
      // Model calls past their 90 days of accounting, deleted hourly.
      ...createUsageHandlers({ repositories, logger }),
      "meme.create": async (payload, context) => {
        const result = await studio["meme.create"](payload, context);
        const seconds = (Date.now() - payload.run.receivedAt) / 1000;
        metrics.updateToReplySeconds.observe({ platform: payload.run.target.platform }, seconds);
        return result;
      },
      "chat.reply": (payload, { signal }) => {
        // Not awaited: old history goes at most once an hour, and an answer never waits for it.
        void pruneHistory();
        return answerConversation(payload, conversation, signal);
      },
    },
    // The user hears back once: command jobs carry their run (recorded too), conversation jobs their message.
    onFinalFailure: async (_name, payload, error) => {
      if ("run" in payload)
        await reportFailedRun(payload.run, error, { deliver, runs: repositories.commandRuns });
      else if ("threadKey" in payload) await reportFailedConversation(payload, { deliver });
    },
  });
  await worker.ready();
  // Jobs on a clock (the chatter purge): every replica upserts the same schedulers; each tick runs once.
  await registerJobSchedulers({ connection: redis, prefix: env.QUEUE_PREFIX, catalog });

  metrics.setJobCountsProvider(() => counter.counts());

  logger.info(
    {
      queues: queueNamesOf(catalog),
      concurrency: env.WORKER_CONCURRENCY,
      // Names only: base URLs may carry credentials.
      providers: env.models.providers.map((provider) => provider.name),
      models: gateway.modelNames(),
    },
    "worker taking jobs",
  );
  return [
    {
      name: "job-worker",
      // Stops taking jobs and lets the ones in flight finish, until the shutdown budget leaves no more
      // time (SHUTDOWN_TIMEOUT_MS). Jobs still unfinished then return to the queue when their lock expires.
      stop: (signal) => Promise.race([worker.close(), whenAborted(signal)]),
      health: async () => ({ worker: worker.isRunning() ? true : "not taking jobs" }),
    },
    { name: "job-counts", stop: () => counter.close() },
    // After the worker: jobs in flight may still be calling models. Flushes the accounting rows and
    // stops the recorder's timer; a database that does not answer cannot hold up the shutdown.
    { name: "model-gateway", stop: (signal) => Promise.race([gateway.close(), whenAborted(signal)]) },
  ];
}
