// Provider limits held across processes: two gateways, each with its own Redis connection and
// the same prefix, stand for two worker processes. What the limits promise is measured at the
// fake provider (requests in flight at once, requests received).
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createModelGateway, createTokenBudgetLedger, type ModelGateway } from "@memebot/ai";
import { startFakeOpenAI, type FakeOpenAI } from "../../fakes/openai/server.ts";
import { randomUUID } from "node:crypto";
import { recordingLogger } from "../../jobs/support.ts";
import { startTcpProxy } from "../../support/tcp-proxy.ts";
import { closedPortURL, gatewayFactory, modelsConfig, provider, REDIS_URL, sleep } from "./support.ts";

const schema = z.object({ answer: z.string() });
const reply = JSON.stringify({ answer: "gm" });

const jsonCall = (gateway: ModelGateway) =>
  gateway.json({
    task: "sentiment",
    system: "Rate it.",
    messages: [{ role: "user", content: "wagmi" }],
    schema,
    schemaName: "answer",
  });

const answeredBy = (result: Awaited<ReturnType<typeof jsonCall>>) =>
  result.ok ? result.provider : result.reason;

/** Per-minute counters are fixed windows on Redis's clock: keep a test's few requests inside one. */
async function awayFromMinuteBoundary() {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 57_000) await sleep(60_000 - intoMinute + 100);
}

let limited: FakeOpenAI;
let spare: FakeOpenAI;

beforeAll(async () => {
  [limited, spare] = await Promise.all([startFakeOpenAI(), startFakeOpenAI()]);
});
afterAll(async () => {
  await Promise.all([limited.close(), spare.close()]);
});
beforeEach(() => {
  for (const fake of [limited, spare]) {
    fake.setBehaviour({ kind: "reply", content: reply });
    fake.requests.splice(0);
    fake.resetMaxInFlight();
  }
});

