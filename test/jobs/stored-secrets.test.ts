// Secrets in errors from every client library the platform uses, thrown from a job handler, must not reach
// anything written down: the log lines, the CommandRun's detail in PostgreSQL, and the failure reason and
// stack traces BullMQ keeps in Redis. Each error below is produced by the real library against a local
// server or a closed port; the scrubber is built from the environment the way openInfrastructure builds it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { REST } from "discord.js";
import { Redis } from "ioredis";
import OpenAI from "openai";
import pg from "pg";
import { Telegram } from "telegraf";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseEnv, secretsOf } from "@memebot/config";
import { reportFailedRun } from "@memebot/core";
import { createRepositories, type Database, type Repositories } from "@memebot/db";
import { createDeliverOnce, createPlatformSender } from "@memebot/delivery";
import { createJobProducer, createJobWorker, type JobQueueProducer, type JobWorker } from "@memebot/jobs";
import { createLogger, createScrubber } from "@memebot/telemetry";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord/server.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { openTestDatabase, testDatabaseUrl } from "../support/database.ts";
import { uniqueSnowflake, uniqueTelegramGroupId } from "../support/unique-ids.ts";
import { createMemoryDestination } from "../telemetry/memory-destination.ts";
import {
  deletePrefix,
  memePayload,
  REDIS_URL,
  tightCatalog,
  uniquePrefix,
  withOtherKinds,
} from "./support.ts";

// Configured secrets: the scrubber knows these values (secretsOf).
const API_ROOT_PASSWORD = "bot-api-root-pass-4711";
const REDIS_PASSWORD = "redis-url-pass-0815";
const DATABASE_PASSWORD = "postgres-url-pass-2342";
// Secrets it was never told about, found by their place in a URL.
const INTERACTION_TOKEN = `aW50ZXJhY3Rpb246${Date.now()}OnNlY3JldC1pbnRlcmFjdGlvbi10b2tlbg`;
const QUERY_KEY = "AIzaSy-query-key-9f8e7d6c5b4a";
const MODEL_URL_PASSWORD = "model-basic-auth-pass-31";
const OTHER_REDIS_PASSWORD = "replica-pass-5150";
const OTHER_DATABASE_PASSWORD = "replica-db-pass-6502";

/** Local services the cases call, started in beforeAll. */
interface Services {
  /** A reverse proxy in front of the Bot API (or a model server) that answers with an HTML page. */
  htmlProxy: string;
  /** An OpenAI-compatible server that names the URL it did not know, as OpenAI's own API does. */
  echoingModelServer: string;
  closedPort: number;
  rest: REST;
  pgClient: pg.Client;
}

interface Case {
  name: string;
  /** The library's own error class, to show the error really is the library's. */
  type: string;
  /** Makes the library fail; the error it throws carries the secrets. */
  fail(services: Services): Promise<unknown>;
  secrets(): string[];
  /** A readable part of the message that must survive scrubbing. */
  kept: string;
}

const ask = (client: OpenAI) =>
  client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] });

