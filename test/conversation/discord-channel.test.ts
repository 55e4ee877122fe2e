// Conversation replies posted as the bot in a Discord channel, against the fake REST API.
import { describe, expect, it, onTestFinished } from "vitest";
import { createDiscordChannelClient, DeliveryError } from "@memebot/delivery";
import { startFakeDiscord } from "../fakes/discord/server.ts";
import { rejectionOf } from "../delivery/support.ts";
import { uniqueSnowflake } from "../support/unique-ids.ts";

const TOKEN = "discord-bot-token-SECRET-c0ffee";

async function client() {
  const discord = await startFakeDiscord({ token: TOKEN });
  onTestFinished(() => discord.close());
  return {
    discord,
    channel: createDiscordChannelClient({ apiBase: discord.apiBase, botToken: TOKEN, timeoutMs: 2_000 }),
  };
}

describe("Discord channel client", () => {
  it("GIVEN a reply THEN posts it with the bot token as a reply that pings no one", async () => {
    const { discord, channel } = await client();
    const channelId = uniqueSnowflake();
    const replyTo = uniqueSnowflake();
    await channel.send(
      { platform: "discord", channelId, replyToMessageId: replyTo },
      { text: "gm @everyone" },
    );
    const [call] = discord.calls.filter((entry) => entry.path === `/channels/${channelId}/messages`);
    expect(call?.status).toBe(200);
    expect(call?.body).toEqual({
      content: "gm @everyone",
      allowed_mentions: { parse: [] },
      message_reference: { message_id: replyTo, fail_if_not_exists: false },
    });
    await channel.typing(channelId);
    expect(discord.calls.at(-1)).toMatchObject({
      method: "POST",
      path: `/channels/${channelId}/typing`,
      status: 204,
    });
  });

  it("GIVEN Discord refuses THEN says whether trying again can help, never quoting the token", async () => {
    const { discord, channel } = await client();
    const target = { platform: "discord" as const, channelId: uniqueSnowflake() };
    discord.failNext(
      { method: "POST", path: "/channels/:channel/messages" },
      { status: 403, body: { message: "Missing Permissions", code: 50013 } },
    );
    const forbidden = await rejectionOf(channel.send(target, { text: "hi" }));
    expect(forbidden).toBeInstanceOf(DeliveryError);
    expect(forbidden).toMatchObject({ reason: "forbidden", retryable: false, status: 403 });

    discord.failNext(
      { method: "POST", path: "/channels/:channel/messages" },
      { status: 429, body: { message: "You are being rate limited.", retry_after: 1.5, global: false } },
    );
    const limited = await rejectionOf(channel.send(target, { text: "hi" }));
    expect(limited).toMatchObject({ reason: "rate_limited", retryable: true });

    discord.failNext(
      { method: "POST", path: "/channels/:channel/messages" },
      { status: 503, body: { message: "Service Unavailable", code: 0 } },
    );
    expect(await rejectionOf(channel.send(target, { text: "hi" }))).toMatchObject({
      reason: "unavailable",
      retryable: true,
    });
    for (const error of [forbidden, limited]) expect(String((error as Error).message)).not.toContain(TOKEN);
  });
});
