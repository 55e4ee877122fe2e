// Platform ids no other test uses. Every test file of a run shares one database that
// keeps what each test wrote, so a test that reused a chat, guild or user id would see
// another test's settings, runs and identities.
import { randomInt } from "node:crypto";
import type { BotIdentity } from "../fakes/telegram/bot-api.ts";

// randomInt's range must stay below 2^48; 2^40 is still within Telegram's real id sizes.
const randomId = () => randomInt(1, 2 ** 40);

/** A Telegram user id, which is also the id of the private chat with that user. */
export const uniqueTelegramUserId = (): number => 1_000_000_000 + randomId();

/** A Telegram supergroup id: they read -100 followed by ten digits. */
export const uniqueTelegramGroupId = (): number => -1_000_000_000_000 - randomInt(1, 9_999_999_999);

/**
 * A bot of its own: run keys are `telegram:<bot id>:<update id>` and update ids come from
 * per-process counters, so two test files polling the same bot id would record the same keys.
 */
export function uniqueTelegramBot(username = "fake_meme_bot"): BotIdentity {
  return { id: 7_000_000_000 + randomInt(1, 2 ** 40), username, first_name: "Fake Meme Bot" };
}

const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * A Discord snowflake created at `at` (now by default), with random low bits. The fake's own
 * snowflake() counts from zero in every process, so two test files minting ids in the same
 * millisecond would get the same one.
 */
export function uniqueSnowflake(at: number = Date.now()): string {
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | BigInt(randomInt(0, 2 ** 22))).toString();
}
