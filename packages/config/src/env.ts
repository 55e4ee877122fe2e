// The one place that reads the environment. Everything else receives a parsed
// `Env` as a parameter, so tests hand in exactly the configuration they need.
import { z } from "zod";
import { hasCredentials, loadModelsConfig, type ModelsConfig, type ModelsConfigSettings } from "./models.ts";

const optionalString = z.string().trim().optional();

// Flags accept the usual spellings in any case ("1", "true", "Yes", "ON"…); unset means off.
const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(["1", "0", "true", "false", "yes", "no", "on", "off"]))
  .optional()
  .transform((value) => value === "1" || value === "true" || value === "yes" || value === "on");

// Digits only: z.coerce.number() would also read "1e3" as 1000 and "0x10" as 16.
const wholeNumber = z.string().trim().regex(/^\d+$/, "must be a whole number").transform(Number);
const port = wholeNumber.pipe(z.number().max(65_535, "must be a port number (0-65535)"));
const positiveInt = wholeNumber.pipe(z.number().min(1, "must be at least 1"));

/**
 * Blank variables count as unset, so their defaults apply: `KEY=` lines in .env files and
 * compose's `${KEY:-}` pass empty strings, and `HTTP_PORT=""` must not become port 0.
 */
function withoutBlankValues(source: unknown): unknown {
  if (typeof source !== "object" || source === null) return source;
  return Object.fromEntries(
    Object.entries(source).filter(([, value]) => !(typeof value === "string" && value.trim() === "")),
  );
}

