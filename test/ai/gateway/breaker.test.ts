// The circuit breaker per provider: opens after consecutive failures, lets one probe through
// after the cool-down (the clock is the gateway's `now`, moved by the test), closes on success.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ModelGateway } from "@memebot/ai";
import { startFakeOpenAI, type FakeOpenAI } from "../../fakes/openai/server.ts";
import { gatewayFactory, modelsConfig, provider, type TestGateway } from "./support.ts";

const schema = z.object({ answer: z.string() });
const reply = JSON.stringify({ answer: "gm" });

const jsonCall = (gateway: ModelGateway) =>
  gateway.json({
    task: "image-prompt",
    system: "Describe it.",
    messages: [{ role: "user", content: "a frog" }],
    schema,
    schemaName: "answer",
  });

const answeredBy = (result: Awaited<ReturnType<typeof jsonCall>>) =>
  result.ok ? result.provider : result.reason;

let flaky: FakeOpenAI;
let steady: FakeOpenAI;

beforeAll(async () => {
  [flaky, steady] = await Promise.all([startFakeOpenAI(), startFakeOpenAI()]);
});
afterAll(async () => {
  await Promise.all([flaky.close(), steady.close()]);
});
beforeEach(() => {
  flaky.setBehaviour({ kind: "status", status: 500 });
  steady.setBehaviour({ kind: "reply", content: reply });
  flaky.requests.splice(0);
  steady.requests.splice(0);
});

const COOL_DOWN_MS = 30_000;

function openWithClock(context: Parameters<typeof gatewayFactory>[0]) {
  let clock = 1_000_000;
  const opened: TestGateway = gatewayFactory(context).open(
    modelsConfig([provider("flaky", flaky.baseURL), provider("steady", steady.baseURL, { priority: 2 })]),
    { now: () => clock, breaker: { failureThreshold: 3, coolDownMs: COOL_DOWN_MS } },
  );
  const breakerStates = () =>
    opened.metrics.samples.filter((sample) => sample.metric === "breakerOpen").map((sample) => sample.value);
  return { ...opened, advance: (ms: number) => (clock += ms), breakerStates };
}

async function tripBreaker(gateway: ModelGateway) {
  for (let i = 0; i < 3; i += 1) expect(answeredBy(await jsonCall(gateway))).toBe("steady");
}

describe("circuit breaker", () => {
  it("GIVEN 3 consecutive failures THEN the provider gets no requests until the cool-down ends", async (context) => {
    const { gateway, advance, breakerStates, logs } = openWithClock(context);
    await tripBreaker(gateway);
    expect(flaky.requests).toHaveLength(3);
    expect(breakerStates()).toEqual([1]);
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ level: "warn", object: { provider: "flaky" } }),
    );

    expect(answeredBy(await jsonCall(gateway))).toBe("steady");
    advance(COOL_DOWN_MS - 1);
    expect(answeredBy(await jsonCall(gateway))).toBe("steady");
    expect(flaky.requests).toHaveLength(3);
  });

  it("GIVEN an open breaker past the deadline and no other provider THEN the call ends at once and says why", async (context) => {
    const { gateway } = openWithClock(context);
    await tripBreaker(gateway);
    steady.setBehaviour({ kind: "status", status: 503 });
    const started = performance.now();
    expect(await jsonCall(gateway)).toEqual({
      ok: false,
      reason: "unavailable",
      detail: "steady/qwen: server_error (HTTP 503); flaky/qwen: circuit open",
    });
    // The 30 s cool-down outlasts the 5 s deadline: no point waiting for it.
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("GIVEN the cool-down has passed and the provider recovered THEN one probe succeeds and the breaker closes", async (context) => {
    const { gateway, advance, breakerStates } = openWithClock(context);
    await tripBreaker(gateway);
    flaky.setBehaviour({ kind: "reply", content: reply });
    advance(COOL_DOWN_MS);

    expect(answeredBy(await jsonCall(gateway))).toBe("flaky");
    expect(breakerStates()).toEqual([1, 0]);
    expect(answeredBy(await jsonCall(gateway))).toBe("flaky");
    expect(flaky.requests).toHaveLength(5);
  });

  it("GIVEN half-open AND a call whose schema cannot be sent THEN the probe is not used up and the next call probes", async (context) => {
    const { gateway, advance } = openWithClock(context);
    await tripBreaker(gateway);
    advance(COOL_DOWN_MS + 1);
    flaky.setBehaviour({ kind: "reply", content: reply });
    const unsendable = await gateway.json({
      task: "image-prompt",
      system: "Describe it.",
      messages: [{ role: "user", content: "a frog" }],
      schema: z.object({ when: z.date() }),
      schemaName: "when",
    });
    expect(unsendable).toMatchObject({ ok: false, reason: "unavailable" });
    expect(answeredBy(await jsonCall(gateway))).toBe("flaky");
  });

  it("GIVEN the probe fails THEN the breaker opens again for a whole cool-down", async (context) => {
    const { gateway, advance } = openWithClock(context);
    await tripBreaker(gateway);
    advance(COOL_DOWN_MS);

    expect(answeredBy(await jsonCall(gateway))).toBe("steady");
    expect(flaky.requests).toHaveLength(4);
    advance(COOL_DOWN_MS - 1);
    expect(answeredBy(await jsonCall(gateway))).toBe("steady");
    expect(flaky.requests).toHaveLength(4);
  });

  it("GIVEN half-open THEN only one request probes while the others go elsewhere", async (context) => {
    const { gateway, advance } = openWithClock(context);
    await tripBreaker(gateway);
    flaky.setBehaviour({ kind: "reply", content: reply, delayMs: 200 });
    advance(COOL_DOWN_MS);

    const results = await Promise.all([jsonCall(gateway), jsonCall(gateway), jsonCall(gateway)]);
    expect(results.map(answeredBy).sort()).toEqual(["flaky", "steady", "steady"]);
    expect(flaky.requests).toHaveLength(4);
  });

  it("GIVEN a success between failures THEN the count starts again", async (context) => {
    let failNext = [true, true, false, true, true];
    flaky.setBehaviour(() => {
      const fail = failNext[0] ?? true;
      failNext = failNext.slice(1);
      return fail ? { kind: "status", status: 500 } : { kind: "reply", content: reply };
    });
    const { gateway, breakerStates } = openWithClock(context);
    const answered = [];
    for (let i = 0; i < 5; i += 1) answered.push(answeredBy(await jsonCall(gateway)));
    expect(answered).toEqual(["steady", "steady", "flaky", "steady", "steady"]);
    // Two failures since the success: still closed, so the sixth call tries flaky once more.
    expect(breakerStates()).toEqual([]);
    await jsonCall(gateway);
    expect(flaky.requests).toHaveLength(6);
    expect(breakerStates()).toEqual([1]);
  });

  it("GIVEN 429s and rejected requests THEN the breaker stays closed (they say nothing about the provider's health)", async (context) => {
    const { gateway, breakerStates } = openWithClock(context);
    flaky.setBehaviour({ kind: "status", status: 404 });
    for (let i = 0; i < 4; i += 1) await jsonCall(gateway);
    flaky.setBehaviour({ kind: "status", status: 429, headers: { "retry-after-ms": "1" } });
    for (let i = 0; i < 4; i += 1) {
      await jsonCall(gateway);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(breakerStates()).toEqual([]);
    flaky.setBehaviour({ kind: "reply", content: reply });
    expect(answeredBy(await jsonCall(gateway))).toBe("flaky");
  });
});
