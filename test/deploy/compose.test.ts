// docker-compose.yml, checked without a Docker engine: against the Compose Specification's JSON
// Schema, and for what a public deployment needs (pinned images, ports on loopback only, a Redis
// with a password that never evicts, each service given only the secrets it uses).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseEnv, secretsOf } from "@memebot/config";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

type PortEntry = string | number | { host_ip?: string; published?: string | number; target?: number };

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: unknown;
  ports?: PortEntry[];
  network_mode?: string;
  healthcheck?: { test?: string | string[] };
}

interface ComposeFile {
  services: Record<string, Service>;
}

const repoFile = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const composeText = readFileSync(repoFile("docker-compose.yml"), "utf8");
// Compose resolves YAML merge keys (`<<: *app`) before anything else; so does this parse.
const rawCompose = parse(composeText, { merge: true }) as ComposeFile;

/** What an operator's .env holds: one recognisable value per secret, and a webhook set up. */
const SECRETS = {
  POSTGRES_PASSWORD: "0f3a9c1e5b7d2f4a6c8e0b1d3f5a7c9e",
  REDIS_PASSWORD: "9e7c5a3f1d0b8e6c4a2f7d5b3e1c9a0f",
  TELEGRAM_BOT_TOKEN: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
  TELEGRAM_WEBHOOK_SECRET: "webhook-secret-for-the-compose-test-0123456789",
  DISCORD_TOKEN: "discord-bot-token-for-the-compose-test",
  LLM_API_KEY: "llm-api-key-for-the-compose-test",
  METRICS_TOKEN: "metrics-token-for-the-compose-test",
} as const;
type SecretName = keyof typeof SECRETS;
const DOT_ENV: Record<string, string> = {
  ...SECRETS,
  TELEGRAM_WEBHOOK_URL: "https://bot.example.com/telegram/webhook",
  LLM_BASE_URL: "http://ollama:11434/v1",
  // What a developer's .env often holds for `pnpm start`; compose must not pass it on.
  REDIS_URL: "redis://127.0.0.1:6379",
};

/** Which secrets each container may see. The worker answers Discord through interaction webhooks. */
const SECRETS_BY_SERVICE: Record<string, SecretName[]> = {
  postgres: ["POSTGRES_PASSWORD"],
  redis: ["REDIS_PASSWORD"],
  bot: [
    "POSTGRES_PASSWORD",
    "REDIS_PASSWORD",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "DISCORD_TOKEN",
    "METRICS_TOKEN",
  ],
  worker: [
    "POSTGRES_PASSWORD",
    "REDIS_PASSWORD",
    "TELEGRAM_BOT_TOKEN",
    "DISCORD_TOKEN",
    "LLM_API_KEY",
    "METRICS_TOKEN",
  ],
  ollama: [],
};

class MissingVariableError extends Error {}

// Compose's variable syntax: $$ (a literal $), $NAME, ${NAME}, ${NAME:-default}, ${NAME-default},
// ${NAME:?error}, ${NAME?error}, ${NAME:+replacement}, ${NAME+replacement}.
const VARIABLE = /\$(?:(\$)|\{([A-Za-z_]\w*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_]\w*))/g;

/** A string with compose's variable substitution done, as `docker compose` would with this .env. */
function interpolate(text: string, variables: Record<string, string>): string {
  return text.replace(VARIABLE, (_match, dollar, braced, operator, argument, bare) => {
    if (dollar) return "$";
    const name = (braced ?? bare) as string;
    const value = variables[name];
    const isSet = value !== undefined;
    const isFilled = isSet && value !== "";
    switch (operator as string | undefined) {
      case undefined:
        return value ?? "";
      case ":-":
        return isFilled ? value : argument;
      case "-":
        return isSet ? value : argument;
      case ":?":
      case "?":
        if (operator === ":?" ? !isFilled : !isSet) throw new MissingVariableError(`${name}: ${argument}`);
        return value ?? "";
      case ":+":
        return isFilled ? argument : "";
      case "+":
        return isSet ? argument : "";
      default:
        throw new Error(`unsupported substitution in ${text}`);
    }
  });
}

/** The whole file with its variables substituted (values only, as compose does). */
function interpolated(value: unknown, variables: Record<string, string>): unknown {
  if (typeof value === "string") return interpolate(value, variables);
  if (Array.isArray(value)) return value.map((item) => interpolated(item, variables));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolated(item, variables)]),
    );
  }
  return value;
}

