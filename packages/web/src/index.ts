// The HTTP side of the bot (Fastify): health, metrics, the Telegram webhook and the wallet verification page.
export {};
