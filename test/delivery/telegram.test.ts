import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlatformSender, DeliveryError, type PlatformSender } from "@memebot/delivery";
import { createTelegramSender } from "@memebot/delivery/telegram";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { isRecordedFile } from "../fakes/shared/http.ts";
import { rejectionOf, picture } from "./support.ts";

let telegram: FakeTelegram;
let sender: PlatformSender;
let nextChat = -1_001_000_000_100;
const newGroup = () => String((nextChat -= 1));

beforeAll(async () => {
  telegram = await startFakeTelegram();
  sender = createPlatformSender({ telegram: { token: telegram.token, apiRoot: telegram.apiRoot } });
});
afterAll(async () => {
  await telegram.close();
});

describe("Telegram delivery", () => {
  it("answers in the chat, as a reply to the command, in its topic", async () => {
    const chatId = newGroup();
    await sender.send(
      { platform: "telegram", chatId, replyToMessageId: 41, messageThreadId: 7 },
      { text: "TOP\nBOTTOM" },
    );

    const call = await telegram.waitForCall(
      "sendMessage",
      (entry) => String(entry.params.chat_id) === chatId,
    );
    expect(call.params).toMatchObject({
      text: "TOP\nBOTTOM",
      message_thread_id: 7,
      reply_parameters: { message_id: 41, allow_sending_without_reply: true },
    });
    expect(call.error).toBeUndefined();
    expect(telegram.sentMessages(Number(chatId))).toHaveLength(1);
  });

  it("sends a picture with the text as its caption", async () => {
    const chatId = newGroup();
    await sender.send(
      { platform: "telegram", chatId, replyToMessageId: 3 },
      { text: "caption here", picture: picture() },
    );

    const call = await telegram.waitForCall("sendPhoto", (entry) => String(entry.params.chat_id) === chatId);
    expect(call.params.caption).toBe("caption here");
    expect(isRecordedFile(call.params.photo)).toBe(true);
    expect(call.params.reply_parameters).toMatchObject({ message_id: 3 });
    expect(call.error).toBeUndefined();
  });

  it("reports Telegram's flood limit as retryable after the wait it asks for", async () => {
    telegram.failNext("sendMessage", {
      error_code: 429,
      description: "Too Many Requests: retry after 7",
      retry_after: 7,
    });
    const error = await rejectionOf(
      sender.send({ platform: "telegram", chatId: newGroup() }, { text: "hi" }),
    );

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({
      reason: "rate_limited",
      retryable: true,
      retryAfterMs: 7_000,
      status: 429,
    });
  });

  it("reports a bot kicked from the group as a permanent failure", async () => {
    const chatId = newGroup();
    telegram.setChatMember(Number(chatId), telegram.bot.id, "kicked");
    const error = await rejectionOf(sender.send({ platform: "telegram", chatId }, { text: "hi" }));

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ platform: "telegram", reason: "forbidden", retryable: false, status: 403 });
    expect((error as Error).message).toContain("kicked");
  });

  it("reports a bad request as permanent and a server error as retryable", async () => {
    telegram.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
    const badRequest = await rejectionOf(
      sender.send({ platform: "telegram", chatId: newGroup() }, { text: "x" }),
    );
    telegram.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" });
    const serverError = await rejectionOf(
      sender.send({ platform: "telegram", chatId: newGroup() }, { text: "x" }),
    );

    expect(badRequest).toMatchObject({ reason: "rejected", retryable: false, status: 400 });
    expect(serverError).toMatchObject({ reason: "unavailable", retryable: true, status: 502 });
  });

  it("follows a group that became a supergroup to its new id", async () => {
    const oldId = newGroup();
    const newId = -1_009_999_000_001;
    telegram.failNext("sendMessage", {
      error_code: 400,
      description: "Bad Request: group chat was upgraded to a supergroup chat",
      migrate_to_chat_id: newId,
    });
    await sender.send({ platform: "telegram", chatId: oldId }, { text: "still here" });

    const call = await telegram.waitForCall("sendMessage", (entry) => Number(entry.params.chat_id) === newId);
    expect(call.params.text).toBe("still here");
    expect(call.error).toBeUndefined();
  });

  it("reports an unreachable Bot API as retryable, without the token in the message", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const offline = createPlatformSender({
      telegram: { token: telegram.token, apiRoot: `http://127.0.0.1:${port}` },
    });

    const error = await rejectionOf(offline.send({ platform: "telegram", chatId: "-100" }, { text: "x" }));
    expect(error).toMatchObject({ reason: "unavailable", retryable: true });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(
      telegram.token.split(":")[1],
    );
  });

  it("gives up on a Bot API that does not answer within the timeout", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as AddressInfo).port;
    const slow = createPlatformSender({
      telegram: { token: telegram.token, apiRoot: `http://127.0.0.1:${port}` },
      timeoutMs: 200,
    });
    try {
      const started = performance.now();
      const error = await rejectionOf(slow.send({ platform: "telegram", chatId: "-100" }, { text: "x" }));
      expect(error).toMatchObject({ reason: "unavailable", retryable: true });
      expect((error as Error).message).toMatch(/timed out/);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("refuses a Telegram target when no bot token is configured", async () => {
    const noTelegram = createPlatformSender({});
    const error = await rejectionOf(noTelegram.send({ platform: "telegram", chatId: "-1" }, { text: "x" }));
    expect(error).toMatchObject({ reason: "rejected", retryable: false });
  });

  it("sends a text too long for one message as several, all of it, split at line breaks", async () => {
    const chatId = newGroup();
    const lines = Array.from({ length: 300 }, (_, index) => `line ${index} ${"x".repeat(20)}`);
    await sender.send({ platform: "telegram", chatId, replyToMessageId: 9 }, { text: lines.join("\n") });

    const texts = telegram
      .sentMessages(Number(chatId))
      .map((message) => ("text" in message ? message.text : ""));
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.every((text) => text.length <= 4096)).toBe(true);
    expect(texts.join("\n")).toBe(lines.join("\n"));
  });

  it("sends a picture whose text is too long for a caption, then the whole text after it", async () => {
    const chatId = newGroup();
    const text = "word ".repeat(300).trim();
    await sender.send({ platform: "telegram", chatId }, { text, picture: picture() });

    const photo = await telegram.waitForCall("sendPhoto", (entry) => String(entry.params.chat_id) === chatId);
    expect(photo.params.caption).toBeUndefined();
    const message = await telegram.waitForCall(
      "sendMessage",
      (entry) => String(entry.params.chat_id) === chatId,
    );
    expect(message.params.text).toBe(text);
  });

  describe("with retries (the bot's own answers)", () => {
    const waits: number[] = [];
    const retrying = () =>
      createTelegramSender({
        token: telegram.token,
        apiRoot: telegram.apiRoot,
        retry: { attempts: 3, maxRetryAfterMs: 5_000, sleep: async (ms) => void waits.push(ms) },
      });

    it("tries a server error and a flood limit again, waiting what Telegram asks", async () => {
      waits.length = 0;
      const chatId = newGroup();
      telegram.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" });
      telegram.failNext("sendMessage", {
        error_code: 429,
        description: "Too Many Requests: retry after 2",
        retry_after: 2,
      });
      await retrying()({ platform: "telegram", chatId }, { text: "third time lucky" });

      const attempts = telegram
        .callsOf("sendMessage")
        .filter((call) => String(call.params.chat_id) === chatId);
      expect(attempts.map((call) => call.error?.error_code ?? "ok")).toEqual([502, 429, "ok"]);
      expect(waits).toEqual([250, 2_000]);
      expect(telegram.sentMessages(Number(chatId))).toHaveLength(1);
    });

    it("does not wait out a flood limit longer than it may, nor retry a refusal", async () => {
      waits.length = 0;
      telegram.failNext("sendMessage", {
        error_code: 429,
        description: "Too Many Requests",
        retry_after: 60,
      });
      await expect(
        retrying()({ platform: "telegram", chatId: newGroup() }, { text: "x" }),
      ).rejects.toMatchObject({
        reason: "rate_limited",
        retryAfterMs: 60_000,
      });
      const kicked = newGroup();
      telegram.setChatMember(Number(kicked), telegram.bot.id, "kicked");
      await expect(retrying()({ platform: "telegram", chatId: kicked }, { text: "x" })).rejects.toMatchObject(
        {
          reason: "forbidden",
        },
      );
      expect(waits).toEqual([]);
    });

    it("retries only the part of a long answer that failed, never one Telegram accepted", async () => {
      const chatId = newGroup();
      const text = `${"a".repeat(4000)}\n${"b".repeat(4000)}`;
      const sending = retrying()({ platform: "telegram", chatId }, { text });
      // The first part goes through; the second meets a server error once.
      await telegram.waitForCall("sendMessage", (entry) => String(entry.params.chat_id) === chatId);
      telegram.failNext("sendMessage", { error_code: 500, description: "Internal Server Error" });
      await sending;

      const texts = telegram
        .sentMessages(Number(chatId))
        .map((message) => ("text" in message ? message.text : ""));
      expect(texts).toEqual(["a".repeat(4000), "b".repeat(4000)]);
      const attempts = telegram
        .callsOf("sendMessage")
        .filter((call) => String(call.params.chat_id) === chatId);
      expect(attempts.map((call) => call.error?.error_code ?? "ok")).toEqual(["ok", 500, "ok"]);
    });
  });
});
