// listenedMessageFromDiscord on the Message structures discord.js builds from the fake gateway's
// GUILD_CREATE and MESSAGE_CREATE, as the adapter receives them.
import { once } from "node:events";
import { Client, Events, GatewayIntentBits, type Message } from "discord.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { listenedMessageFromDiscord } from "../../apps/bot/src/discord/listen.ts";
import {
  guildCreatePayload,
  messageCreatePayload,
  type MessageInput,
} from "../fakes/discord/channel-messages.ts";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord/server.ts";
import { uniqueSnowflake } from "../support/unique-ids.ts";

let discord: FakeDiscord;
let client: Client;
const received = new Map<string, Message>();
const guildId = uniqueSnowflake();
const channelId = uniqueSnowflake();
// The role Discord creates for the bot when it is added to a guild.
const managedRoleId = uniqueSnowflake();
const otherRoleId = uniqueSnowflake();
const alice = { id: uniqueSnowflake(), username: "alice" };

beforeAll(async () => {
  discord = await startFakeDiscord({ heartbeatIntervalMs: 500 });
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    rest: { api: discord.apiBase },
  });
  client.on(Events.MessageCreate, (message) => received.set(message.id, message));
  const ready = once(client, Events.ClientReady);
  await client.login("fake-bot-token");
  await ready;
  discord.dispatch(
    "GUILD_CREATE",
    guildCreatePayload({
      id: guildId,
      name: "Degen Den",
      channels: [{ id: channelId }],
      botMember: { user: discord.botUser, managedRoleId },
    }),
  );
  await vi.waitFor(() => expect(client.channels.cache.has(channelId)).toBe(true));
});
afterAll(async () => {
  await client?.destroy();
  await discord?.close();
});

/** The discord.js Message for a MESSAGE_CREATE in the guild's channel. */
async function messageFor(input: Omit<MessageInput, "channelId" | "guildId" | "author">): Promise<Message> {
  const payload = messageCreatePayload({ channelId, guildId, author: alice, ...input });
  const id = String(payload.id);
  expect(discord.dispatch("MESSAGE_CREATE", payload)).toBe(1);
  await expect.poll(() => received.has(id)).toBe(true);
  const message = received.get(id);
  if (!message) throw new Error(`message ${id} never arrived`);
  return message;
}

describe("listenedMessageFromDiscord", () => {
  it("GIVEN the bot's managed role mentioned (what autocomplete offers for @Bot) THEN it mentions the bot, and the model gets the text without it", async () => {
    expect(client.guilds.cache.get(guildId)?.members.me?.roles.botRole?.id).toBe(managedRoleId);
    const message = await messageFor({
      content: `<@&${managedRoleId}> wen moon?`,
      mentionRoles: [managedRoleId],
    });
    expect(listenedMessageFromDiscord(message, discord.botUser.id, 0)).toMatchObject({
      mentionsBot: true,
      text: "wen moon?",
    });
  });

  it("GIVEN another role mentioned THEN it does not mention the bot, and the role stays in the text", async () => {
    const message = await messageFor({
      content: `<@&${otherRoleId}> wen moon?`,
      mentionRoles: [otherRoleId],
    });
    expect(listenedMessageFromDiscord(message, discord.botUser.id, 0)).toMatchObject({
      mentionsBot: false,
      text: `<@&${otherRoleId}> wen moon?`,
    });
  });

  it("GIVEN the bot mentioned as a user THEN it still mentions the bot", async () => {
    const botId = discord.botUser.id;
    const message = await messageFor({
      content: `gm <@${botId}>`,
      mentions: [{ id: botId, username: discord.botUser.username, bot: true }],
    });
    expect(listenedMessageFromDiscord(message, botId, 0)).toMatchObject({ mentionsBot: true, text: "gm" });
  });
});
