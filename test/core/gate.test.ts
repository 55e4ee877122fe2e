import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
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
  memberKey: "telegram:-100:7",
  memberRateLimitPerMinute: 0,
  ...extra,
});

/** Admits and completes, as the dispatcher does once the job is enqueued or the reply sent. */
async function handled(target: Gate, admission: AdmitRequest) {
  const decision = await target.admit(admission);
  if (decision.status === "admitted") await target.complete(admission);
  return decision;
}

describe("intake gate", () => {
  it("GIVEN the same update twice THEN admits it once", async () => {
    expect(await handled(gate, request("u1"))).toEqual({ status: "admitted" });
    expect(await gate.admit(request("u1"))).toEqual({ status: "duplicate" });
  });

  it("GIVEN a bot that died between admission and enqueue THEN the redelivered update is admitted once its mark expires", async () => {
    const fast = createGate({ redis, prefix, inProgressTtlMs: 300, pollMs: 20 });
    // The first delivery is admitted, and its process dies before the job is enqueued: no complete().
    expect(await fast.admit(request("crash-1"))).toEqual({ status: "admitted" });
    const redelivered = performance.now();
    expect(await fast.admit(request("crash-1"))).toEqual({ status: "admitted" });
    // It waited for the first delivery's mark to run out rather than dropping the update.
    expect(performance.now() - redelivered).toBeGreaterThan(200);
    await fast.complete(request("crash-1"));
    expect(await fast.admit(request("crash-1"))).toEqual({ status: "duplicate" });
  });

  it("GIVEN a redelivery while the first delivery is still being handled THEN it waits and is a duplicate once that completes", async () => {
    const fast = createGate({ redis, prefix, inProgressTtlMs: 5_000, pollMs: 20 });
    expect(await fast.admit(request("slow-1"))).toEqual({ status: "admitted" });
    const second = fast.admit(request("slow-1"));
    const settled = vi.fn();
    void second.then(settled);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).not.toHaveBeenCalled();
    await fast.complete(request("slow-1"));
    expect(await second).toEqual({ status: "duplicate" });
  });

  it("GIVEN a member in cooldown in one community THEN the same member elsewhere is not held back", async () => {
    const cooldown = { command: "meme", seconds: 3600 };
    const inGroup = (key: string, group: string) =>
      request(key, { communityKey: `telegram:${group}`, memberKey: `telegram:${group}:7`, cooldown });
    expect((await handled(gate, inGroup("g1", "-100"))).status).toBe("admitted");
    expect((await handled(gate, inGroup("g2", "-100"))).status).toBe("cooldown");
    // An admin of -100 chose an hour; in -200 the member is free.
    expect((await handled(gate, inGroup("g3", "-200"))).status).toBe("admitted");
  });

  it("GIVEN one member over their own limit THEN only they are held back, and the community's budget is left to the rest", async () => {
    const from = (key: string, member: string) =>
      request(key, {
        memberKey: `telegram:-100:${member}`,
        memberRateLimitPerMinute: 2,
        rateLimitPerMinute: 4,
      });
    expect((await handled(gate, from("s1", "spammer"))).status).toBe("admitted");
    expect((await handled(gate, from("s2", "spammer"))).status).toBe("admitted");
    expect(await handled(gate, from("s3", "spammer"))).toMatchObject({
      status: "user_rate_limited",
      notify: true,
    });
    for (let n = 4; n < 20; n += 1) {
      expect(await handled(gate, from(`s${n}`, "spammer"))).toMatchObject({
        status: "user_rate_limited",
        notify: false,
      });
    }
    expect((await handled(gate, from("o1", "other"))).status).toBe("admitted");
    expect((await handled(gate, from("o2", "other"))).status).toBe("admitted");
    // The counts live one minute, also when only the members' limit is on.
    const onlyMembers = (key: string) =>
      request(key, {
        communityKey: "telegram:-300",
        memberKey: "telegram:-300:7",
        memberRateLimitPerMinute: 5,
      });
    await handled(gate, onlyMembers("m1"));
    const ttl = await redis.pttl(`${prefix}:window:telegram:-300`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it("GIVEN a user in cooldown THEN tells them once with the time left", async () => {
    const cooldown = { command: "meme", seconds: 30 };
    expect(await handled(gate, request("u1", { cooldown }))).toEqual({ status: "admitted" });
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
    expect((await handled(gate, limited("a"))).status).toBe("admitted");
    expect((await handled(gate, limited("b"))).status).toBe("admitted");
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
      expect(await redis.hget(`${prefix}:window:telegram:-100`, "#")).toBe("1");
      await flakyGate.complete(limited("lost-1"));
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
    const cooldown = { command: "meme", seconds: 10 };
    expect((await handled(gate, request("x1", { cooldown }))).status).toBe("admitted");
    expect((await other.admit(request("x2", { cooldown }))).status).toBe("cooldown");
    expect((await other.admit(request("x1"))).status).toBe("duplicate");
  });

  it("GIVEN a released admission THEN the same update is admitted again and the cooldown is lifted", async () => {
    const cooldown = { command: "meme", seconds: 30 };
    await gate.admit(request("r1", { cooldown }));
    await gate.release(request("r1", { cooldown }));
    expect(await gate.admit(request("r1", { cooldown }))).toEqual({ status: "admitted" });
  });
});
