// The shared state every process opens the same way: logs, metrics, Redis and
// the database. Started once per process, so `pnpm start` (bot and worker in
// one process) shares one database connection — PGlite allows only one.
import { Redis, type RedisOptions } from "ioredis";
import { pino } from "pino";
import { secretsOf, type Env } from "@memebot/config";
import { openDatabase, pendingMigrations, type Database } from "@memebot/db";
import {
  createLogger,
  createMetrics,
  createScrubber,
  type Logger,
  type Metrics,
  type Scrubber,
  whenAborted,
} from "@memebot/telemetry";
import type { HealthChecks } from "@memebot/web";

export interface Infrastructure {
  env: Env;
  /**
   * Removes this process's secrets (and token-, password- and key-shaped text) from whatever is written down:
   * the logger's lines, and the text stores that keep error messages (command runs, BullMQ failures).
   */
  scrubber: Scrubber;
  logger: Logger;
  metrics: Metrics;
  database: Database;
  /** For commands (gate, producer). Fails a command after a while rather than hanging when Redis is gone. */
  redis: Redis;
  /**
   * A new connection: BullMQ workers and pub/sub subscribers need their own, and
   * blocking connections must retry forever (`maxRetriesPerRequest: null`).
   */
  createRedis(options?: RedisOptions): Redis;
  health(): Promise<HealthChecks>;
  /** Closes every connection; once `signal` aborts, drops them instead of waiting for their goodbyes. */
  close(signal?: AbortSignal): Promise<void>;
}

/**
 * How many reconnection attempts a command waits through before it fails. ioredis waits 50 ms more
 * before each attempt (up to 2 s): 20 attempts ride out about 10 s of Redis restarting or failing
 * over, so a command sent meanwhile is answered once Redis is back instead of failing; a longer
 * outage fails it, and the user is told to try again. Telegram updates wait at Telegram meanwhile
 * (polling pauses), and a Discord interaction is deferred while it waits.
 */
const COMMAND_RECONNECT_ATTEMPTS = 20;

export interface InfrastructureOptions {
  logger?: Logger;
  /**
   * The console chat owns stdout, so logs go to stderr and default to warnings only.
   * Elsewhere logs are JSON lines on stdout, as container platforms expect.
   */
  consoleOnStdout?: boolean;
}

export async function openInfrastructure(
  env: Env,
  options: InfrastructureOptions = {},
): Promise<Infrastructure> {
  const scrubber = createScrubber(secretsOf(env));
  const logger =
    options.logger ??
    createLogger({
      level: env.LOG_LEVEL ?? (options.consoleOnStdout ? "warn" : "info"),
      scrubber,
      // The console chat owns stdout; logs go to stderr then (synchronously, as createLogger's default).
      ...(options.consoleOnStdout ? { destination: pino.destination({ dest: 2, sync: true }) } : {}),
    });
  const metrics = createMetrics();
  const connections: Redis[] = [];
  const createRedis = (options: RedisOptions = {}) => {
    const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null, ...options });
    // ioredis reconnects by itself; without a listener an outage would crash the process.
    connection.on("error", (error) => logger.warn({ err: error }, "redis connection error"));
    connections.push(connection);
    return connection;
  };
  const closeConnections = () =>
    Promise.all(connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
  try {
    await probeRedis(env.REDIS_URL);
  } catch (error) {
    throw new Error(`Cannot reach Redis at ${redactUrl(env.REDIS_URL)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // Auto-pipelining sends the commands of one tick (a batch of updates) in one write.
  const redis = createRedis({ maxRetriesPerRequest: COMMAND_RECONNECT_ATTEMPTS, enableAutoPipelining: true });
  let database: Database;
  try {
    database = await openDatabase({
      databaseUrl: env.DATABASE_URL,
      dataDir: env.DATA_DIR,
      timeouts: {
        connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
        statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      },
    });
    // Migrations run in a step of their own before the process (see scripts/db-migrate.ts);
    // here we only refuse to run against a schema older than the code.
    const pending = await pendingMigrations(database).catch(async (error: unknown) => {
      await database.close();
      throw error;
    });
    if (pending.length > 0) {
      await database.close();
      throw new Error(
        `the database lacks migrations ${pending.join(", ")}: run \`pnpm db:migrate\` (pnpm start does it first)`,
      );
    }
  } catch (error) {
    // The caller gets no Infrastructure to close, and an open connection would keep the process alive.
    await closeConnections();
    throw error;
  }
  logger.info({ database: database.kind }, "database ready");

  // A failing check's reason is a client's error message; it only ever reaches the log, which scrubs it.
  const reasonOf = (error: Error) => error.message;

  return {
    env,
    scrubber,
    logger,
    metrics,
    database,
    redis,
    createRedis,
    async health() {
      const [redisCheck, databaseCheck] = await Promise.all([
        redis.ping().then(() => true as const, reasonOf),
        database.prisma.$queryRaw`SELECT 1`.then(() => true as const, reasonOf),
      ]);
      return { redis: redisCheck, database: databaseCheck };
    },
    async close(signal) {
      // A quit sent to an unreachable Redis is never answered: past the deadline, connections are dropped.
      void whenAborted(signal).then(() => connections.forEach((connection) => connection.disconnect()));
      await closeConnections();
      await Promise.race([database.close(), whenAborted(signal)]);
    },
  };
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

/** Start-up fails at once when Redis is not there at all; outages later on are ridden out instead. */
async function probeRedis(url: string): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // The failure is reported by connect() below; without a listener it would also crash the process.
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } finally {
    probe.disconnect();
  }
}
