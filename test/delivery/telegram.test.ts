import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlatformSender, DeliveryError, type PlatformSender } from "@memebot/delivery";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { isRecordedFile } from "../fakes/shared/http.ts";
import { rejectionOf, writePicture } from "./support.ts";

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
    const imagePath = await writePicture();
    await sender.send(
      { platform: "telegram", chatId, replyToMessageId: 3 },
      { text: "caption here", imagePath },
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
});