const compose = interpolated(rawCompose, DOT_ENV) as ComposeFile;

function serviceOf(file: ComposeFile, name: string): Service {
  const service = file.services[name];
  if (!service) throw new Error(`docker-compose.yml has no service "${name}"`);
  return service;
}

/** A service's environment as the container gets it, from either of compose's two forms. */
function environmentOf(service: Service): Record<string, string> {
  const { environment } = service;
  if (environment === undefined) return {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const equals = entry.indexOf("=");
        return equals < 0 ? [entry, ""] : [entry.slice(0, equals), entry.slice(equals + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [key, value === null ? "" : String(value)]),
  );
}

const commandOf = (service: Service): string[] =>
  typeof service.command === "string" ? service.command.split(/\s+/) : (service.command ?? []);

const healthcheckOf = (service: Service): string => [service.healthcheck?.test ?? []].flat().join(" ");

/** The host address a published port listens on; undefined means every interface. */
function hostAddressOf(port: PortEntry): string | undefined {
  if (typeof port === "number") return undefined;
  if (typeof port === "object") return port.host_ip;
  const spec = port.replace(/\/\w+$/, "");
  const bracketed = /^\[([^\]]+)\]:/.exec(spec);
  if (bracketed) return bracketed[1];
  const parts = spec.split(":");
  return parts.length === 3 ? parts[0] : undefined;
}

/** The hash git gives a file's content: proves the vendored schema is the published one, unedited. */
function gitBlobHash(content: Buffer): string {
  return createHash("sha1")
    .update(Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]))
    .digest("hex");
}

function composeSchemaValidator() {
  const schemaFile = readFileSync(repoFile("test/deploy/compose-spec.json"));
  // compose-go v2.13.0, schema/compose-spec.json; see compose-spec.NOTICE.md.
  expect(gitBlobHash(schemaFile)).toBe("fe0e45d68542fee8ba7b1e483760c2f8802f8a4c");
  // The schema declares draft 2020-12. Union types ("string or number") are how Compose accepts
  // ${VARIABLES} in numeric fields; strict mode still rejects unknown keywords and formats.
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strictTypes: false });
  return ajv.compile(JSON.parse(schemaFile.toString("utf8")) as object);
}

