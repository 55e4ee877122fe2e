// The Telegram webhook as routes of the process's web server: updates POSTed by Telegram to the
// path of TELEGRAM_WEBHOOK_URL, each carrying the secret set with setWebhook.
import { matchesSecret, type WebRoutes } from "@memebot/web";
import type { Update } from "telegraf/types";

export interface TelegramWebhookRoutesOptions {
  /** The URL given to setWebhook; its path (and query, if any) is what Telegram requests. */
  url: string;
  secret: string;
  /** Larger bodies get 413, read no further than this. */
  maxBodyBytes: number;
  /** False before the bot started and once it stops: updates are turned away so Telegram delivers them again. */
  accepting(): boolean;
  /** Resolves once the update is handled (dispatched; its answer goes out on its own). */
  handleUpdate(update: Update): Promise<void>;
  logger: { warn(object: object, message: string): void };
}

const SECRET_HEADER = "x-telegram-bot-api-secret-token";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The update in a webhook body, or undefined when the body is not UTF-8 JSON of an object with an update_id. */
function parseUpdate(bytes: Buffer): Update | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    return undefined;
  }
  const isUpdate =
    typeof parsed === "object" &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Number.isSafeInteger((parsed as { update_id?: unknown }).update_id);
  return isUpdate ? (parsed as Update) : undefined;
}

export function telegramWebhookRoutes(options: TelegramWebhookRoutesOptions): WebRoutes {
  const url = new URL(options.url);
  // The request target as Telegram sends it, query included; the router matches the path alone.
  const target = url.pathname + url.search;
  const { secret, maxBodyBytes, logger } = options;
  return async (app) => {
    // Not telegraf's webhookCallback, which buffers a body of any size and decodes each chunk on its own
    // (garbling a character a chunk boundary cuts in two). The body arrives as bytes, whatever its
    // content type claims, and is decoded once here: strictly, so a malformed byte is refused rather
    // than turned into U+FFFD and dispatched.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
    app.addHook("onError", async (_request, _reply, error) => {
      if (error.statusCode === 413) logger.warn({ maxBodyBytes }, "telegram webhook body too large; refused");
    });
    app.post(
      url.pathname,
      {
        bodyLimit: maxBodyBytes,
        // The sender is Telegram, from few addresses: a per-address limit would drop real updates. The
        // path may itself be a secret, so the log names the route instead.
        config: { rateLimit: false, quietLog: true, logAs: "telegram-webhook" },
        // Runs before the body is read: without the secret, nothing of it is worth reading. The
        // connection is closed after these answers rather than kept by reading the body to its end.
        onRequest: async (request, reply) => {
          if (!options.accepting()) return reply.code(503).header("connection", "close").send();
          if (request.url !== target || !matchesSecret(request.headers[SECRET_HEADER], secret)) {
            return reply.code(403).header("connection", "close").send();
          }
          return undefined;
        },
      },
      async (request, reply) => {
        const update = Buffer.isBuffer(request.body) ? parseUpdate(request.body) : undefined;
        if (!update) {
          const bytes = Buffer.isBuffer(request.body) ? request.body.length : 0;
          logger.warn({ bytes }, "telegram webhook body is not an update; refused");
          return reply.code(400).send({ error: "bad_request" });
        }
        // As telegraf's webhook does: 200 once the update is handled. The gate has then marked it seen,
        // so a redelivery (to this replica or another) is ignored: each update runs once.
        await options.handleUpdate(update);
        return reply.code(200).send();
      },
    );
  };
}