describe("limits shared through Redis", () => {
  it("GIVEN maxConcurrent 2 and two gateways THEN never more than 2 requests are in flight at the provider, and every call waits its turn", async (context) => {
    limited.setBehaviour({ kind: "reply", content: reply, delayMs: 200 });
    const factory = gatewayFactory(context);
    const config = modelsConfig([provider("limited", limited.baseURL, { maxConcurrent: 2 })]);
    const first = factory.open(config).gateway;
    const second = factory.open(config).gateway;

    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => jsonCall(i % 2 === 0 ? first : second)),
    );
    const elapsed = performance.now() - started;

    expect(results.map(answeredBy)).toEqual(Array(8).fill("limited"));
    expect(limited.maxInFlight).toBe(2);
    // Eight requests of 200 ms, two at a time: four rounds.
    expect(elapsed).toBeGreaterThanOrEqual(780);
  });

  it("GIVEN every slot is taken past the call's deadline THEN the call ends unavailable at its deadline", async (context) => {
    limited.setBehaviour({ kind: "reply", content: reply, delayMs: 1_500 });
    const factory = gatewayFactory(context);
    const config = modelsConfig([provider("limited", limited.baseURL, { maxConcurrent: 1 })], {
      deadlineMs: 500,
    });
    const holder = factory.open(modelsConfig([provider("limited", limited.baseURL, { maxConcurrent: 1 })]));
    const waiter = factory.open(config);

    const holding = jsonCall(holder.gateway);
    // The holder's request is at the fake: its slot is taken (a fixed sleep raced it on a busy machine).
    await vi.waitFor(() => expect(limited.inFlight).toBe(1));
    const started = performance.now();
    const waited = await jsonCall(waiter.gateway);
    expect(waited).toMatchObject({ ok: false, reason: "unavailable" });
    expect(waited.ok ? "" : waited.detail).toMatch(/^limited\/qwen: .*deadline passed$/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(440);
    expect(performance.now() - started).toBeLessThan(900);
    expect(limited.requests).toHaveLength(1);
    expect(await holding).toMatchObject({ ok: true });
  });

  it("GIVEN many calls at once THEN their slots are taken in one Redis call", async (context) => {
    const factory = gatewayFactory(context);
    // The gateway's own connection, watched as it writes each command to Redis. (MONITOR would see the
    // whole server, and under the suite's traffic ioredis's monitor mode sometimes loses its place.)
    const redis = new Redis(REDIS_URL);
    context.onTestFinished(() => void redis.quit());
    const scriptCalls: string[] = [];
    let watching = false;
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = (command, stream) => {
      if (watching && /^eval/i.test(command.name)) {
        const args = command.args.map(String);
        scriptCalls.push(args.filter((arg) => arg === "acquire" || arg === "release").join(","));
      }
      return send(command, stream);
    };
    const { gateway } = factory.open(modelsConfig([provider("limited", limited.baseURL)]), { redis });
    await jsonCall(gateway);
    // Its slot's release goes out on a later turn: let it, so what is watched is the ten calls alone.
    await sleep(50);
    watching = true;
    await Promise.all(Array.from({ length: 10 }, () => jsonCall(gateway)));
    await sleep(100);
    // Ten acquires together; the releases follow as the answers come in.
    expect(scriptCalls[0]).toBe(Array(10).fill("acquire").join(","));
    expect(
      scriptCalls
        .join(",")
        .split(",")
        .filter((op) => op === "release"),
    ).toHaveLength(10);
  });

  it("GIVEN maxConcurrent 32 and a process whose last word from Redis showed the provider idle THEN it sends at most its at-once allowance past the limit, and its other calls wait their turn", async (context) => {
    const factory = gatewayFactory(context);
    const config = modelsConfig([provider("limited", limited.baseURL, { maxConcurrent: 32 })]);
    const filler = factory.open(config).gateway;
    const late = factory.open(config).gateway;
    // One call each: both processes hear from Redis that the provider is idle (their slots given
    // back and Redis's word on it heard before the filler's burst, or late would see that instead).
    await Promise.all([jsonCall(filler), jsonCall(late)]);
    await sleep(50);
    limited.setBehaviour({ kind: "reply", content: reply, delayMs: 400 });
    limited.resetMaxInFlight();

    const filling = Array.from({ length: 32 }, () => jsonCall(filler));
    await vi.waitFor(() => expect(limited.inFlight).toBe(32));
    // `late` still believes the provider idle: it grants its allowance (32 / 16 = 2) at once, and
    // Redis's answer to that batch (34 leases) stops it; its other 8 calls wait for slots.
    const lateCalls = Array.from({ length: 10 }, () => jsonCall(late));
    const results = await Promise.all([...filling, ...lateCalls]);

    expect(results.map(answeredBy)).toEqual(Array(42).fill("limited"));
    expect(limited.maxInFlight).toBeGreaterThan(32);
    // The bound (limits.ts): maxConcurrent + processes × allowance.
    expect(limited.maxInFlight).toBeLessThanOrEqual(32 + 2 * 2);
  });

  it("GIVEN a provider at its limit THEN the next candidate answers instead of waiting", async (context) => {
    limited.setBehaviour({ kind: "reply", content: reply, delayMs: 400 });
    const factory = gatewayFactory(context);
    const config = modelsConfig([
      provider("limited", limited.baseURL, { maxConcurrent: 1 }),
      provider("spare", spare.baseURL, { priority: 2 }),
    ]);
    const first = factory.open(config).gateway;
    const second = factory.open(config).gateway;
    const holding = jsonCall(first);
    await sleep(50);
    const started = performance.now();
    expect(answeredBy(await jsonCall(second))).toBe("spare");
    // Well before the holder's 400 ms answer.
    expect(performance.now() - started).toBeLessThan(350);
    expect(answeredBy(await holding)).toBe("limited");
  });

  it("GIVEN 3 requests per minute and two gateways THEN the provider receives 3, the rest go to the next provider", async (context) => {
    await awayFromMinuteBoundary();
    const factory = gatewayFactory(context);
    const config = modelsConfig([
      provider("limited", limited.baseURL, { requestsPerMinute: 3 }),
      provider("spare", spare.baseURL, { priority: 2 }),
    ]);
    const gateways = [factory.open(config).gateway, factory.open(config).gateway];
    const answered: string[] = [];
    for (let i = 0; i < 6; i += 1) answered.push(answeredBy(await jsonCall(gateways[i % 2] as ModelGateway)));
    expect(answered).toEqual(["limited", "limited", "limited", "spare", "spare", "spare"]);
    expect(limited.requests).toHaveLength(3);
  });

  it("GIVEN the only provider's minute is used up THEN the call ends unavailable at once (its window ends after the deadline)", async (context) => {
    await awayFromMinuteBoundary();
    const { gateway } = gatewayFactory(context).open(
      modelsConfig([provider("limited", limited.baseURL, { requestsPerMinute: 1 })], { deadlineMs: 3_000 }),
    );
    expect(answeredBy(await jsonCall(gateway))).toBe("limited");
    const started = performance.now();
    expect(await jsonCall(gateway)).toEqual({
      ok: false,
      reason: "unavailable",
      detail: "limited/qwen: at its per-minute limit",
    });
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("GIVEN maxConcurrent 1 AND a call whose schema cannot be sent THEN that call holds no slot and the next call answers at once", async (context) => {
    const factory = gatewayFactory(context);
    const { gateway, logs } = factory.open(
      modelsConfig([provider("limited", limited.baseURL, { maxConcurrent: 1 })]),
    );
    const unsendable = await gateway.json({
      task: "sentiment",
      system: "Rate it.",
      messages: [{ role: "user", content: "wagmi" }],
      // JSON Schema has no dates: turning this into one throws.
      schema: z.object({ when: z.date() }),
      schemaName: "when",
    });
    expect(unsendable).toEqual({ ok: false, reason: "unavailable", detail: "internal error" });
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ level: "warn", message: "model gateway: unexpected error in a call" }),
    );
    const started = performance.now();
    expect(answeredBy(await jsonCall(gateway))).toBe("limited");
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(limited.requests).toHaveLength(1);
  });

  it("GIVEN a process that died holding a slot THEN the slot frees itself when its lease expires", async (context) => {
    limited.setBehaviour({ kind: "hang" });
    const factory = gatewayFactory(context);
    const config = modelsConfig([provider("limited", limited.baseURL, { maxConcurrent: 1, timeoutMs: 300 })]);
    // The dying process: its own Redis connection, cut while its request is out, so it never releases.
    const dyingRedis = new Redis(REDIS_URL);
    const dying = createModelGateway({
      config,
      redis: dyingRedis,
      prefix: factory.prefix,
      leaseMarginMs: 200,
    });
    const abandoned = jsonCall(dying);
    while (limited.requests.length === 0) await sleep(5);
    dyingRedis.disconnect();
    await abandoned;

    limited.setBehaviour({ kind: "reply", content: reply });
    const survivor = factory.open(config).gateway;
    const started = performance.now();
    expect(answeredBy(await jsonCall(survivor))).toBe("limited");
    // The lease lasted the request's 300 ms timeout plus the 200 ms margin from when it was taken.
    expect(performance.now() - started).toBeGreaterThan(100);
    expect(limited.requests).toHaveLength(2);
  });
});