const cases: Case[] = [
  {
    name: "telegraf: a non-JSON answer quotes the request URL with the bot token",
    type: "FetchError",
    fail: ({ htmlProxy }) => new Telegram(telegram.token, { apiRoot: htmlProxy }).getMe(),
    secrets: () => [telegram.token, telegram.token.split(":")[1] as string],
    kept: "invalid json response body at",
  },
  {
    name: "telegraf: a refused connection quotes the API root with its password",
    type: "FetchError",
    fail: ({ closedPort }) =>
      new Telegram(telegram.token, {
        apiRoot: `http://botapi:${API_ROOT_PASSWORD}@127.0.0.1:${closedPort}`,
      }).getMe(),
    secrets: () => [API_ROOT_PASSWORD],
    kept: "ECONNREFUSED",
  },
  {
    name: "discord.js: an Unknown Webhook error carries the interaction webhook URL",
    type: "DiscordAPIError",
    fail: ({ rest }) =>
      rest.patch(`/webhooks/${discord.applicationId}/${INTERACTION_TOKEN}/messages/@original`, {
        auth: false,
        body: { content: "late answer" },
      }),
    secrets: () => [INTERACTION_TOKEN],
    kept: "Unknown Webhook",
  },
  {
    name: "discord.js: acknowledging an interaction twice fails with the callback URL in the error",
    type: "DiscordAPIError",
    async fail({ rest }) {
      const route = `/interactions/${uniqueSnowflake()}/${INTERACTION_TOKEN}/callback` as const;
      await rest.post(route, { auth: false, body: { type: 5 } });
      return rest.post(route, { auth: false, body: { type: 5 } });
    },
    secrets: () => [INTERACTION_TOKEN],
    kept: "already been acknowledged",
  },
  {
    name: "openai: a 404 names the request URL with the key in its query",
    type: "NotFoundError",
    fail: ({ echoingModelServer }) =>
      ask(
        new OpenAI({
          baseURL: `${echoingModelServer}/v1`,
          apiKey: "not-needed",
          defaultQuery: { key: QUERY_KEY },
          maxRetries: 0,
        }),
      ),
    secrets: () => [QUERY_KEY],
    kept: "Invalid URL (POST /v1/chat/completions?key=",
  },
  {
    name: "openai: a connection error's cause quotes the base URL with its password",
    type: "APIConnectionError",
    fail: ({ closedPort }) =>
      ask(
        new OpenAI({
          baseURL: `http://model:${MODEL_URL_PASSWORD}@127.0.0.1:${closedPort}/v1`,
          apiKey: "not-needed",
          maxRetries: 0,
        }),
      ),
    secrets: () => [MODEL_URL_PASSWORD],
    kept: "Connection error.",
  },
  {
    name: "ioredis: a reply error echoes arguments holding redis:// URLs with passwords",
    type: "ReplyError",
    fail: () =>
      redis.call(
        "MEMEBOT.NOSUCHCOMMAND",
        `redis://worker:${REDIS_PASSWORD}@cache.internal:6379`,
        `rediss://replica:${OTHER_REDIS_PASSWORD}@replica.internal:6380`,
      ),
    secrets: () => [REDIS_PASSWORD, OTHER_REDIS_PASSWORD],
    kept: "unknown command",
  },
  {
    name: "pg: a query error quotes a postgres:// URL with its password",
    type: "DatabaseError",
    fail: ({ pgClient }) =>
      pgClient.query("SELECT $1::int", [`postgres://memebot:${DATABASE_PASSWORD}@db.internal:5432/memebot`]),
    secrets: () => [DATABASE_PASSWORD],
    kept: "invalid input syntax for type integer",
  },
  {
    name: "Prisma: a raw query error quotes a postgresql:// URL with its password",
    type: "PrismaClientKnownRequestError",
    fail: () =>
      database.prisma.$queryRawUnsafe(
        "SELECT $1::int",
        `postgresql://replica:${OTHER_DATABASE_PASSWORD}@replica.internal/memebot`,
      ),
    secrets: () => [OTHER_DATABASE_PASSWORD],
    kept: "invalid input syntax for type integer",
  },
];

const prefix = uniquePrefix();
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const logs = createMemoryDestination();
const servers: Server[] = [];
let telegram: FakeTelegram;
let discord: FakeDiscord;
let database: Database;
let repositories: Repositories;
let producer: JobQueueProducer;
let worker: JobWorker;
/** The error each case's library threw, by case name (the job's topic). */
const errors = new Map<string, unknown>();

function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

/** A port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Everything an error carries that a logger or a store could write: message, stack, fields, causes. */
function everythingIn(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const fields = JSON.stringify(error, (_key, value: unknown) =>
    typeof value === "bigint" ? String(value) : value,
  );
  return [
    error.message,
    error.stack,
    fields,
    error.cause === undefined ? "" : everythingIn(error.cause),
  ].join("\n");
}

async function produceErrors(): Promise<void> {
  const services: Services = {
    htmlProxy: await listen((_req, res) => {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<html><body><h1>404 Not Found</h1></body></html>");
    }),
    echoingModelServer: await listen((req, res) => {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { message: `Invalid URL (${req.method} ${req.url})`, type: "invalid_request_error" },
        }),
      );
    }),
    closedPort: await closedPort(),
    rest: new REST({ api: discord.apiBase, version: "10", retries: 0 }),
    pgClient: new pg.Client({ connectionString: testDatabaseUrl() }),
  };
  await services.pgClient.connect();
  try {
    for (const testCase of cases) {
      const error = await testCase.fail(services).then(
        () => new Error(`${testCase.name}: the library call succeeded`),
        (thrown: unknown) => thrown,
      );
      errors.set(testCase.name, error);
    }
  } finally {
    await services.pgClient.end();
  }
}

