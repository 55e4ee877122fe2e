// Every message the platform sender posts is inert: on Discord it notifies no one whatever its
// text says (allowed_mentions with nothing allowed), on Telegram no link gets a preview card.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlatformSender, type PlatformSender } from "@memebot/delivery";
import { createTelegramSender } from "@memebot/delivery/telegram";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord/server.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { uniqueTelegramGroupId } from "../support/unique-ids.ts";
import { deferredDiscordInteraction, picture } from "./support.ts";

const PINGS = "@everyone @here <@&123> <@!456> look";

let discord: FakeDiscord;
let telegram: FakeTelegram;
let sender: PlatformSender;

beforeAll(async () => {
  [discord, telegram] = await Promise.all([startFakeDiscord(), startFakeTelegram()]);
  sender = createPlatformSender({
    discord: { apiBase: discord.apiBase },
    telegram: { token: telegram.token, apiRoot: telegram.apiRoot },
  });
});
afterAll(async () => {
  await Promise.all([discord.close(), telegram.close()]);
});

describe("the worker's Discord edit", () => {
  it("allows no mentions when it edits the deferred reply with text", async () => {
    const target = await deferredDiscordInteraction(discord);
    await sender.send(target, { text: PINGS });

    const edit = await discord.waitForOriginalEdit(target.interactionToken);
    expect(edit.body).toMatchObject({ content: PINGS, allowed_mentions: { parse: [] } });
  });

  it("allows no mentions when it edits the deferred reply with a picture", async () => {
    const target = await deferredDiscordInteraction(discord);
    await sender.send(target, { text: PINGS, picture: picture() });

    const edit = await discord.waitForOriginalEdit(target.interactionToken);
    expect(edit.files).toHaveLength(1);
    // Multipart: the JSON part (payload_json) carries the same field.
    expect(edit.body).toMatchObject({ content: PINGS, allowed_mentions: { parse: [] } });
  });

  it("sends the field on every call it makes, failed ones included", async () => {
    const target = await deferredDiscordInteraction(discord);
    discord.failNext({ method: "PATCH", path: /\/webhooks\// }, { status: 503, body: { message: "down" } });
    await sender.send(target, { text: "first try fails" }).catch(() => undefined);
    await sender.send(target, { text: "second try" });

    const patches = discord.calls.filter(
      (call) => call.method === "PATCH" && call.path.includes(target.interactionToken),
    );
    expect(patches.map((call) => call.status)).toEqual([503, 200]);
    for (const call of patches) expect(call.body).toMatchObject({ allowed_mentions: { parse: [] } });
  });
});

describe("Telegram messages", () => {
  const LINKY = "see scam.io and https://t.me/pump";
  const callsIn = (chatId: number) =>
    telegram.callsOf("sendMessage").filter((call) => Number(call.params.chat_id) === chatId);

  it("disable link previews on a plain answer", async () => {
    const chatId = uniqueTelegramGroupId();
    await sender.send({ platform: "telegram", chatId: String(chatId), replyToMessageId: 5 }, { text: LINKY });

    const [call] = callsIn(chatId);
    expect(call?.params).toMatchObject({ text: LINKY, link_preview_options: { is_disabled: true } });
    expect(call?.error).toBeUndefined();
  });

  it("disable link previews on every part of a long answer", async () => {
    const chatId = uniqueTelegramGroupId();
    const text = Array.from({ length: 300 }, (_, index) => `${index} ${LINKY}`).join("\n");
    await sender.send({ platform: "telegram", chatId: String(chatId) }, { text });

    const calls = callsIn(chatId);
    expect(calls.length).toBeGreaterThan(1);
    for (const call of calls) expect(call.params.link_preview_options).toEqual({ is_disabled: true });
  });

  it("disable link previews on the text that follows a picture", async () => {
    const chatId = uniqueTelegramGroupId();
    const text = `${LINKY} ${"word ".repeat(300)}`.trim();
    await sender.send({ platform: "telegram", chatId: String(chatId) }, { text, picture: picture() });

    const [call] = callsIn(chatId);
    expect(call?.params).toMatchObject({ text, link_preview_options: { is_disabled: true } });
  });

  it("disable link previews on the bot's own answers, retried ones included", async () => {
    const chatId = uniqueTelegramGroupId();
    const botSender = createTelegramSender({
      token: telegram.token,
      apiRoot: telegram.apiRoot,
      retry: { attempts: 2, maxRetryAfterMs: 1_000, sleep: async () => undefined },
    });
    telegram.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" });
    await botSender({ platform: "telegram", chatId: String(chatId) }, { text: LINKY });

    const calls = callsIn(chatId);
    expect(calls.map((call) => call.error?.error_code)).toEqual([502, undefined]);
    for (const call of calls) expect(call.params.link_preview_options).toEqual({ is_disabled: true });
  });

  it("disable link previews after following a group to its supergroup", async () => {
    const oldId = uniqueTelegramGroupId();
    const newId = uniqueTelegramGroupId();
    telegram.failNext("sendMessage", {
      error_code: 400,
      description: "Bad Request: group chat was upgraded to a supergroup chat",
      migrate_to_chat_id: newId,
    });
    await sender.send({ platform: "telegram", chatId: String(oldId) }, { text: LINKY });

    const [call] = callsIn(newId);
    expect(call?.params).toMatchObject({ text: LINKY, link_preview_options: { is_disabled: true } });
  });
});
