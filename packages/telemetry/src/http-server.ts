import { createHash, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";
import { whenAborted } from "./shutdown.ts";

/** What each check found: `true` when healthy, or the reason it is not (for the log, never the answer). */
export type HealthChecks = Record<string, true | string>;

export type HttpRoute = {
  method: "GET" | "POST";
  /** Exact path, compared without the query string. */
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
};

export type HttpServerOptions = {
  /** 0 picks a free port; the chosen one is reported back. */
  port: number;
  /** Interface to bind; all interfaces when absent. */
  host?: string;
  logger: Logger;
  /** Served at /metrics; no such route without it. */
  metrics?: Metrics;
  /** When set, /metrics answers only requests with `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /**
   * Served at /health (no such route without it): each check is `true` when healthy or a short reason
   * when not. The answer names only the checks and `ok`/`fail`; the reasons go to the log.
   */
  health?: () => Promise<HealthChecks>;
  /** A health function slower than this counts as unhealthy. */
  healthTimeoutMs?: number;
  routes?: HttpRoute[];
};

export type RunningHttpServer = {
  port: number;
  url: string;
  /** Stops listening and waits for requests being answered; once `signal` aborts, cuts them off. */
  close(signal?: AbortSignal): Promise<void>;
};

/** A request body read within a size limit. */
export type RequestBody =
  | { kind: "read"; bytes: Buffer }
  /** Larger than allowed: nothing more is read, and the caller should answer 413. */
  | { kind: "too-large" }
  /** The client went away before the body ended; nobody waits for an answer. */
  | { kind: "aborted" };

/**
 * Reads a body of at most `maxBytes` as raw bytes (decoding them is the caller's business, once, so a
 * character split across two chunks stays whole). A body whose Content-Length says it is larger is
 * refused before any of it is read; a chunked one as soon as it passes the limit. Reading stops
 * there, so no client makes us hold more than `maxBytes`. Answer with `refuseRequest`, which closes
 * the connection rather than reading on.
 */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<RequestBody> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBytes) return Promise.resolve({ kind: "too-large" });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (body: RequestBody) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      resolve(body);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        req.pause();
        finish({ kind: "too-large" });
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => finish({ kind: "read", bytes: Buffer.concat(chunks, received) }));
    // "close" also follows a complete body, but only after "end" has settled it.
    req.once("close", () => finish({ kind: "aborted" }));
    req.once("error", () => finish({ kind: "aborted" }));
  });
}

/**
 * Answers with an empty error status and closes the connection afterwards, so a body left unread (too
 * large, or not worth reading without the right secret) is not read to its end to keep the connection.
 */
export function refuseRequest(
  res: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...headers, connection: "close", "content-length": 0 });
  res.end();
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * Whether a secret presented by a client is the expected one, in constant time. The digests have
 * one length, so timingSafeEqual neither throws nor tells how long the secret is.
 */
export function matchesSecret(given: string | string[] | undefined, expected: string): boolean {
  return typeof given === "string" && timingSafeEqual(sha256(given), sha256(expected));
}

const bearerTokenOf = (authorization: string | undefined) =>
  authorization !== undefined && /^Bearer /i.test(authorization) ? authorization.slice(7).trim() : undefined;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function readHealth(health: () => Promise<HealthChecks>, timeoutMs: number, logger: Logger) {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`health checks took longer than ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const checks = await Promise.race([health(), timeout]);
    const failing = Object.fromEntries(Object.entries(checks).filter(([, check]) => check !== true));
    const healthy = Object.keys(failing).length === 0;
    // The endpoint may be reachable from outside, and reasons quote hosts, users and library errors:
    // they go to the log, and the answer says only which checks fail.
    if (!healthy) logger.warn({ failing }, "health check failing");
    const verdicts = Object.fromEntries(
      Object.entries(checks).map(([name, check]) => [name, check === true ? "ok" : "fail"]),
    );
    return { status: healthy ? 200 : 503, body: { status: healthy ? "ok" : "degraded", checks: verdicts } };
  } catch (error) {
    logger.warn({ err: error }, "health check failed");
    return { status: 503, body: { status: "degraded", checks: { health: "fail" } } };
  } finally {
    clearTimeout(timer);
  }
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { logger, metrics, health, routes = [] } = options;
  const healthTimeoutMs = options.healthTimeoutMs ?? 5_000;

  const builtIn: HttpRoute[] = [];
  if (health !== undefined) {
    builtIn.push({
      method: "GET",
      path: "/health",
      async handler(_req, res) {
        const { status, body } = await readHealth(health, healthTimeoutMs, logger);
        sendJson(res, status, body);
      },
    });
  }
  if (metrics !== undefined) {
    const { metricsToken } = options;
    builtIn.push({
      method: "GET",
      path: "/metrics",
      async handler(req, res) {
        if (
          metricsToken !== undefined &&
          !matchesSecret(bearerTokenOf(req.headers.authorization), metricsToken)
        ) {
          res.writeHead(401, { "www-authenticate": 'Bearer realm="metrics"', "content-length": 0 });
          res.end();
          return;
        }
        const { contentType, body } = await metrics.render();
        res.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
        res.end(body);
      },
    });
  }
  const allRoutes = [...builtIn, ...routes];

  const server = createServer(async (req, res) => {
    let path: string;
    try {
      path = new URL(req.url ?? "/", "http://localhost").pathname;
    } catch {
      sendJson(res, 400, { error: "bad_request" });
      return;
    }
    const route = allRoutes.find((candidate) => candidate.method === req.method && candidate.path === path);
    if (route === undefined) {
      sendJson(res, 404, { error: "not_found" });
      return;
    }
    try {
      await route.handler(req, res);
    } catch (error) {
      logger.error({ err: error, method: req.method, path }, "http handler failed");
      if (res.headersSent) {
        // Part of a response is already out; cutting the connection is the only honest signal left.
        res.destroy();
      } else {
        sendJson(res, 500, { error: "internal_error" });
      }
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => logger.error({ err: error }, "http server error"));

  const port = (server.address() as AddressInfo).port;
  const wildcardHost = options.host === undefined || options.host === "0.0.0.0" || options.host === "::";
  const host = wildcardHost ? "127.0.0.1" : options.host!.includes(":") ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  logger.info({ url }, "http server listening");

  let closing: Promise<void> | undefined;
  return {
    port,
    url,
    close(signal) {
      // A request still being answered when time is up (a webhook update being handled) is cut off;
      // Telegram delivers it again, to another replica or after the restart.
      if (signal) void whenAborted(signal).then(() => server.closeAllConnections());
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets would otherwise hold close() until they time out. Node 19+ already does this
        // inside close(); saying it here keeps the behavior from depending on that.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
