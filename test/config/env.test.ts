import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, secretsOf, servesConsole } from "@memebot/config";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

/** The EnvError parseEnv throws for `source`; fails the test when it parses. */
function envErrorOf(source: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error("expected parseEnv to throw an EnvError");
}

describe("parseEnv", () => {
  it("fills in every default from an empty environment", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      NODE_ENV: "development",
      DATA_DIR: "./data",
      REDIS_URL: "redis://127.0.0.1:6379",
      QUEUE_PREFIX: "memebot",
      TELEGRAM_API_ROOT: "https://api.telegram.org",
      DISCORD_API_BASE: "https://discord.com/api",
      DISCORD_REGISTER_COMMANDS: false,
      LLM_MODEL: "qwen2.5:7b-instruct",
      LLM_TIMEOUT_MS: 20_000,
      HTTP_PORT: 3000,
      HTTP_HOST: "0.0.0.0",
      WORKER_CONCURRENCY: 8,
      JOB_LOCK_MS: 30_000,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      CONSOLE_PICTURES_DIR: "./memes",
    });
    expect(env.LOG_LEVEL).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(env.DISCORD_TOKEN).toBeUndefined();
    expect(env.LLM_BASE_URL).toBeUndefined();
  });

  it("reads numbers from their text, trimming spaces", () => {
    const env = parseEnv({ HTTP_PORT: " 8080 ", WORKER_CONCURRENCY: "3", LLM_TIMEOUT_MS: "1500" });
    expect(env.HTTP_PORT).toBe(8080);
    expect(env.WORKER_CONCURRENCY).toBe(3);
    expect(env.LLM_TIMEOUT_MS).toBe(1500);
    // 0 asks the system for a free port.
    expect(parseEnv({ HTTP_PORT: "0" }).HTTP_PORT).toBe(0);
  });

  it("rejects numbers written in any form but plain digits", () => {
    for (const written of ["abc", "1e3", "0x10", "80.5", "-1"]) {
      expect(envErrorOf({ HTTP_PORT: written }).problems, written).toEqual([
        "HTTP_PORT must be a whole number",
      ]);
    }
    expect(envErrorOf({ HTTP_PORT: "65536" }).problems).toEqual([
      "HTTP_PORT must be a port number (0-65535)",
    ]);
    expect(envErrorOf({ WORKER_CONCURRENCY: "0" }).problems).toEqual([
      "WORKER_CONCURRENCY must be at least 1",
    ]);
  });

  it("reads flags from the usual spellings, in any case", () => {
    for (const on of ["1", "true", "TRUE", "yes", "On"]) {
      expect(parseEnv({ DISCORD_REGISTER_COMMANDS: on }).DISCORD_REGISTER_COMMANDS, on).toBe(true);
    }
    for (const off of ["0", "false", "no", "OFF"]) {
      expect(parseEnv({ DISCORD_REGISTER_COMMANDS: off }).DISCORD_REGISTER_COMMANDS, off).toBe(false);
    }
    expect(envErrorOf({ DISCORD_REGISTER_COMMANDS: "maybe" }).problems).toEqual([
      'DISCORD_REGISTER_COMMANDS must be one of "0"|"1"|"true"|"false"|"yes"|"no"|"on"|"off"',
    ]);
  });

  it("treats empty and blank variables as unset, so their defaults apply", () => {
    const env = parseEnv({
      NODE_ENV: "",
      LOG_LEVEL: "",
      HTTP_PORT: "",
      REDIS_URL: " ",
      QUEUE_PREFIX: "",
      WORKER_CONCURRENCY: "",
      DISCORD_REGISTER_COMMANDS: "",
      DATABASE_URL: "",
      TELEGRAM_BOT_TOKEN: "",
      TELEGRAM_WEBHOOK_URL: "",
      DISCORD_TOKEN: "  ",
      LLM_API_KEY: "",
    });
    expect(env).toMatchObject({
      NODE_ENV: "development",
      HTTP_PORT: 3000,
      REDIS_URL: "redis://127.0.0.1:6379",
      QUEUE_PREFIX: "memebot",
      WORKER_CONCURRENCY: 8,
      DISCORD_REGISTER_COMMANDS: false,
    });
    expect(env.LOG_LEVEL).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(env.DISCORD_TOKEN).toBeUndefined();
    expect(env.LLM_API_KEY).toBeUndefined();
    expect(servesConsole(env)).toBe(true);
  });

  it("accepts a complete production configuration", () => {
    const env = parseEnv({
      NODE_ENV: "production",
      LOG_LEVEL: "debug",
      DATABASE_URL: "postgresql://memebot:pw@db:5432/memebot",
      REDIS_URL: "rediss://:pw@cache:6380/2",
      QUEUE_PREFIX: "prod.memebot:v1",
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_URL: "https://bot.example.com/telegram",
      TELEGRAM_WEBHOOK_SECRET: "s3cret_path-value-of-32-characters",
      DISCORD_TOKEN: "discord-token-value",
      DISCORD_APPLICATION_ID: "112233445566778899",
      DISCORD_GUILD_ID: "998877665544332211",
      LLM_BASE_URL: "http://127.0.0.1:8000/v1",
    });
    expect(env).toMatchObject({
      NODE_ENV: "production",
      LOG_LEVEL: "debug",
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_URL: "https://bot.example.com/telegram",
      DISCORD_APPLICATION_ID: "112233445566778899",
    });
    expect(servesConsole(env)).toBe(false);
  });

  it("names every wrong variable at once", () => {
    const error = envErrorOf({
      HTTP_PORT: "abc",
      REDIS_URL: "http://x",
      DATABASE_URL: "mysql://db/memebot",
      NODE_ENV: "staging",
      QUEUE_PREFIX: "has spaces",
      TELEGRAM_BOT_TOKEN: "not-a-token",
      DISCORD_APPLICATION_ID: "abc",
      LLM_BASE_URL: "ftp://models",
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("EnvError");
    expect([...error.problems].sort()).toEqual(
      [
        "HTTP_PORT must be a whole number",
        "REDIS_URL must be a redis:// or rediss:// URL",
        "DATABASE_URL must be a postgres:// or postgresql:// URL",
        'NODE_ENV must be one of "development"|"production"|"test"',
        "QUEUE_PREFIX may hold only letters, digits and _ . : -",
        "TELEGRAM_BOT_TOKEN must look like 123456:ABC-DEF… (from @BotFather)",
        "DISCORD_APPLICATION_ID must be numeric",
        "LLM_BASE_URL must be an http:// or https:// URL",
      ].sort(),
    );
    // The message lists each problem on its own line.
    for (const problem of error.problems) expect(error.message).toContain(`\n  - ${problem}`);
    expect(error.message.startsWith("Invalid environment:\n")).toBe(true);
  });

  it("never echoes a received value, which may be a secret", () => {
    const leaked = "hunter2-SUPER-secret";
    const error = envErrorOf({
      TELEGRAM_BOT_TOKEN: leaked,
      // Long enough, so the one problem named is the character it may not hold.
      TELEGRAM_WEBHOOK_SECRET: `${leaked}-${leaked}!`,
      DATABASE_URL: `mysql://root:${leaked}@db/memebot`,
      REDIS_URL: `http://:${leaked}@cache`,
      NODE_ENV: leaked,
      LOG_LEVEL: leaked,
      HTTP_PORT: leaked,
      DISCORD_REGISTER_COMMANDS: leaked,
      TELEGRAM_API_ROOT: leaked,
      LLM_BASE_URL: `${leaked}://x`,
    });
    expect(error.problems).toHaveLength(10);
    expect(error.message).not.toContain("hunter2");
    expect(error.message).not.toContain("SUPER");
  });

  it("requires a secret and a bot token with a webhook URL", () => {
    expect(envErrorOf({ TELEGRAM_WEBHOOK_URL: "https://bot.example.com/hook" }).problems).toEqual([
      "TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set (Telegram sends it with every update)",
      "TELEGRAM_BOT_TOKEN is required when TELEGRAM_WEBHOOK_URL is set",
    ]);
    expect(
      envErrorOf({ TELEGRAM_WEBHOOK_URL: "https://bot.example.com/hook", TELEGRAM_BOT_TOKEN: TOKEN })
        .problems,
    ).toEqual([
      "TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set (Telegram sends it with every update)",
    ]);
    // An empty secret is no secret.
    expect(
      envErrorOf({
        TELEGRAM_WEBHOOK_URL: "https://bot.example.com/hook",
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_SECRET: "",
      }).problems,
    ).toHaveLength(1);
    // Polling (no webhook URL) needs neither.
    expect(parseEnv({ TELEGRAM_BOT_TOKEN: TOKEN }).TELEGRAM_WEBHOOK_SECRET).toBeUndefined();
  });

  it("reports the webhook rules together with unrelated mistakes", () => {
    expect(
      envErrorOf({ HTTP_PORT: "abc", TELEGRAM_WEBHOOK_URL: "https://bot.example.com/hook" }).problems,
    ).toEqual([
      "HTTP_PORT must be a whole number",
      "TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set (Telegram sends it with every update)",
      "TELEGRAM_BOT_TOKEN is required when TELEGRAM_WEBHOOK_URL is set",
    ]);
  });

  it("does not ask again for a variable that was given but is malformed", () => {
    const problems = envErrorOf({
      TELEGRAM_WEBHOOK_URL: "https://bot.example.com/hook",
      TELEGRAM_BOT_TOKEN: "nope",
      TELEGRAM_WEBHOOK_SECRET: "has spaces",
    }).problems;
    expect(problems).toEqual([
      "TELEGRAM_BOT_TOKEN must look like 123456:ABC-DEF… (from @BotFather)",
      "TELEGRAM_WEBHOOK_SECRET may hold only A-Z a-z 0-9 _ - (Telegram's rule)",
      "TELEGRAM_WEBHOOK_SECRET must be at least 32 characters long (e.g. `openssl rand -hex 32`)",
    ]);
  });

  it("refuses a webhook secret shorter than 32 characters, saying how to make one", () => {
    const webhook = { TELEGRAM_WEBHOOK_URL: "https://bot.example.com/hook", TELEGRAM_BOT_TOKEN: TOKEN };
    expect(envErrorOf({ ...webhook, TELEGRAM_WEBHOOK_SECRET: "a".repeat(31) }).problems).toEqual([
      "TELEGRAM_WEBHOOK_SECRET must be at least 32 characters long (e.g. `openssl rand -hex 32`)",
    ]);
    const secret = "0123456789abcdef0123456789ABCDEF";
    expect(parseEnv({ ...webhook, TELEGRAM_WEBHOOK_SECRET: secret }).TELEGRAM_WEBHOOK_SECRET).toBe(secret);
  });

  it("reads process.env when given no source", () => {
    const before = process.env.QUEUE_PREFIX;
    process.env.QUEUE_PREFIX = "from-process-env";
    try {
      expect(parseEnv().QUEUE_PREFIX).toBe("from-process-env");
    } finally {
      if (before === undefined) delete process.env.QUEUE_PREFIX;
      else process.env.QUEUE_PREFIX = before;
    }
  });
});

