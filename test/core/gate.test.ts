import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createGate, type AdmitRequest, type Gate } from "@memebot/core";
import { deletePrefix } from "../jobs/support.ts";
import { startTcpProxy } from "../support/tcp-proxy.ts";

const redis = new Redis("redis://127.0.0.1:6379");
let prefix: string;
let gate: Gate;

beforeEach((context) => {
  prefix = `test-${randomUUID()}`;
  gate = createGate({ redis, prefix });
  // Only this test's keys: other test files running meanwhile keep theirs under other prefixes.
  const own = prefix;
  context.onTestFinished(() => deletePrefix(redis, own));
});
afterAll(async () => {
  await redis.quit();
});

const request = (updateKey: string, extra: Partial<AdmitRequest> = {}): AdmitRequest => ({
  updateKey,
  communityKey: "telegram:-100",
  rateLimitPerMinute: 0,
  ...extra,
});

describe("intake gate", () => {
  it("GIVEN the same update twice THEN admits it once", async () => {
    expect(await gate.admit(request("u1"))).toEqual({ status: "admitted" });
    expect(await gate.admit(request("u1"))).toEqual({ status: "duplicate" });
  });

  it("GIVEN a user in cooldown THEN tells them once with the time left", async () => {
    const cooldown = { userKey: "telegram:7", command: "meme", seconds: 30 };
    expect(await gate.admit(request("u1", { cooldown }))).toEqual({ status: "admitted" });
    const second = await gate.admit(request("u2", { cooldown }));
    expect(second).toMatchObject({ status: "cooldown", notify: true });
    expect(second.status === "cooldown" && second.retryAfterMs).toBeGreaterThan(28_000);
    expect(await gate.admit(request("u3", { cooldown }))).toMatchObject({
      status: "cooldown",
      notify: false,
    });
  });

  it("GIVEN a community over its rate THEN limits every user in it and notifies once", async () => {
    const limited = (key: string) => request(key, { rateLimitPerMinute: 2 });
    expect((await gate.admit(limited("a"))).status).toBe("admitted");
    expect((await gate.admit(limited("b"))).status).toBe("admitted");
    expect(await gate.admit(limited("c"))).toMatchObject({ status: "rate_limited", notify: true });
    expect(await gate.admit(limited("d"))).toMatchObject({ status: "rate_limited", notify: false });
  });

  it("GIVEN a reply lost to a dropped connection THEN the call ioredis sends again gets the same decision", async () => {
    const proxy = await startTcpProxy({ host: "127.0.0.1", port: 6379 });
    const flaky = new Redis(`redis://127.0.0.1:${proxy.port}`);
    // The dropped connection is reported as an error event; ioredis reconnects by itself.
    flaky.on("error", () => undefined);
    try {
      const flakyGate = createGate({ redis: flaky, prefix });
      const limited = (key: string) => request(key, { rateLimitPerMinute: 1 });
      await flaky.ping();

      // Redis admits the update, the answer is lost, ioredis reconnects and sends the call again.
      proxy.loseNextReply();
      expect(await flakyGate.admit(limited("lost-1"))).toEqual({ status: "admitted" });
      // Counted once: the community's one command a minute is used up, not twice over.
      expect(await redis.get(`${prefix}:rate:telegram:-100`)).toBe("1");
      // Another delivery of the same update is still a duplicate.
      expect(await flakyGate.admit(limited("lost-1"))).toEqual({ status: "duplicate" });

      proxy.loseNextReply();
      expect(await flakyGate.admit(limited("lost-2"))).toMatchObject({
        status: "rate_limited",
        notify: true,
      });
    } finally {
      flaky.disconnect();
      await proxy.close();
    }
  });

  it("GIVEN two gates on one Redis (two replicas) THEN the limits are shared", async () => {
    const other = createGate({ redis: new Redis("redis://127.0.0.1:6379"), prefix });
    const cooldown = { userKey: "discord:9", command: "meme", seconds: 10 };
    expect((await gate.admit(request("x1", { cooldown }))).status).toBe("admitted");
    expect((await other.admit(request("x2", { cooldown }))).status).toBe("cooldown");
    expect((await other.admit(request("x1"))).status).toBe("duplicate");
  });

  it("GIVEN a released admission THEN the same update is admitted again and the cooldown is lifted", async () => {
    const cooldown = { userKey: "telegram:8", command: "meme", seconds: 30 };
    await gate.admit(request("r1", { cooldown }));
    await gate.release(request("r1", { cooldown }));
    expect(await gate.admit(request("r1", { cooldown }))).toEqual({ status: "admitted" });
  });
});
