import { LogController, type FastifyReply, type FastifyRequest } from "fastify";
import "./route-config.ts";

/**
 * What a log line says about a request: method, route and path, never the query string (tokens ride
 * in it), headers (Authorization, X-Telegram-Bot-Api-Secret-Token, cookies) or the body. A route that
 * names a `logAs` label is logged by that label alone.
 */
export function requestFields(request: FastifyRequest): Record<string, unknown> {
  const label = request.routeOptions.config?.logAs;
  if (label !== undefined) return { method: request.method, route: label };
  const queryAt = request.url.indexOf("?");
  const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const route = request.routeOptions.url;
  return { method: request.method, ...(route === undefined ? {} : { route }), path };
}

/**
 * Fastify's own request lines quote the raw URL, query string included. These replace them: one
 * line per answered request, at error for 5xx, at debug for 404s (scanners) and for quiet routes
 * (health, metrics, webhook) when they succeed, at info for the rest: a refused webhook or scrape shows.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const fields = {
      ...requestFields(request),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (error) reply.log.error({ ...fields, err: error }, "http request errored");
    else if (reply.statusCode >= 500) reply.log.error(fields, "http request answered");
    else if ((request.routeOptions.config?.quietLog && reply.statusCode < 400) || reply.statusCode === 404) {
      reply.log.debug(fields, "http request answered");
    } else reply.log.info(fields, "http request answered");
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode >= 500)
      reply.log.error({ ...requestFields(request), err: error }, "http handler failed");
  }

  override routeNotFound(): void {}

  override streamError(error: Error, request: FastifyRequest): void {
    request.log.warn({ ...requestFields(request), err: error }, "http response stream failed");
  }

  override writeHeadError(error: Error, request: FastifyRequest): void {
    request.log.warn({ ...requestFields(request), err: error }, "http response headers could not be written");
  }

  override serializerError(
    error: Error,
    request: FastifyRequest,
    _reply: FastifyReply,
    metadata: { statusCode: number },
  ): void {
    request.log.error(
      { ...requestFields(request), err: error, status: metadata.statusCode },
      "http response could not be serialized",
    );
  }
}