export const envSchema = z.preprocess(
  withoutBlankValues,
  z
    .object({
      NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
      // Unset: "info", but "warn" while serving the console chat so logs do not drown the conversation.
      LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),

      DATABASE_URL: optionalString.pipe(
        z
          .url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" })
          .optional(),
      ),
      DATA_DIR: z.string().default("./data"),

      REDIS_URL: z
        .url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" })
        .default("redis://127.0.0.1:6379"),
      QUEUE_PREFIX: z
        .string()
        .regex(/^[A-Za-z0-9_.:-]+$/, "may hold only letters, digits and _ . : -")
        .default("memebot"),

      TELEGRAM_BOT_TOKEN: optionalString.pipe(
        z
          .string()
          .regex(/^\d+:[A-Za-z0-9_-]+$/, "must look like 123456:ABC-DEF… (from @BotFather)")
          .optional(),
      ),
      TELEGRAM_API_ROOT: z.url({ error: "must be a URL" }).default("https://api.telegram.org"),
      TELEGRAM_WEBHOOK_URL: optionalString.pipe(
        z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
      ),
      // Anyone who knows the webhook URL can post forged updates unless the secret is unguessable.
      TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(
        z
          .string()
          .regex(/^[A-Za-z0-9_-]*$/, "may hold only A-Z a-z 0-9 _ - (Telegram's rule)")
          .min(32, "must be at least 32 characters long (e.g. `openssl rand -hex 32`)")
          .max(256, "must be at most 256 characters long (Telegram's rule)")
          .optional(),
      ),

      DISCORD_TOKEN: optionalString,
      DISCORD_APPLICATION_ID: optionalString.pipe(z.string().regex(/^\d+$/, "must be numeric").optional()),
      DISCORD_API_BASE: z.url({ error: "must be a URL" }).default("https://discord.com/api"),
      DISCORD_REGISTER_COMMANDS: flag,
      DISCORD_GUILD_ID: optionalString.pipe(z.string().regex(/^\d+$/, "must be numeric").optional()),
      /** `1` asks for the privileged Message Content intent (all chatter, for sentiment); enable it in the portal too. */
      DISCORD_MESSAGE_CONTENT: flag,

      LLM_BASE_URL: optionalString.pipe(
        z
          .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
          .refine(
            (url) => !hasCredentials(url),
            "must not hold a user name or password: put the key in LLM_API_KEY",
          )
          .optional(),
      ),
      // Most self-hosted servers ignore the key, but the openai client refuses to start without one.
      LLM_API_KEY: optionalString,
      LLM_MODEL: z.string().default("qwen2.5:7b-instruct"),
      LLM_TIMEOUT_MS: positiveInt.default(20_000),
      // The model gateway's providers and tasks (a YAML or JSON file); wins over the LLM_* shorthand.
      MODELS_CONFIG: optionalString,

      // /imagine draws pictures through an OpenAI-compatible images endpoint (LocalAI, a Stable
      // Diffusion or Flux server behind one) when this is set; without it, it answers with the prompts.
      IMAGE_API_BASE_URL: optionalString.pipe(
        z
          .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
          .refine(
            (url) => !hasCredentials(url),
            "must not hold a user name or password: put the key in IMAGE_API_KEY",
          )
          .optional(),
      ),
      IMAGE_API_KEY: optionalString,
      IMAGE_MODEL: z.string().trim().min(1).default("stablediffusion"),
      // How the negative prompt is sent: "field" (`negative_prompt` in the body, as most SD/Flux
      // servers take it), "pipe" ("prompt|negative", LocalAI's way) or "off".
      IMAGE_NEGATIVE_PROMPT: z.enum(["field", "pipe", "off"]).default("field"),
      // SDXL and Flux draw 1024x1024; LocalAI's CPU Stable Diffusion (NCNN) only 256x256 or 512x512.
      IMAGE_SIZE: z
        .string()
        .trim()
        .regex(/^[1-9]\d{1,3}x[1-9]\d{1,3}$/, "must be <width>x<height>, e.g. 1024x1024")
        .default("1024x1024"),
      // Below the meme.imagine job's 180 s limit, so a slow server is reported before the job is cut off.
      IMAGE_TIMEOUT_MS: positiveInt
        .pipe(z.number().max(170_000, "must be at most 170000 (the /imagine job's limit is 180 s)"))
        .default(120_000),

      HTTP_PORT: port.default(3000),
      HTTP_HOST: z.string().default("0.0.0.0"),
      // /metrics on a listener of its own (e.g. a private interface) instead of HTTP_PORT.
      METRICS_PORT: port.optional(),
      METRICS_HOST: optionalString,
      // When set, /metrics answers only requests with `Authorization: Bearer <METRICS_TOKEN>`.
      METRICS_TOKEN: optionalString.pipe(
        z.string().min(16, "must be at least 16 characters long").optional(),
      ),
      // Where users reach the bot's pages (the wallet verification page): the address in front of
      // HTTP_PORT, e.g. behind a reverse proxy. Kept without a trailing slash, so paths join with "/".
      PUBLIC_URL: optionalString.pipe(
        z
          .url({
            protocol: /^https?$/,
            error: "must be an absolute http:// or https:// URL, e.g. https://bot.example.com",
          })
          .refine((url) => {
            // Checked even when the URL check above failed; that failure is the one worth reporting then.
            if (!URL.canParse(url)) return true;
            const parsed = new URL(url);
            return !parsed.username && !parsed.password && !parsed.search && !parsed.hash;
          }, "must be a plain address users open (no user name, password, ?query or #fragment)")
          .transform((url) => {
            const parsed = new URL(url);
            return `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
          })
          .optional(),
      ),

      // An unreachable database must fail a command fast, not hang it.
      DATABASE_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),
      DATABASE_STATEMENT_TIMEOUT_MS: positiveInt.default(10_000),

      WORKER_CONCURRENCY: positiveInt.default(8),
      // How long a job's lock lives without renewal; a killed worker's job is retried after about this long.
      JOB_LOCK_MS: positiveInt.default(30_000),
      SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),

      // The console chat saves the pictures of answers here (a terminal cannot show them) and prints their paths.
      CONSOLE_PICTURES_DIR: z.string().min(1).default("./memes"),

      // Token gates read mints and holdings here. The public endpoint is heavily rate-limited: a
      // community of any size wants its own (Helius, QuickNode, Triton… keys in the URL are kept out of logs).
      SOLANA_RPC_URL: z
        .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
        .default("https://api.mainnet-beta.solana.com"),
      // Comma-separated, tried in order when SOLANA_RPC_URL fails or rate-limits.
      SOLANA_RPC_FALLBACK_URLS: z
        .string()
        .transform((text) =>
          text
            .split(",")
            .map((url) => url.trim())
            .filter((url) => url !== ""),
        )
        .pipe(
          z.array(
            z.url({
              protocol: /^https?$/,
              error: "must be a comma-separated list of http:// or https:// URLs",
            }),
          ),
        )
        .default([]),
      // Requests a second to each of those endpoints: the public endpoint allows about 10 per address;
      // a paid plan's allowance (50, 100, …) makes re-verification passes of large communities faster.
      SOLANA_RPC_REQUESTS_PER_SECOND: positiveInt
        .pipe(z.number().max(10_000, "must be at most 10000"))
        .default(10),
    })
    .superRefine(
      (env, ctx) => {
        if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
          ctx.addIssue({
            code: "custom",
            path: ["TELEGRAM_WEBHOOK_SECRET"],
            message: "is required when TELEGRAM_WEBHOOK_URL is set (Telegram sends it with every update)",
          });
        }
        if (env.METRICS_HOST && env.METRICS_PORT === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["METRICS_HOST"],
            message: "needs METRICS_PORT (the host of /metrics' own listener)",
          });
        }
        if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_BOT_TOKEN) {
          ctx.addIssue({
            code: "custom",
            path: ["TELEGRAM_BOT_TOKEN"],
            message: "is required when TELEGRAM_WEBHOOK_URL is set",
          });
        }
      },
      // Run even when other variables are wrong, so one start-up names every problem. The rules only
      // ask whether a variable was given, which holds for an invalid value too.
      { when: () => true },
    ),
);

export type Env = z.infer<typeof envSchema> & {
  /** The model gateway's configuration: MODELS_CONFIG's file, the LLM_* shorthand, or none. */
  models: ModelsConfig;
};

export class EnvError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid environment:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Parses the environment, throwing an EnvError that names every missing or wrong variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const name = issue.path.join(".") || "(environment)";
        // Never echo the received value: it may be a secret.
        return `${name} ${issue.message.replace(/^Invalid (?:input|option): expected/, "must be")}`;
      });
  // Loaded even when other variables are wrong, so one start-up names the file's problems too.
  const models = loadModelsConfig(modelsSettingsOf(result.success ? result.data : undefined, source));
  if (!models.ok) problems.push(...models.problems);
  if (!result.success || !models.ok) throw new EnvError(problems);
  return { ...result.data, models: models.config };
}

function modelsSettingsOf(
  env: z.infer<typeof envSchema> | undefined,
  source: Record<string, string | undefined>,
): ModelsConfigSettings {
  if (env) {
    return {
      path: env.MODELS_CONFIG,
      shorthand: { baseURL: env.LLM_BASE_URL, apiKey: env.LLM_API_KEY, model: env.LLM_MODEL },
      timeoutMs: env.LLM_TIMEOUT_MS,
      workerConcurrency: env.WORKER_CONCURRENCY,
      variables: source,
    };
  }
  // The environment is invalid and start-up fails anyway: only the file's own problems matter,
  // so the numbers that merely fill in defaults can be the schema's defaults.
  return {
    path: source.MODELS_CONFIG?.trim() || undefined,
    timeoutMs: 20_000,
    workerConcurrency: 8,
    variables: source,
  };
}

/** Values that must never appear in logs. */
export function secretsOf(env: Env): string[] {
  const secrets = [
    env.TELEGRAM_BOT_TOKEN,
    env.DISCORD_TOKEN,
    env.LLM_API_KEY,
    env.TELEGRAM_WEBHOOK_SECRET,
    env.METRICS_TOKEN,
    env.IMAGE_API_KEY,
    ...env.models.providers.map((provider) => provider.apiKey),
  ];
  const urls = [
    env.DATABASE_URL,
    env.REDIS_URL,
    env.LLM_BASE_URL,
    env.IMAGE_API_BASE_URL,
    env.TELEGRAM_API_ROOT,
    env.TELEGRAM_WEBHOOK_URL,
    env.DISCORD_API_BASE,
    ...env.models.providers.map((provider) => provider.baseURL),
    env.SOLANA_RPC_URL,
    ...env.SOLANA_RPC_FALLBACK_URLS,
  ];
  // Solana RPC providers put the key in the path too (QuickNode's /<token>/, Alchemy's /v2/<key>).
  for (const text of [env.SOLANA_RPC_URL, ...env.SOLANA_RPC_FALLBACK_URLS]) {
    for (const segment of new URL(text).pathname.split("/")) {
      if (looksLikeKey(decodedOrSame(segment))) secrets.push(segment, decodedOrSame(segment));
    }
  }
  // A webhook path often carries the hard-to-guess segment that keeps strangers off it (/telegram/<random>).
  if (env.TELEGRAM_WEBHOOK_URL) {
    for (const segment of new URL(env.TELEGRAM_WEBHOOK_URL).pathname.split("/")) {
      if (looksLikeKey(decodedOrSame(segment))) secrets.push(segment, decodedOrSame(segment));
    }
  }
  for (const text of urls) {
    if (!text) continue;
    const url = new URL(text);
    if (url.password) secrets.push(url.password, decodedOrSame(url.password));
    // A user name without a password is often the key itself (https://<key>@host/, redis://<token>@…).
    // Ordinary user names (memebot, default) stay: scrubbing them would blank every log line naming them.
    if (url.username && !url.password && looksLikeKey(decodedOrSame(url.username))) {
      secrets.push(url.username, decodedOrSame(url.username));
    }
    // e.g. an endpoint that takes its key as `?key=…`: the value as written and as the server reads it.
    for (const parameter of url.search.slice(1).split("&")) {
      const [name = "", value = ""] = parameter.split(/=(.*)/s);
      if (CREDENTIAL_PARAMETER.test(decodedOrSame(name))) {
        secrets.push(value, decodedOrSame(value.replaceAll("+", " ")));
      }
    }
  }
  const kept = secrets.filter((secret): secret is string => typeof secret === "string" && secret.length >= 4);
  // The shorthand provider repeats LLM_API_KEY and LLM_BASE_URL.
  return [...new Set(kept)];
}

/** Long and mixed like a generated key or token (16+ characters with a digit), not a person's or service's name. */
const looksLikeKey = (text: string) => text.length >= 16 && /\d/.test(text);

/** Query parameter names that carry a credential (key, api_key, access_token, password, client_secret, sig…). */
const CREDENTIAL_PARAMETER = /(?:key|token|passwd|password|pwd|secret|signature|sig|auth)$/i;

/** With no chat platform configured, the bot serves the terminal console chat. */
export const servesConsole = (env: Env): boolean => !env.TELEGRAM_BOT_TOKEN && !env.DISCORD_TOKEN;

/** A URL's password as the server receives it; one with a stray "%" stays as written instead of throwing. */
function decodedOrSame(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
