import { randomUUID } from "node:crypto";
import type { DiscordInteractionTarget, OutgoingPicture } from "@memebot/core";
import type { FakeDiscord } from "../fakes/discord/server.ts";
import { uniqueSnowflake } from "../support/unique-ids.ts";

type DiscordTarget = DiscordInteractionTarget;

// A valid 1x1 PNG: enough for a platform to read its size.
const ONE_PIXEL_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

/** A small picture as a worker hands it over: PNG bytes a platform can read the size of. */
export function picture(fileName = "meme.png"): OutgoingPicture {
  return { bytes: new Uint8Array(ONE_PIXEL_PNG), mimeType: "image/png", fileName };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

/**
 * A /meme interaction dispatched by the fake Discord and deferred ("thinking…") as the bot does,
 * returned as the reply target a worker finds in the job. `id` sets its creation time (a snowflake).
 */
export async function deferredDiscordInteraction(
  discord: FakeDiscord,
  id: string = uniqueSnowflake(),
): Promise<DiscordTarget> {
  const token = `aW50ZXJhY3Rpb246${randomUUID().replaceAll("-", "")}`;
  discord.dispatchInteraction({
    id,
    token,
    application_id: discord.applicationId,
    type: 2,
    channel_id: uniqueSnowflake(),
    data: { name: "meme" },
  });
  const response = await fetch(`${discord.apiBase}/v10/interactions/${id}/${token}/callback`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ type: 5 }),
  });
  if (response.status !== 204) throw new Error(`deferring the interaction answered ${response.status}`);
  return { platform: "discord", applicationId: discord.applicationId, interactionToken: token };
}
