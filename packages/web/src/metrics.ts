import type { FastifyPluginAsync } from "fastify";
import { bearerTokenOf, matchesSecret } from "./secret.ts";

/** What /metrics serves: the Prometheus text of a registry (the telemetry package's `Metrics` is one). */
export type MetricsSource = { render(): Promise<{ contentType: string; body: string }> };

export type MetricsRouteOptions = {
  metrics: MetricsSource;
  /** When set, /metrics answers only requests with `Authorization: Bearer <token>`. */
  token?: string;
};

/** GET /metrics, behind the bearer token when one is set (401 asks for it). */
export function metricsRoute({ metrics, token }: MetricsRouteOptions): FastifyPluginAsync {
  return async (app) => {
    app.get("/metrics", { config: { quietLog: true } }, async (request, reply) => {
      if (token !== undefined && !matchesSecret(bearerTokenOf(request.headers.authorization), token)) {
        return reply.code(401).header("www-authenticate", 'Bearer realm="metrics"').send();
      }
      const { contentType, body } = await metrics.render();
      return reply.code(200).type(contentType).send(body);
    });
  };
}
