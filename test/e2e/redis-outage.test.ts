// Redis going away and coming back (a restart, a failover) under the split platform: the bot and
// the worker reconnect by themselves, and every command is answered exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textMessageUpdate } from "../fakes/telegram/updates.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.ts";
import { e2eFixture, sleep, type E2eFixture } from "./support/fixtures.ts";
import { startPlatform, type PlatformProcess } from "./support/platform-process.ts";

let fixture: E2eFixture;
let redis: TcpProxy;
let bot: PlatformProcess;

beforeAll(async () => {
  fixture = await e2eFixture();
  // Both processes reach Redis through a proxy the test can cut: to them it is Redis restarting.
  redis = await startTcpProxy({ host: "127.0.0.1", port: 6379 });
  const env = { ...fixture.env, REDIS_URL: `redis://127.0.0.1:${redis.port}` };
  bot = startPlatform("start:bot", env);
  const worker = startPlatform("start:worker", env);
  fixture.processes.push(bot, worker);
  await Promise.all([bot.port(), worker.port()]);
  await fixture.telegram.waitForCall("getUpdates", undefined, 30_000);
}, 60_000);
afterAll(async () => {
  await fixture.cleanup();
  await redis.close();
});

const memeIn = (chatId: number, topic: string) =>
  fixture.telegram.pushUpdate(
    textMessageUpdate({
      chat: { id: chatId, type: "private" },
      from: { id: chatId, username: `user${chatId}` },
      text: `/meme ${topic}`,
    }),
  );
const sentTo = (chatId: number) =>
  fixture.telegram.callsOf("sendPhoto").filter((call) => String(call.params.chat_id) === String(chatId));

describe("Redis restarting under the running platform", { timeout: 90_000 }, () => {
  it("GIVEN Redis gone for 2 s THEN commands before, during and after are each answered once", async () => {
    memeIn(7101, "before");
    await fixture.telegram.waitForCall("sendPhoto", (call) => String(call.params.chat_id) === "7101", 20_000);

    redis.cut();
    memeIn(7102, "during");
    await sleep(2_000);
    redis.restore();
    memeIn(7103, "after");

    let lastReplyAt = 0;
    for (const chatId of [7102, 7103]) {
      const reply = await fixture.telegram.waitForCall(
        "sendPhoto",
        (call) => String(call.params.chat_id) === String(chatId),
        30_000,
      );
      lastReplyAt = Math.max(lastReplyAt, reply.at);
    }
    await fixture.settled(lastReplyAt);
    for (const chatId of [7101, 7102, 7103]) expect(sentTo(chatId), `chat ${chatId}`).toHaveLength(1);
    // The command sent while Redis was away waited for it (commands ride out ~10 s) and got its meme.
    expect(sentTo(7102)[0]?.params.caption).toContain("during");
    expect(sentTo(7103)[0]?.params.caption).toContain("after");
    const health = await fetch(`http://127.0.0.1:${await bot.port()}/health`);
    expect(health.status).toBe(200);
  });

  it("GIVEN Redis not there at start THEN the process says so at once and exits 1", async () => {
    const closed = await startTcpProxy({ host: "127.0.0.1", port: 6379 });
    closed.cut();
    const startedAt = Date.now();
    const worker = startPlatform("start:worker", {
      ...fixture.env,
      REDIS_URL: `redis://127.0.0.1:${closed.port}`,
    });
    try {
      expect(await worker.waitForExit(30_000)).toMatchObject({ code: 1 });
      // It does not retry forever; the bound leaves room for `pnpm start:worker`'s migration check
      // and module loading, which take over 10 s on a loaded 2-core machine before Redis is tried.
      expect(Date.now() - startedAt).toBeLessThan(25_000);
      expect(worker.stdout() + worker.stderr()).toContain("Cannot reach Redis");
    } finally {
      await closed.close();
    }
  });
});
