// The HTTP side of the bot (Fastify): health, metrics, the Telegram webhook and the wallet verification page.
export { createWebServer, DEFAULT_STATIC_ROOT, startWebServer } from "./server.ts";
export type { RunningWebServer, WebRateLimit, WebRoutes, WebServerOptions } from "./server.ts";
export type { HealthChecks } from "./health.ts";
export type { MetricsSource } from "./metrics.ts";
export { CONTENT_SECURITY_POLICY } from "./security.ts";
export { bearerTokenOf, matchesSecret } from "./secret.ts";
export { requestFields } from "./request-log.ts";
