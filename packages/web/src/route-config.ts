// What a route may say about itself in its `config`, besides @fastify/rate-limit's `rateLimit`.
declare module "fastify" {
  interface FastifyContextConfig {
    /** Successful answers are logged at debug, not info: probes, scrapes and webhooks come all day long. */
    quietLog?: boolean;
    /**
     * Logged instead of the route's path, for a path that is itself a credential (a webhook URL with
     * a hard-to-guess segment); the path never reaches the log then.
     */
    logAs?: string;
  }
}

export {};