describe("when Redis fails", () => {
  it("GIVEN Redis stops answering THEN calls go ahead after a short wait instead of running into their deadline", async () => {
    const proxy = await startTcpProxy({ host: "127.0.0.1", port: 6379 });
    const silent = new Redis({ port: proxy.port });
    const logs = recordingLogger();
    const gateway = createModelGateway({
      // A limit too small to grant anything at once: every call asks Redis first.
      config: modelsConfig([provider("limited", limited.baseURL, { maxConcurrent: 1 })], {
        deadlineMs: 5_000,
      }),
      redis: silent,
      prefix: `test-gateway-silent-${randomUUID()}`,
      logger: logs,
    });
    try {
      expect(answeredBy(await jsonCall(gateway))).toBe("limited");
      proxy.blackHole();
      const started = performance.now();
      expect(answeredBy(await jsonCall(gateway))).toBe("limited");
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(2_000);
      expect(logs.lines).toContainEqual(
        expect.objectContaining({ level: "warn", object: expect.objectContaining({ provider: "limited" }) }),
      );
    } finally {
      // The first call's lease release is lost in the black hole: close() stops waiting for it.
      await gateway.close();
      silent.disconnect();
      await proxy.close();
    }
  });

  it("GIVEN a provider far from its limits AND Redis stops answering THEN the next call goes at once, and once the silence is noticed calls wait like any other", async () => {
    const proxy = await startTcpProxy({ host: "127.0.0.1", port: 6379 });
    const silent = new Redis({ port: proxy.port });
    const gateway = createModelGateway({
      // maxConcurrent 16: one call at a time may go before Redis answers.
      config: modelsConfig([provider("limited", limited.baseURL)], { deadlineMs: 5_000 }),
      redis: silent,
      prefix: `test-gateway-silent-at-once-${randomUUID()}`,
      logger: recordingLogger(),
    });
    try {
      expect(answeredBy(await jsonCall(gateway))).toBe("limited");
      proxy.blackHole();
      let started = performance.now();
      expect(answeredBy(await jsonCall(gateway))).toBe("limited");
      expect(performance.now() - started).toBeLessThan(500);
      // That call's batch fails after a second of silence: nothing is granted at once after it.
      await sleep(1_100);
      started = performance.now();
      expect(answeredBy(await jsonCall(gateway))).toBe("limited");
      expect(performance.now() - started).toBeGreaterThanOrEqual(900);
      expect(limited.requests).toHaveLength(3);
    } finally {
      await gateway.close();
      silent.disconnect();
      await proxy.close();
    }
  });

  it("GIVEN Redis stops answering AND the community has a budget THEN the budget read gives up like the limits and the provider answers", async () => {
    const proxy = await startTcpProxy({ host: "127.0.0.1", port: 6379 });
    const silent = new Redis({ port: proxy.port });
    const prefix = `test-gateway-silent-budget-${randomUUID()}`;
    const logs = recordingLogger();
    const gateway = createModelGateway({
      config: modelsConfig([provider("limited", limited.baseURL)], { deadlineMs: 5_000 }),
      redis: silent,
      prefix,
      budget: createTokenBudgetLedger({ redis: silent, prefix }),
      logger: logs,
    });
    const budgeted = {
      community: { platform: "telegram", externalId: "-100budget" },
      dailyTokenBudget: 1_000_000,
    };
    try {
      await silent.ping();
      proxy.blackHole();
      const started = performance.now();
      const result = await gateway.json({
        task: "sentiment",
        system: "Rate it.",
        messages: [{ role: "user", content: "wagmi" }],
        schema,
        schemaName: "answer",
        ...budgeted,
      });
      const elapsed = performance.now() - started;
      expect(answeredBy(result)).toBe("limited");
      // About one second for the budget read and one for the slot, far from the 5 s deadline.
      expect(elapsed).toBeGreaterThanOrEqual(1_800);
      expect(elapsed).toBeLessThan(3_500);
      expect(logs.lines).toContainEqual(
        expect.objectContaining({
          level: "warn",
          message: "model gateway: could not read the token budget; call allowed",
        }),
      );
    } finally {
      await gateway.close();
      silent.disconnect();
      await proxy.close();
    }
  });

  it("GIVEN Redis unreachable THEN calls still reach the provider, without limits, and say so in the log", async () => {
    const port = new URL(await closedPortURL()).port;
    const unreachable = new Redis({ port: Number(port), enableOfflineQueue: false, lazyConnect: true });
    unreachable.on("error", () => undefined);
    const logs = recordingLogger();
    const gateway = createModelGateway({
      config: modelsConfig([provider("limited", limited.baseURL, { maxConcurrent: 1 })]),
      redis: unreachable,
      prefix: "test-gateway-unreachable",
      logger: logs,
    });
    try {
      const results = await Promise.all([jsonCall(gateway), jsonCall(gateway)]);
      expect(results.map(answeredBy)).toEqual(["limited", "limited"]);
      expect(logs.lines).toContainEqual(
        expect.objectContaining({ level: "warn", object: expect.objectContaining({ provider: "limited" }) }),
      );
    } finally {
      await gateway.close();
      unreachable.disconnect();
    }
  });
});

