import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlatformSender, DeliveryError, type PlatformSender } from "@memebot/delivery";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord/server.ts";
import { deferredDiscordInteraction, rejectionOf, picture } from "./support.ts";

let discord: FakeDiscord;
let sender: PlatformSender;

beforeAll(async () => {
  discord = await startFakeDiscord();
  sender = createPlatformSender({ discord: { apiBase: discord.apiBase } });
});
afterAll(async () => {
  await discord.close();
});

describe("Discord delivery", () => {
  it("edits the deferred reply through the interaction webhook, without a bot token", async () => {
    const target = await deferredDiscordInteraction(discord);
    await sender.send(target, { text: "TOP\nBOTTOM" });

    const edit = await discord.waitForOriginalEdit(target.interactionToken);
    expect(edit.body).toMatchObject({ content: "TOP\nBOTTOM" });
    expect(discord.originalMessage(target.interactionToken)?.content).toBe("TOP\nBOTTOM");
    const call = discord.calls.find(
      (entry) => entry.method === "PATCH" && entry.path.includes(target.interactionToken),
    );
    expect(call?.path).toBe(
      `/webhooks/${target.applicationId}/${target.interactionToken}/messages/@original`,
    );
  });

  it("attaches a picture to the reply", async () => {
    const target = await deferredDiscordInteraction(discord);
    await sender.send(target, { text: "with picture", picture: picture("meme.png") });

    const edit = await discord.waitForOriginalEdit(target.interactionToken);
    expect(edit.files).toHaveLength(1);
    expect(edit.files[0]?.filename).toBe("meme.png");
    expect(discord.originalMessage(target.interactionToken)?.attachments).toHaveLength(1);
  });

  it("reports an expired or unknown interaction as permanent, without its token in the message", async () => {
    const target = {
      platform: "discord" as const,
      applicationId: discord.applicationId,
      interactionToken: "expired-token-123456",
    };
    const error = await rejectionOf(sender.send(target, { text: "too late" }));

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ platform: "discord", reason: "expired", retryable: false, status: 404 });
    expect((error as Error).message).not.toContain(target.interactionToken);
  });

  it("reports Discord's rate limit as retryable after the wait it asks for", async () => {
    const target = await deferredDiscordInteraction(discord);
    discord.failNext(
      { method: "PATCH", path: /\/webhooks\// },
      { status: 429, body: { message: "You are being rate limited.", retry_after: 2.5, global: false } },
    );
    const error = await rejectionOf(sender.send(target, { text: "later" }));

    expect(error).toMatchObject({ reason: "rate_limited", retryable: true });
    expect((error as DeliveryError).retryAfterMs).toBeGreaterThanOrEqual(2_000);
    expect((error as Error).message).not.toContain(target.interactionToken);
  });

  it("reports a Discord server error as retryable", async () => {
    const target = await deferredDiscordInteraction(discord);
    discord.failNext(
      { method: "PATCH", path: /\/webhooks\// },
      { status: 503, body: { message: "Service Unavailable", code: 0 } },
    );
    const error = await rejectionOf(sender.send(target, { text: "later" }));

    expect(error).toMatchObject({ reason: "unavailable", retryable: true, status: 503 });
  });
});
