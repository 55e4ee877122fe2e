// The split deployment: `pnpm start:bot` and `pnpm start:worker` as separate processes on one Redis.
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { textMessageUpdate } from "../fakes/telegram/updates.ts";
import { e2eFixture, type E2eFixture } from "./support/fixtures.ts";
import { startPlatform } from "./support/platform-process.ts";

let fixture: E2eFixture;
beforeEach(async () => {
  fixture = await e2eFixture();
});
afterEach(() => fixture.cleanup());

// Memes come back as photos, their caption the model's one line.
const repliesTo = (chatId: number) =>
  fixture.telegram
    .callsOf("sendPhoto")
    .filter((call) => String(call.params.chat_id) === String(chatId) && call.error === undefined);

describe("bot and workers as separate processes", { timeout: 150_000 }, () => {
  it("GIVEN a worker killed mid-job THEN another worker retries it and the user gets one reply", async () => {
    // The first model call is slow, so the first worker is surely mid-job when it dies.
    let calls = 0;
    fixture.model.setBehaviour(() => {
      calls += 1;
      return {
        kind: "reply",
        delayMs: calls === 1 ? 60_000 : 0,
        content: JSON.stringify({
          template: "approve-reject",
          texts: { reject: "SURVIVED", approve: `ATTEMPT ${calls}` },
          caption: `survived attempt ${calls}`,
        }),
      };
    });
    const bot = startPlatform("start:bot", fixture.env);
    const doomed = startPlatform("start:worker", fixture.env);
    fixture.processes.push(bot, doomed);
    await Promise.all([bot.port(), doomed.port()]);

    fixture.telegram.pushUpdate(
      textMessageUpdate({ chat: { id: 7001, type: "private" }, from: { id: 7001 }, text: "/meme survive" }),
    );
    await expect.poll(() => fixture.model.requestCount, { timeout: 20_000 }).toBe(1);
    doomed.child.kill("SIGKILL");
    await doomed.waitForExit();

    const rescuer = startPlatform("start:worker", fixture.env);
    fixture.processes.push(rescuer);
    await rescuer.port();
    // The job comes back once its lock (JOB_LOCK_MS) expires and a stalled-job check finds it.
    const reply = await fixture.telegram
      .waitForCall("sendPhoto", (call) => String(call.params.chat_id) === "7001", 60_000)
      .catch(async (error: Error) => {
        const redis = new Redis("redis://127.0.0.1:6379");
        const keys = await redis.keys(`${fixture.prefix}:commands:*`);
        const jobs = await Promise.all(
          keys.filter((key) => /:u-/.test(key)).map(async (key) => [key, await redis.hgetall(key)]),
        );
        const lists = await Promise.all(
          ["wait", "active", "stalled", "failed", "completed", "delayed"].map(async (state) => {
            const key = `${fixture.prefix}:commands:${state}`;
            const type = await redis.type(key);
            return `${state}(${type})`;
          }),
        );
        await redis.quit();
        throw new Error(
          `queue: ${lists.join(" ")}\njobs: ${JSON.stringify(jobs).slice(0, 3000)}\n` +
            `${error.message}\nmodel requests: ${fixture.model.requestCount}\n` +
            `first worker:\n${doomed.stdout()}\n${doomed.stderr()}\nrescuer:\n${rescuer.stdout()}\n${rescuer.stderr()}`,
        );
      });
    expect(reply.params.caption).toBe("survived attempt 2");
    await fixture.settled(reply.at);
    expect(repliesTo(7001)).toHaveLength(1);
  });

  it("GIVEN one bot and two workers on one Redis THEN each command is answered once, by one of them", async () => {
    const processes = [
      startPlatform("start:bot", fixture.env),
      startPlatform("start:worker", fixture.env),
      startPlatform("start:worker", fixture.env),
    ];
    fixture.processes.push(...processes);
    await Promise.all(processes.map((child) => child.port()));
    const chats = [7101, 7102, 7103, 7104, 7105, 7106];
    fixture.telegram.pushUpdates(
      chats.map((id) =>
        textMessageUpdate({ chat: { id, type: "private" }, from: { id }, text: `/meme chat ${id}` }),
      ),
    );
    let lastReplyAt = 0;
    for (const id of chats) {
      const reply = await fixture.telegram.waitForCall(
        "sendPhoto",
        (call) => String(call.params.chat_id) === String(id),
        20_000,
      );
      lastReplyAt = Math.max(lastReplyAt, reply.at);
    }
    await fixture.settled(lastReplyAt);
    for (const id of chats) expect(repliesTo(id)).toHaveLength(1);
  });

  it("GIVEN SIGTERM during a slow job THEN the worker finishes it, the reply goes out, and it exits 0", async () => {
    fixture.model.setBehaviour({
      kind: "reply",
      delayMs: 1_500,
      content: JSON.stringify({
        template: "approve-reject",
        texts: { reject: "GRACEFUL", approve: "EXIT" },
        caption: "graceful exit",
      }),
    });
    const bot = startPlatform("start:bot", fixture.env);
    const worker = startPlatform("start:worker", fixture.env);
    fixture.processes.push(bot, worker);
    await Promise.all([bot.port(), worker.port()]);
    fixture.telegram.pushUpdate(
      textMessageUpdate({ chat: { id: 7201, type: "private" }, from: { id: 7201 }, text: "/meme slow" }),
    );
    await expect.poll(() => fixture.model.requestCount, { timeout: 20_000 }).toBe(1);
    worker.child.kill("SIGTERM");
    expect(await worker.waitForExit()).toEqual({ code: 0, signal: null });
    expect(repliesTo(7201).map((call) => call.params.caption)).toEqual(["graceful exit"]);
  });
});