describe("429 and retry-after", () => {
  it.for([
    ["retry-after (seconds)", { "retry-after": "1" }, 1_000],
    ["retry-after-ms", { "retry-after-ms": "600" }, 600],
  ] as const)(
    "GIVEN a 429 with %s THEN no gateway sends that provider anything until then",
    async ([, headers, pauseMs], context) => {
      let rateLimited = true;
      limited.setBehaviour(() =>
        rateLimited ? { kind: "status", status: 429, headers } : { kind: "reply", content: reply },
      );
      const factory = gatewayFactory(context);
      const config = modelsConfig([
        provider("limited", limited.baseURL),
        provider("spare", spare.baseURL, { priority: 2 }),
      ]);
      const first = factory.open(config);
      const second = factory.open(config);

      const limitedAt = performance.now();
      expect(answeredBy(await jsonCall(first.gateway))).toBe("spare");
      rateLimited = false;
      expect(answeredBy(await jsonCall(second.gateway))).toBe("spare");
      expect(answeredBy(await jsonCall(first.gateway))).toBe("spare");
      expect(limited.requests).toHaveLength(1);

      await sleep(pauseMs - (performance.now() - limitedAt) + 50);
      expect(answeredBy(await jsonCall(second.gateway))).toBe("limited");
      expect(limited.requests).toHaveLength(2);
      // A 429 says the provider is up: it is not a breaker failure, only a pause.
      expect(first.metrics.samples.filter((sample) => sample.metric === "breakerOpen")).toEqual([]);
    },
  );

  it("GIVEN the only provider asks to wait less than the deadline THEN the call waits and then gets its answer", async (context) => {
    let rateLimited = true;
    limited.setBehaviour(() => {
      if (!rateLimited) return { kind: "reply", content: reply };
      rateLimited = false;
      return { kind: "status", status: 429, headers: { "retry-after-ms": "300" } };
    });
    const { gateway } = gatewayFactory(context).open(modelsConfig([provider("limited", limited.baseURL)]));
    const started = performance.now();
    expect(answeredBy(await jsonCall(gateway))).toBe("limited");
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(limited.requests).toHaveLength(2);
  });

  it("GIVEN the only provider asks to wait past the deadline THEN the call ends unavailable at once", async (context) => {
    limited.setBehaviour({ kind: "status", status: 429, headers: { "retry-after": "30" } });
    const { gateway } = gatewayFactory(context).open(
      modelsConfig([provider("limited", limited.baseURL)], { deadlineMs: 5_000 }),
    );
    const started = performance.now();
    expect(await jsonCall(gateway)).toEqual({
      ok: false,
      reason: "unavailable",
      detail: "limited/qwen: rate_limited (HTTP 429)",
    });
    expect(performance.now() - started).toBeLessThan(500);
  });
});
