import { fileURLToPath } from "node:url";
import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyRequest,
} from "fastify";
import { healthRoute, type HealthChecks } from "./health.ts";
import { metricsRoute, type MetricsSource } from "./metrics.ts";
import { RequestLog, requestFields } from "./request-log.ts";
import { HELMET_OPTIONS } from "./security.ts";

/**
 * A feature's routes: a Fastify plugin, registered in a scope of its own (its content type parsers,
 * hooks and error handler stay inside). The server's security headers, rate limit, request log and
 * error answers apply to it. A route opts out of the rate limit with `config: { rateLimit: false }`.
 */
export type WebRoutes = FastifyPluginAsync;

export type WebRateLimit = {
  /** Requests one client address may make per window, on every rate-limited route together. */
  max: number;
  timeWindowMs: number;
};

export type WebServerOptions = {
  /** 0 picks a free port; the chosen one is reported back. */
  port: number;
  /** Interface to bind; all IPv4 interfaces when absent. */
  host?: string;
  logger: FastifyBaseLogger;
  /** Served at /metrics; no such route without it. */
  metrics?: MetricsSource;
  /** When set, /metrics answers only requests with `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /**
   * Served at /health (no such route without it): each check is `true` when healthy or a short reason
   * when not. The answer names only the checks and `ok`/`fail`; the reasons go to the log.
   */
  health?: () => Promise<HealthChecks>;
  /** A health function slower than this counts as unhealthy; 5 s by default. */
  healthTimeoutMs?: number;
  routes?: readonly WebRoutes[];
  /** The directory served under /static/: packages/web/public by default; `false` serves none. */
  staticRoot?: string | false;
  /** Per client address; 120 requests a minute by default. /health and the Telegram webhook are exempt. */
  rateLimit?: WebRateLimit;
  /**
   * Behind a reverse proxy, which hops to believe about the client's address (Fastify's `trustProxy`):
   * without it every client looks like the proxy and they all share one rate limit.
   */
  trustProxy?: boolean | string | string[];
  /** Largest request body a route takes unless it says otherwise; 64 KiB by default. */
  bodyLimit?: number;
};

export type RunningWebServer = {
  port: number;
  url: string;
  /** Stops listening and waits for requests being answered; once `signal` aborts, cuts them off. */
  close(signal?: AbortSignal): Promise<void>;
};

export const DEFAULT_STATIC_ROOT = fileURLToPath(new URL("../public/", import.meta.url));
const DEFAULT_RATE_LIMIT: WebRateLimit = { max: 120, timeWindowMs: 60_000 };

/** Stable ids for the error answers, by status: the body never carries an error's own text. */
const ERROR_IDS: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  406: "not_acceptable",
  408: "request_timeout",
  411: "length_required",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  431: "headers_too_large",
  503: "unavailable",
};

const statusOf = (error: Pick<FastifyError, "statusCode">) =>
  typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 600
    ? error.statusCode
    : 500;

/** Resolves once the signal aborts, never without one. */
function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

/** The Fastify app with everything registered, not yet listening. */
export async function createWebServer(options: WebServerOptions): Promise<FastifyInstance> {
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  const app = Fastify({
    // The project's logger (it scrubs secrets from every line). A `req` logged by anyone is shown as
    // method and path, never the query string or headers.
    loggerInstance: options.logger.child(
      {},
      { serializers: { req: (request: FastifyRequest) => requestFields(request) } },
    ),
    logController: new RequestLog(),
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // A client gets this long to send its whole request; a slow drip cannot hold a socket for minutes.
    requestTimeout: 30_000,
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
  });

  await app.register(fastifyHelmet, HELMET_OPTIONS);
  // Registered before every route, so each route added afterwards (features' too) is limited.
  await app.register(fastifyRateLimit, {
    global: true,
    max: rateLimit.max,
    timeWindow: rateLimit.timeWindowMs,
    cache: 10_000,
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = statusOf(error);
    if (status >= 500) {
      request.log.error({ ...requestFields(request), err: error }, "http handler failed");
    }
    // The error's text may quote internals (hosts, queries, library messages): the client gets an id.
    return reply
      .code(status)
      .send({ error: ERROR_IDS[status] ?? (status >= 500 ? "internal_error" : "bad_request") });
  });
  // Rate limited too, so nobody can probe for paths at full speed.
  app.setNotFoundHandler({ preHandler: app.rateLimit() }, (_request, reply) =>
    reply.code(404).send({ error: "not_found" }),
  );

  if (options.health) {
    await app.register(
      healthRoute({ health: options.health, timeoutMs: options.healthTimeoutMs ?? 5_000, logger: app.log }),
    );
  }
  if (options.metrics) {
    await app.register(
      metricsRoute({
        metrics: options.metrics,
        ...(options.metricsToken === undefined ? {} : { token: options.metricsToken }),
      }),
    );
  }
  const staticRoot = options.staticRoot ?? DEFAULT_STATIC_ROOT;
  if (staticRoot !== false) {
    await app.register(fastifyStatic, {
      root: staticRoot,
      prefix: "/static/",
      // Files only: no directory listings, no index pages, nothing whose name starts with a dot.
      index: false,
      list: false,
      redirect: false,
      dotfiles: "ignore",
      serveDotFiles: false,
      maxAge: "1h",
    });
  }
  for (const routes of options.routes ?? []) await app.register(routes);
  return app;
}

export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const app = await createWebServer(options);
  const host = options.host ?? "0.0.0.0";
  await app.listen({ port: options.port, host });
  app.server.on("error", (error) => app.log.error({ err: error }, "http server error"));

  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const wildcardHost = host === "0.0.0.0" || host === "::";
  const shownHost = wildcardHost ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  options.logger.info({ url }, "http server listening");

  let closing: Promise<void> | undefined;
  return {
    port,
    url,
    close(signal) {
      // A request still being answered when time is up (a webhook update being handled) is cut off;
      // Telegram delivers it again, to another replica or after the restart.
      if (signal) void whenAborted(signal).then(() => app.server.closeAllConnections());
      // Fastify stops listening, answers new requests on open connections with 503, closes idle
      // keep-alive sockets at once and waits for the requests in hand.
      closing ??= app.close();
      return closing;
    },
  };
}
