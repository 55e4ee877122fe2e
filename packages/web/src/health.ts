import type { FastifyBaseLogger, FastifyPluginAsync } from "fastify";

/** What each check found: `true` when healthy, or the reason it is not (for the log, never the answer). */
export type HealthChecks = Record<string, true | string>;

export type HealthRouteOptions = {
  health: () => Promise<HealthChecks>;
  /** A health function slower than this counts as unhealthy. */
  timeoutMs: number;
  logger: FastifyBaseLogger;
};

async function readHealth({ health, timeoutMs, logger }: HealthRouteOptions) {
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

/**
 * GET /health: 200 when every check passes, 503 naming the failing checks otherwise. Not rate limited:
 * load balancers and orchestrators probe it often, from few addresses.
 */
export function healthRoute(options: HealthRouteOptions): FastifyPluginAsync {
  return async (app) => {
    app.get("/health", { config: { rateLimit: false, quietLog: true } }, async (_request, reply) => {
      const { status, body } = await readHealth(options);
      return reply.code(status).send(body);
    });
  };
}
