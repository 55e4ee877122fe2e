import { describe, expect, it } from "vitest";
import { createLogger } from "@memebot/telemetry";
import { createMemoryDestination } from "./memory-destination.ts";

const TELEGRAM_TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";
const MODEL_API_KEY = "sk-local-3f9a8b7c6d5e4f3a2b1c";
const REDIS_PASSWORD = 'pa"ss\\word-42';

function setup() {
  const destination = createMemoryDestination();
  const logger = createLogger({
    level: "debug",
    secrets: [TELEGRAM_TOKEN, MODEL_API_KEY, REDIS_PASSWORD],
    name: "test",
    destination,
  });
  return { destination, logger };
}

function expectNoSecrets(text: string) {
  expect(text).not.toContain(TELEGRAM_TOKEN);
  expect(text).not.toContain("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1");
  expect(text).not.toContain(MODEL_API_KEY);
  expect(text).not.toContain("ss\\\\word-42");
}

describe("createLogger", () => {
  it("writes JSON lines with the level, name and message intact", () => {
    const { destination, logger } = setup();
    logger.info({ chatId: 42 }, "meme generated for the chat");
    const [record] = destination.records();
    expect(record).toMatchObject({ level: 30, name: "test", chatId: 42, msg: "meme generated for the chat" });
  });

  it("drops records below the configured level", () => {
    const destination = createMemoryDestination();
    const logger = createLogger({ level: "warn", secrets: [], destination });
    logger.info("not shown");
    logger.warn("shown");
    expect(destination.records().map((record) => record.msg)).toEqual(["shown"]);
  });

  it("removes a secret from the message while keeping the surrounding text", () => {
    const { destination, logger } = setup();
    logger.info(`starting bot with token ${TELEGRAM_TOKEN} and key ${MODEL_API_KEY}`);
    expectNoSecrets(destination.text());
    expect(destination.records()[0]?.msg).toBe("starting bot with token [redacted] and key [redacted]");
  });

  it("removes a token embedded in a library error's message and stack", () => {
    const { destination, logger } = setup();
    const error = Object.assign(
      new Error(
        `request to https://api.telegram.org/bot${TELEGRAM_TOKEN}/getMe failed, reason: ECONNREFUSED`,
      ),
      { code: "ECONNREFUSED" },
    );
    logger.error({ err: error }, "telegram unreachable");
    expectNoSecrets(destination.text());
    const err = destination.records()[0]?.err as Record<string, string>;
    expect(err.type).toBe("Error");
    expect(err.code).toBe("ECONNREFUSED");
    expect(err.message).toBe(
      "request to https://api.telegram.org/bot[redacted]/getMe failed, reason: ECONNREFUSED",
    );
    expect(err.stack).toContain("Error: request to https://api.telegram.org/bot[redacted]/getMe failed");
    expect(err.stack).toContain("logger.test.ts");
  });

  it("removes a token-shaped value that is not in the secrets list", () => {
    const destination = createMemoryDestination();
    const logger = createLogger({ level: "info", secrets: [], destination });
    logger.error(new Error(`409 Conflict for https://api.telegram.org/bot${TELEGRAM_TOKEN}/getUpdates`));
    expectNoSecrets(destination.text());
    expect(destination.records()[0]?.msg).toBe(
      "409 Conflict for https://api.telegram.org/bot[redacted]/getUpdates",
    );
  });

  it("redacts sensitive keys at the top level and inside nested objects", () => {
    const { destination, logger } = setup();
    logger.info(
      {
        token: "plain-token-value",
        config: { apiKey: "nested-api-key", redis: { password: "nested-password", host: "127.0.0.1" } },
        req: { headers: { authorization: "opaque", "x-api-key": "header-key", accept: "application/json" } },
      },
      "configured",
    );
    const text = destination.text();
    for (const value of ["plain-token-value", "nested-api-key", "nested-password", "opaque", "header-key"]) {
      expect(text).not.toContain(value);
    }
    expect(destination.records()[0]).toMatchObject({
      token: "[redacted]",
      config: { apiKey: "[redacted]", redis: { password: "[redacted]", host: "127.0.0.1" } },
      req: {
        headers: { authorization: "[redacted]", "x-api-key": "[redacted]", accept: "application/json" },
      },
    });
  });

  it("redacts sensitive keys at any depth, including properties of serialized errors", () => {
    const { destination, logger } = setup();
    const error = Object.assign(new Error("Request failed with status code 401"), {
      config: { url: "http://127.0.0.1:8000/v1/chat/completions", headers: { Authorization: "opaque-key" } },
    });
    logger.warn(
      {
        err: error,
        a: { b: { c: { d: { PASSWORD: "deep-password", API_KEY: "deep-key" } } } },
        tokenCount: 512,
      },
      "model call failed",
    );
    const text = destination.text();
    for (const value of ["opaque-key", "deep-password", "deep-key"]) expect(text).not.toContain(value);
    expect(destination.records()[0]).toMatchObject({
      err: {
        config: {
          url: "http://127.0.0.1:8000/v1/chat/completions",
          headers: { Authorization: "[redacted]" },
        },
      },
      a: { b: { c: { d: { PASSWORD: "[redacted]", API_KEY: "[redacted]" } } } },
      // Keys that only resemble sensitive ones are kept.
      tokenCount: 512,
    });
  });

  it("removes a known secret nested deeper than key redaction reaches, even under an innocent key", () => {
    const { destination, logger } = setup();
    logger.info(
      { a: { b: { c: { d: { e: { connection: `redis://:${REDIS_PASSWORD}@localhost` } } } } } },
      "deep",
    );
    expectNoSecrets(destination.text());
    expect(destination.records()[0]).toMatchObject({
      a: { b: { c: { d: { e: { connection: "redis://:[redacted]@localhost" } } } } },
    });
  });

  it("removes Bot and Bearer authorization values from free text but keeps ordinary uses of the words", () => {
    const { destination, logger } = setup();
    const discordToken = "MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB";
    logger.warn(
      `retrying with header Authorization: Bot ${discordToken}; upstream said Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig123456789`,
    );
    logger.info({ header: `Bot ${discordToken}` }, "Bot started; Bearer of good news");
    const text = destination.text();
    expect(text).not.toContain(discordToken);
    expect(text).not.toContain("eyJhbGciOiJIUzI1NiJ9");
    const [first, second] = destination.records();
    expect(first?.msg).toBe(
      "retrying with header Authorization: Bot [redacted]; upstream said Bearer [redacted]",
    );
    expect(second).toMatchObject({ header: "Bot [redacted]", msg: "Bot started; Bearer of good news" });
  });

  it("keeps every line valid JSON when a secret needs escaping", () => {
    const { destination, logger } = setup();
    logger.info({ note: `quoted ${REDIS_PASSWORD} value` }, `line with\nnewline and ${REDIS_PASSWORD}`);
    expect(destination.text()).not.toContain(JSON.stringify(REDIS_PASSWORD).slice(1, -1));
    expect(destination.lines[0]?.endsWith("\n")).toBe(true);
    expect(destination.records()[0]).toMatchObject({
      note: "quoted [redacted] value",
      msg: "line with\nnewline and [redacted]",
    });
  });

  it("scrubs child logger bindings", () => {
    const { destination, logger } = setup();
    logger
      .child({ botToken: "child-bound", url: `https://api.telegram.org/bot${TELEGRAM_TOKEN}/` })
      .info("child");
    expectNoSecrets(destination.text());
    expect(destination.text()).not.toContain("child-bound");
    expect(destination.records()[0]).toMatchObject({
      botToken: "[redacted]",
      url: "https://api.telegram.org/bot[redacted]/",
    });
  });
});
