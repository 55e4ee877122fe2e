// `pnpm start:bot` stopping on SIGTERM while Telegram does not take its answers: every step of the
// shutdown, Redis and the database last, must fit inside SHUTDOWN_TIMEOUT_MS.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { textMessageUpdate } from "../fakes/telegram/updates.ts";
import { uniqueTelegramUserId } from "../support/unique-ids.ts";
import { e2eFixture, type E2eFixture } from "./support/fixtures.ts";
import { startPlatform } from "./support/platform-process.ts";

const SHUTDOWN_TIMEOUT_MS = 2_000;

let fixture: E2eFixture;
beforeEach(async () => {
  fixture = await e2eFixture();
});
afterEach(() => fixture.cleanup());

describe("bot shutdown", { timeout: 60_000 }, () => {
  it("GIVEN an answer Telegram never takes WHEN the bot gets SIGTERM THEN it closes everything within the budget and exits 0", async () => {
    const bot = startPlatform("start:bot", {
      ...fixture.env,
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    });
    fixture.processes.push(bot);
    await bot.port();
    await fixture.telegram.waitForCall("getUpdates", undefined, 30_000);
    const held = fixture.telegram.hold("sendMessage");
    const alice = { id: uniqueTelegramUserId(), first_name: "Alice" };
    fixture.telegram.pushUpdate(
      textMessageUpdate({ chat: { id: alice.id, type: "private" }, from: alice, text: "/start" }),
    );
    await vi.waitFor(() => expect(held.waiting).toBe(1), { timeout: 10_000 });

    const signalledAt = performance.now();
    bot.child.kill("SIGTERM");
    const exit = await bot.waitForExit(SHUTDOWN_TIMEOUT_MS * 5);
    const elapsed = performance.now() - signalledAt;
    held.release();

    expect(exit.code, bot.stdout()).toBe(0);
    // The Telegram adapter alone would wait 10 s for its answer; node's own exit adds a little.
    expect(elapsed).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 700);
    const steps = bot
      .logs()
      .filter((line) => line.msg === "shutdown step done")
      .map((line) => line.step);
    expect(steps).toEqual(["http", "telegram", "listener", "job-producer", "infrastructure"]);
    expect(bot.logs().at(-1)?.msg).toBe("shutdown complete");
  });
});