describe("docker-compose.yml", () => {
  it("GIVEN the Compose Specification's schema THEN the file is valid, before and after substitution", () => {
    const validate = composeSchemaValidator();
    for (const file of [rawCompose, compose]) {
      const valid = validate(file);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
    // The validator is not one that passes everything.
    const misspelt = {
      ...rawCompose,
      services: { bot: { ...serviceOf(rawCompose, "bot"), enviroment: {} } },
    };
    expect(validate(misspelt)).toBe(false);
  });

  it("GIVEN each service's image THEN it is pinned to an exact version, never latest", () => {
    for (const [name, service] of Object.entries(rawCompose.services)) {
      if (service.image === undefined) {
        expect(service.build, `${name} has neither image nor build`).toBeDefined();
        continue;
      }
      if (service.image.includes("@sha256:")) continue;
      const afterRepository = service.image.slice(service.image.lastIndexOf("/") + 1);
      const tag = afterRepository.includes(":") ? afterRepository.split(":")[1] : "latest";
      // At least major.minor: a bare major (`16-alpine`) moves to every new minor release.
      expect(tag, `${name}: ${service.image}`).toMatch(/^v?\d+\.\d+(\.\d+)?([-.][\w.-]+)?$/);
    }
  });

  it("GIVEN published ports THEN each listens on loopback only", () => {
    let published = 0;
    for (const [name, service] of Object.entries(rawCompose.services)) {
      expect(service.network_mode, `${name} shares the host's network`).not.toBe("host");
      for (const port of service.ports ?? []) {
        published += 1;
        expect(["127.0.0.1", "::1"], `${name}: ${JSON.stringify(port)}`).toContain(hostAddressOf(port));
      }
    }
    // The bot's /health and /metrics and the webhook; ollama's API with its profile.
    expect(published).toBeGreaterThanOrEqual(2);
  });

  it("GIVEN Redis THEN it needs the password from .env, never evicts keys, and its healthcheck logs in", () => {
    const redis = serviceOf(rawCompose, "redis");
    const command = commandOf(redis);
    const passwordArgument = command[command.indexOf("--requirepass") + 1];
    // `:?`, not `${REDIS_PASSWORD}`: an unset variable would become `--requirepass ""`, an open Redis.
    expect(command).toContain("--requirepass");
    expect(passwordArgument).toMatch(/^\$\{REDIS_PASSWORD:\?[^}]*\}$/);
    // BullMQ loses jobs and locks if Redis evicts keys under memory pressure.
    expect(command[command.indexOf("--maxmemory-policy") + 1]).toBe("noeviction");

    const healthcheck = healthcheckOf(redis);
    expect(healthcheck).toMatch(/REDISCLI_AUTH=|\s-a\s|--pass\s/);
    expect(healthcheck).toMatch(/\$\$?\{?REDIS_PASSWORD/);
    // redis-cli prints NOAUTH for a wrong password; only PONG means healthy.
    expect(healthcheck).toContain("PONG");
  });

  it("GIVEN PostgreSQL THEN its password comes from .env and its healthcheck logs in with it", () => {
    const postgres = serviceOf(rawCompose, "postgres");
    expect(environmentOf(postgres).POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?[^}]*\}$/);
    const healthcheck = healthcheckOf(postgres);
    expect(healthcheck).toMatch(/PGPASSWORD=\S*POSTGRES_PASSWORD/);
    // The image trusts the socket and loopback without a password: the check must come in another way.
    const host = /\s-h\s+(\S+)/.exec(healthcheck)?.[1];
    expect(host, "the healthcheck must connect over TCP (-h)").toBeDefined();
    expect(["localhost", "127.0.0.1", "::1"]).not.toContain(host);
  });

  it("GIVEN no REDIS_PASSWORD or POSTGRES_PASSWORD in .env THEN compose refuses to start, naming it", () => {
    for (const missing of ["REDIS_PASSWORD", "POSTGRES_PASSWORD"]) {
      const { [missing]: _dropped, ...rest } = DOT_ENV;
      expect(() => interpolated(rawCompose, rest)).toThrow(new RegExp(`^${missing}: .*\\.env`));
      expect(() => interpolated(rawCompose, { ...rest, [missing]: "" })).toThrow(MissingVariableError);
    }
  });

  it("GIVEN an operator's .env THEN each service receives only the secrets it uses", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      // env_file would hand the container every line of the file.
      expect(service.env_file, `${name} uses env_file`).toBeUndefined();
      const definition = JSON.stringify(service);
      const seen = Object.entries(SECRETS)
        .filter(([, value]) => definition.includes(value))
        .map(([secret]) => secret);
      expect(seen.sort(), name).toEqual(
        [...(SECRETS_BY_SERVICE[name] ?? ["(service not in the table)"])].sort(),
      );
    }
    expect(environmentOf(serviceOf(compose, "worker"))).not.toHaveProperty("TELEGRAM_WEBHOOK_SECRET");
    // The bot never calls a model: no model key reaches it.
    expect(environmentOf(serviceOf(compose, "bot"))).not.toHaveProperty("LLM_API_KEY");
  });

  it("GIVEN the bot's and the worker's environment THEN each parses, and reaches the compose services", () => {
    const bot = serviceOf(compose, "bot");
    const publishedTarget = String(bot.ports?.[0]).split(":").at(-1);
    for (const name of ["bot", "worker"]) {
      const env = parseEnv(environmentOf(serviceOf(compose, name)));
      expect(env.NODE_ENV).toBe("production");
      expect(new URL(env.REDIS_URL)).toMatchObject({ hostname: "redis", password: SECRETS.REDIS_PASSWORD });
      expect(new URL(env.DATABASE_URL ?? "")).toMatchObject({
        hostname: "postgres",
        password: SECRETS.POSTGRES_PASSWORD,
      });
      // The port the image's HEALTHCHECK asks (HTTP_PORT) is the one compose publishes.
      expect(String(env.HTTP_PORT)).toBe(publishedTarget);
      // Every secret the process would scrub from its logs is one this test tracks.
      for (const secret of secretsOf(env)) {
        expect(Object.values(SECRETS), `${name}: an untracked secret`).toContain(secret);
      }
    }
  });
});
