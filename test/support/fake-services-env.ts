// The environment that points the platform at this machine's PostgreSQL and Redis
// and at the fakes of the outside services; tests add what is particular to them.
import { testDatabaseUrl } from "./database.ts";

export const REDIS_URL = "redis://127.0.0.1:6379";

export function fakeServicesEnv(options: {
  prefix: string;
  telegram?: { token: string; apiRoot: string };
  /** The fake Discord's REST base; the worker needs no bot token to answer interactions. */
  discord?: { apiBase: string };
  model: { baseURL: string };
}): Record<string, string> {
  return {
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL,
    QUEUE_PREFIX: options.prefix,
    ...(options.telegram
      ? { TELEGRAM_BOT_TOKEN: options.telegram.token, TELEGRAM_API_ROOT: options.telegram.apiRoot }
      : {}),
    ...(options.discord ? { DISCORD_API_BASE: options.discord.apiBase } : {}),
    LLM_BASE_URL: options.model.baseURL,
    LLM_MODEL: "fake-model",
  };
}
