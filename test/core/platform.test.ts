import { describe, expect, it } from "vitest";
import { channelTargetOf } from "@memebot/core";

describe("channelTargetOf", () => {
  it("GIVEN a Telegram reply in a topic THEN posts to the chat and topic, not as a reply", () => {
    expect(
      channelTargetOf({ platform: "telegram", chatId: "-100", replyToMessageId: 7, messageThreadId: 3 }),
    ).toEqual({ platform: "telegram", chatId: "-100", messageThreadId: 3 });
  });

  it("GIVEN a Discord interaction THEN posts to its channel with the bot token, never with the interaction", () => {
    const interaction = { platform: "discord" as const, applicationId: "1", interactionToken: "t" };
    expect(channelTargetOf({ ...interaction, channelId: "42" })).toEqual({
      platform: "discord",
      channelId: "42",
    });
    expect(channelTargetOf(interaction)).toBeUndefined();
    expect(channelTargetOf({ platform: "discord", channelId: "42", replyToMessageId: "9" })).toEqual({
      platform: "discord",
      channelId: "42",
    });
  });

  it("GIVEN the console THEN posts to its session", () => {
    expect(channelTargetOf({ platform: "console", sessionId: "s" })).toEqual({
      platform: "console",
      sessionId: "s",
    });
  });
});
