// Pictures travel as bytes and answers carry reply buttons: what each platform receives, read
// back from the fakes as the platforms would parse it (multipart fields, payload_json, files).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OutgoingMessage, ReplyButton } from "@memebot/core";
import {
  createDiscordChannelClient,
  createPlatformSender,
  createTypingIndicator,
  DeliveryError,
  type PlatformSender,
} from "@memebot/delivery";
import { isRecordedFile } from "../fakes/shared/http.ts";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord/server.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { uniqueSnowflake, uniqueTelegramGroupId } from "../support/unique-ids.ts";
import { deferredDiscordInteraction, picture, rejectionOf } from "./support.ts";

const AGAIN: ReplyButton = { label: "🔁 Another one", command: "meme", args: "again r1abc" };
const AGAIN_MARKUP = { inline_keyboard: [[{ text: "🔁 Another one", callback_data: "meme again r1abc" }]] };
const AGAIN_ROW = [
  { type: 1, components: [{ type: 2, style: 2, label: "🔁 Another one", custom_id: "meme again r1abc" }] },
];

let discord: FakeDiscord;
let telegram: FakeTelegram;
let sender: PlatformSender;

beforeAll(async () => {
  [discord, telegram] = await Promise.all([startFakeDiscord(), startFakeTelegram()]);
  sender = createPlatformSender({
    discord: { apiBase: discord.apiBase, botToken: "fake-bot-token" },
    telegram: { token: telegram.token, apiRoot: telegram.apiRoot },
  });
});
afterAll(async () => {
  await Promise.all([discord.close(), telegram.close()]);
});

const meme = (extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  text: "WHEN THE DIP\nKEEPS DIPPING",
  picture: picture("meme-r1abc.png"),
  buttons: [AGAIN],
  ...extra,
});

describe("Telegram: a picture with a button", () => {
  const telegramCalls = (chatId: number) =>
    telegram.calls.filter((call) => Number(call.params.chat_id) === chatId);

  it("sends one photo whose multipart fields carry the bytes, the caption, the reply and the keyboard", async () => {
    const chatId = uniqueTelegramGroupId();
    await sender.send({ platform: "telegram", chatId: String(chatId), replyToMessageId: 12 }, meme());

    const calls = telegramCalls(chatId);
    expect(calls.map((call) => call.method)).toEqual(["sendPhoto"]);
    const [call] = calls;
    expect(call?.encoding).toBe("multipart");
    expect(call?.error).toBeUndefined();
    expect(call?.params).toMatchObject({
      caption: "WHEN THE DIP\nKEEPS DIPPING",
      reply_parameters: { message_id: 12, allow_sending_without_reply: true },
      reply_markup: AGAIN_MARKUP,
    });
    const photo = call?.params.photo;
    expect(isRecordedFile(photo)).toBe(true);
    if (!isRecordedFile(photo)) return;
    expect(photo.filename).toBe("meme-r1abc.png");
    expect(new Uint8Array(photo.bytes)).toEqual(picture().bytes);
    // The chat shows the photo with its button under it.
    const [shown] = telegram.sentMessages(chatId);
    expect(shown && "photo" in shown).toBe(true);
    expect((shown as { reply_markup?: unknown } | undefined)?.reply_markup).toEqual(AGAIN_MARKUP);
  });

  it("puts the button under the last part of a text too long for a caption, not under the picture", async () => {
    const chatId = uniqueTelegramGroupId();
    const text = Array.from({ length: 700 }, (_, index) => `line ${index}`).join("\n");
    await sender.send({ platform: "telegram", chatId: String(chatId) }, meme({ text }));

    const calls = telegramCalls(chatId);
    expect(calls.map((call) => call.method)).toEqual(["sendPhoto", "sendMessage", "sendMessage"]);
    expect(calls[0]?.params.caption).toBeUndefined();
    expect(calls[0]?.params.reply_markup).toBeUndefined();
    expect(calls[1]?.params.reply_markup).toBeUndefined();
    expect(calls[2]?.params.reply_markup).toEqual(AGAIN_MARKUP);
    expect(
      calls
        .slice(1)
        .map((call) => call.params.text)
        .join("\n"),
    ).toBe(text);
  });

  it("puts the keyboard on a text answer without a picture", async () => {
    const chatId = uniqueTelegramGroupId();
    await sender.send({ platform: "telegram", chatId: String(chatId) }, { text: "done", buttons: [AGAIN] });

    const [call] = telegramCalls(chatId);
    expect(call?.method).toBe("sendMessage");
    expect(call?.encoding).toBe("json");
    expect(call?.params.reply_markup).toEqual(AGAIN_MARKUP);
  });

  it("refuses, for good and before any call, a button whose data is over Telegram's 64 bytes", async () => {
    const chatId = uniqueTelegramGroupId();
    // 30 characters but 4 bytes each in UTF-8: 125 bytes of callback_data.
    const long: ReplyButton = { label: "x", command: "meme", args: `again ${"😀".repeat(30)}` };
    const error = await rejectionOf(
      sender.send({ platform: "telegram", chatId: String(chatId) }, meme({ buttons: [long] })),
    );

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ platform: "telegram", reason: "rejected", retryable: false });
    expect((error as Error).message).toContain("64");
    expect(telegramCalls(chatId)).toHaveLength(0);
  });

  it("sends a button whose data is exactly 64 bytes", async () => {
    const chatId = uniqueTelegramGroupId();
    const exact: ReplyButton = { label: "x", command: "meme", args: "a".repeat(64 - "meme ".length) };
    await sender.send({ platform: "telegram", chatId: String(chatId) }, { text: "ok", buttons: [exact] });

    const [call] = telegramCalls(chatId);
    expect(call?.error).toBeUndefined();
  });
});