beforeAll(async () => {
  [telegram, discord, database] = await Promise.all([
    startFakeTelegram(),
    startFakeDiscord(),
    openTestDatabase(),
  ]);
  await produceErrors();

  // The environment of a deployment that configured these secrets; the scrubber is built from it as
  // openInfrastructure builds it. (The test's own connections need no passwords.)
  const env = parseEnv({
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: `http://botapi:${API_ROOT_PASSWORD}@127.0.0.1:8081`,
    REDIS_URL: `redis://worker:${REDIS_PASSWORD}@cache.internal:6379`,
    DATABASE_URL: `postgres://memebot:${DATABASE_PASSWORD}@db.internal:5432/memebot`,
  });
  const scrubber = createScrubber(secretsOf(env));
  const logger = createLogger({ level: "info", scrubber, destination: logs });
  repositories = createRepositories(database.prisma, { scrubText: scrubber.scrubText });

  const sender = createPlatformSender({ telegram: { token: telegram.token, apiRoot: telegram.apiRoot } });
  const deliver = createDeliverOnce({ redis, prefix, send: sender.send });
  const catalog = tightCatalog({ attempts: 2, backoffMs: 20 });
  producer = createJobProducer({ connection: redis, prefix, catalog });
  worker = createJobWorker({
    connection: redis,
    prefix,
    concurrency: 4,
    lockDurationMs: 5_000,
    catalog,
    logger: logger.child({ component: "worker" }),
    scrubText: scrubber.scrubText,
    handlers: withOtherKinds({
      "meme.create": async (payload) => {
        throw errors.get(payload.topic) ?? new Error(`no error prepared for ${payload.topic}`);
      },
    }),
    onFinalFailure: async (_name, payload, error) => {
      if ("run" in payload)
        await reportFailedRun(payload.run, error, { deliver, runs: repositories.commandRuns });
    },
  });
  await worker.ready();
});

afterAll(async () => {
  await worker?.close();
  await producer?.close();
  await deletePrefix(redis, prefix);
  await redis.quit();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await Promise.all([telegram?.close(), discord?.close(), database?.close()]);
});

describe("secrets in a failed job's error", () => {
  it.each(cases.map((testCase) => [testCase.name, testCase] as const))(
    "%s: reach neither the log, nor the stored run, nor BullMQ's failure record",
    async (_name, { name, type, secrets, kept }) => {
      // The library really threw its own error, with the secrets in it.
      const error = errors.get(name);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).constructor.name).toBe(type);
      for (const secret of secrets()) expect(everythingIn(error)).toContain(secret);

      const chatId = String(uniqueTelegramGroupId());
      const payload = memePayload({ chatId, topic: name, key: `telegram:${chatId}:${Date.now()}` });
      const { jobId } = await producer.enqueue("meme.create", payload, { jobId: payload.run.key });

      // The user hears back once the last attempt failed, after the run was recorded.
      await vi.waitFor(() => expect(telegram.sentMessages(Number(chatId))).toHaveLength(1), {
        timeout: 10_000,
        interval: 50,
      });
      const run = await repositories.commandRuns.findByKey(payload.run.key);
      const job = await redis.hgetall(`${prefix}:commands:${jobId}`);
      const logLines = logs.lines.filter((line) => line.includes(jobId));

      expect(run).toMatchObject({ status: "failed", outcome: "job.failed" });
      expect(run?.detail).toContain(kept);
      expect(job.failedReason).toContain(kept);
      // Both attempts' stacks: the scrubbed error still counts as one that may be retried.
      expect(JSON.parse(job.stacktrace ?? "[]")).toHaveLength(2);
      expect(logLines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([
        "job attempt failed; will retry",
        "job failed",
      ]);
      const written = [run?.detail, ...Object.values(job), ...logLines].join("\n");
      for (const secret of secrets()) expect(written).not.toContain(secret);
    },
  );
});