describe("secretsOf", () => {
  it("lists the tokens, the API key, the webhook secret and URL passwords", () => {
    const env = parseEnv({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_URL: "https://bot.example.com/hook",
      TELEGRAM_WEBHOOK_SECRET: "webhook_secret_1-of-32-characters",
      DISCORD_TOKEN: "discord.token.value",
      LLM_API_KEY: "sk-local-key",
      DISCORD_API_BASE: "https://user:proxy-pass@discord-proxy.internal/api",
      DATABASE_URL: "postgres://memebot:db%40pass@db:5432/memebot",
      REDIS_URL: "redis://:redis-pass@cache:6379",
    });
    const secrets = secretsOf(env);
    expect(secrets).toEqual(
      expect.arrayContaining([
        TOKEN,
        "webhook_secret_1-of-32-characters",
        "discord.token.value",
        "sk-local-key",
        "proxy-pass",
        "redis-pass",
        // Both spellings: the URL as written, and the password the server sees.
        "db%40pass",
        "db@pass",
      ]),
    );
    // User names and hosts are not secret.
    expect(secrets).not.toContain("memebot");
    expect(secrets).not.toContain("user");
  });

  it("lists credentials of every configured URL: API root passwords and credential query values", () => {
    const env = parseEnv({
      TELEGRAM_API_ROOT: "http://botapi:bot-api-pass@127.0.0.1:8081",
      DISCORD_API_BASE: "https://proxy:discord-proxy-pass@discord-proxy.internal/api",
      LLM_BASE_URL: "https://models.example.com/v1?key=query+key/1&region=eu",
      REDIS_URL: "redis://cache:6379?password=redis-query-pass",
    });
    const secrets = secretsOf(env);
    expect(secrets).toEqual(
      expect.arrayContaining([
        "bot-api-pass",
        "discord-proxy-pass",
        // Both spellings: as written, and as the server reads it.
        "query+key/1",
        "query key/1",
        "redis-query-pass",
      ]),
    );
    // Parameters that are not credentials, and user names, are not secret.
    expect(secrets).not.toContain("eu");
    expect(secrets).not.toContain("botapi");
  });

  it("lists a user name without a password when it looks like a key, never an ordinary user name", () => {
    const env = parseEnv({
      REDIS_URL: "redis://k3yT0ken-abcdef123456@cache:6379",
      DATABASE_URL: "postgres://memebot-service-account@db:5432/memebot",
      TELEGRAM_API_ROOT: "http://botapi@127.0.0.1:8081",
    });
    const secrets = secretsOf(env);
    expect(secrets).toContain("k3yT0ken-abcdef123456");
    expect(secrets).not.toContain("memebot-service-account");
    expect(secrets).not.toContain("botapi");
  });

  it("is empty for the default environment", () => {
    expect(secretsOf(parseEnv({}))).toEqual([]);
  });

  it("skips values too short to scrub without mangling ordinary log text", () => {
    const secrets = secretsOf(parseEnv({ DISCORD_TOKEN: "abc", REDIS_URL: "redis://:pw@cache:6379" }));
    expect(secrets).toEqual([]);
  });

  it("keeps a password with a stray percent sign as written", () => {
    const env = parseEnv({ REDIS_URL: "redis://:50%off-pass@cache:6379" });
    expect(secretsOf(env)).toContain("50%off-pass");
  });
});

describe("servesConsole", () => {
  it("serves the console only when no chat platform is configured", () => {
    expect(servesConsole(parseEnv({}))).toBe(true);
    expect(servesConsole(parseEnv({ TELEGRAM_BOT_TOKEN: TOKEN }))).toBe(false);
    expect(servesConsole(parseEnv({ DISCORD_TOKEN: "discord-token" }))).toBe(false);
  });
});