describe("Discord: a picture with a button", () => {
  it("edits the deferred reply with the file, its attachment entry and a secondary button", async () => {
    const target = await deferredDiscordInteraction(discord);
    await sender.send(target, meme());

    const edit = await discord.waitForOriginalEdit(target.interactionToken);
    expect(edit.body).toMatchObject({
      content: "WHEN THE DIP\nKEEPS DIPPING",
      attachments: [{ id: 0, filename: "meme-r1abc.png" }],
      components: AGAIN_ROW,
      allowed_mentions: { parse: [] },
    });
    expect(edit.files).toHaveLength(1);
    expect(edit.files[0]).toMatchObject({ filename: "meme-r1abc.png", contentType: "image/png" });
    expect(new Uint8Array(edit.files[0]?.bytes ?? [])).toEqual(picture().bytes);
    const shown = discord.originalMessage(target.interactionToken);
    expect(shown?.attachments).toHaveLength(1);
    expect(shown?.components).toEqual(AGAIN_ROW);
  });

  it("posts a channel message with the file and the button, as a reply", async () => {
    const channelId = uniqueSnowflake();
    const replyTo = uniqueSnowflake();
    await sender.send({ platform: "discord", channelId, replyToMessageId: replyTo }, meme());

    const [posted] = discord.channelMessages(channelId);
    expect(posted?.attachments).toMatchObject([{ filename: "meme-r1abc.png", content_type: "image/png" }]);
    expect(posted?.components).toEqual(AGAIN_ROW);
    expect(posted?.message_reference?.message_id).toBe(replyTo);
    const call = discord.calls.find((entry) => entry.path === `/channels/${channelId}/messages`);
    expect(new Uint8Array(call?.files[0]?.bytes ?? [])).toEqual(picture().bytes);
  });

  it("refuses, for good and before any call, a custom_id over Discord's 100 characters", async () => {
    const target = await deferredDiscordInteraction(discord);
    const long: ReplyButton = { label: "x", command: "meme", args: "a".repeat(100) };
    const error = await rejectionOf(sender.send(target, meme({ buttons: [long] })));

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ platform: "discord", reason: "rejected", retryable: false });
    const edits = discord.calls.filter(
      (call) => call.method === "PATCH" && call.path.includes(target.interactionToken),
    );
    expect(edits).toHaveLength(0);
  });
});

describe("chat actions", () => {
  it("shows 'sending a photo' on Telegram when asked, and typing otherwise", async () => {
    const show = createTypingIndicator({
      telegram: { token: telegram.token, apiRoot: telegram.apiRoot },
      intervalMs: { telegram: 60_000 },
    });
    const [photoChat, textChat] = [uniqueTelegramGroupId(), uniqueTelegramGroupId()];
    const stops = [
      show({ platform: "telegram", chatId: String(photoChat) }, "upload_photo"),
      show({ platform: "telegram", chatId: String(textChat) }),
    ];
    const actionIn = async (chatId: number) =>
      (await telegram.waitForCall("sendChatAction", (call) => call.params.chat_id === chatId)).params;
    expect(await actionIn(photoChat)).toMatchObject({ action: "upload_photo" });
    expect(await actionIn(textChat)).toMatchObject({ action: "typing" });
    for (const stop of stops) stop();
  });

  it("shows typing in a Discord channel for a picture too (Discord has nothing else)", async () => {
    const channelId = uniqueSnowflake();
    const show = createTypingIndicator({
      discord: createDiscordChannelClient({
        apiBase: discord.apiBase,
        botToken: "fake-bot-token",
        timeoutMs: 2_000,
      }),
      intervalMs: { discord: 60_000 },
    });
    const stop = show({ platform: "discord", channelId }, "upload_photo");
    await discord.waitForCall((call) => call.path === `/channels/${channelId}/typing`);
    stop();
  });
});
