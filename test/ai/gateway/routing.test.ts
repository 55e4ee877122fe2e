// Which provider gets a call, failover within the deadline, accounting, the budget, the caller's
// abort and metrics. Real openai clients against fake OpenAI-compatible servers, real Redis.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { modelNamesOf } from "@memebot/config";
import type { ModelGateway } from "@memebot/ai";
import { createMetrics } from "@memebot/telemetry";
import { startFakeOpenAI, type FakeOpenAI } from "../../fakes/openai/server.ts";
import {
  API_KEY,
  closedPortURL,
  gatewayFactory,
  MemoryLedger,
  MemoryRecorder,
  modelsConfig,
  provider,
} from "./support.ts";

const captionSchema = z.object({ top: z.string().max(40), bottom: z.string().max(40) });
const caption = { top: "ONE DOES NOT SIMPLY", bottom: "SELL BONK" };
const community = { platform: "telegram", externalId: "-100123" };

const jsonCall = (gateway: ModelGateway, extra: object = {}) =>
  gateway.json({
    task: "meme-text",
    system: "You write memes.",
    messages: [{ role: "user", content: "Topic: bonk" }],
    schema: captionSchema,
    schemaName: "caption",
    ...extra,
  });

let alpha: FakeOpenAI;
let beta: FakeOpenAI;
let gamma: FakeOpenAI;
let closedURL: string;

beforeAll(async () => {
  [alpha, beta, gamma] = await Promise.all([startFakeOpenAI(), startFakeOpenAI(), startFakeOpenAI()]);
  closedURL = await closedPortURL();
});
afterAll(async () => {
  await Promise.all([alpha.close(), beta.close(), gamma.close()]);
});
beforeEach(() => {
  for (const fake of [alpha, beta, gamma]) {
    fake.setBehaviour({ kind: "reply", content: JSON.stringify(caption) });
    fake.requests.splice(0);
  }
});

describe("candidate order", () => {
  it("GIVEN providers of one model at different priorities THEN the lowest priority number answers", async (context) => {
    const { gateway } = gatewayFactory(context).open(
      modelsConfig([provider("alpha", alpha.baseURL, { priority: 2 }), provider("beta", beta.baseURL)]),
    );
    const result = await jsonCall(gateway);
    expect(result).toMatchObject({ ok: true, value: caption, provider: "beta", model: "qwen" });
    expect(alpha.requests).toHaveLength(0);
    expect(beta.requests[0]?.body.model).toBe("qwen-id");
  });

  it("GIVEN equal priorities THEN an untried provider is measured once and the faster one goes first after", async (context) => {
    alpha.setBehaviour({ kind: "reply", content: JSON.stringify(caption), delayMs: 150 });
    const { gateway } = gatewayFactory(context).open(
      modelsConfig([provider("alpha", alpha.baseURL), provider("beta", beta.baseURL)]),
    );
    const answeredBy: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const result = await jsonCall(gateway);
      answeredBy.push(result.ok ? result.provider : result.reason);
    }
    // alpha first by configuration order (both untried), then beta (untried), then beta: it measured faster.
    expect(answeredBy).toEqual(["alpha", "beta", "beta", "beta"]);
  });

  it("GIVEN a community's preferred model THEN it is tried before the task's models, and an unknown one is ignored", async (context) => {
    const { gateway } = gatewayFactory(context).open(
      modelsConfig([provider("alpha", alpha.baseURL), provider("beta", beta.baseURL, { models: ["kimi"] })]),
    );
    expect(await jsonCall(gateway, { preferredModel: "kimi" })).toMatchObject({
      ok: true,
      provider: "beta",
      model: "kimi",
    });
    expect(await jsonCall(gateway, { preferredModel: "no-such-model" })).toMatchObject({
      ok: true,
      provider: "alpha",
      model: "qwen",
    });
    expect(gateway.modelNames()).toEqual(["qwen", "kimi"]);
  });

  it("GIVEN no provider serves the task's models THEN not_configured at once, recorded, and nothing is sent", async (context) => {
    const { gateway, recorder } = gatewayFactory(context).open(
      modelsConfig([provider("alpha", alpha.baseURL)], { models: ["nobody-serves-this"] }),
    );
    expect(await jsonCall(gateway, { community })).toEqual({ ok: false, reason: "not_configured" });
    expect(alpha.requests).toHaveLength(0);
    expect(recorder.rows).toMatchObject([
      {
        community,
        task: "meme-text",
        provider: "offline",
        model: "-",
        outcome: "not_configured",
        tokensIn: 0,
      },
    ]);
  });
});

describe("failover", () => {
  it.for([
    ["a 5xx", { kind: "status", status: 503 }, "server_error"],
    ["a hang past the provider's timeout", { kind: "hang" }, "timeout"],
    ["a proxy's HTML page", { kind: "garbage" }, "bad_response"],
  ] as const)(
    "GIVEN %s on the first provider THEN the next one answers",
    async ([, behaviour, outcome], context) => {
      alpha.setBehaviour(behaviour);
      const { gateway, metrics } = gatewayFactory(context).open(
        modelsConfig([
          provider("alpha", alpha.baseURL, { timeoutMs: 300 }),
          provider("beta", beta.baseURL, { priority: 2 }),
        ]),
      );
      expect(await jsonCall(gateway)).toMatchObject({ ok: true, provider: "beta", value: caption });
      expect(alpha.requests).toHaveLength(1);
      const requests = metrics.samples.filter((sample) => sample.metric === "requests").map((s) => s.labels);
      expect(requests).toEqual([
        { provider: "alpha", model: "qwen", task: "meme-text", outcome },
        { provider: "beta", model: "qwen", task: "meme-text", outcome: "ok" },
      ]);
    },
  );

  it("GIVEN a provider whose port is closed THEN the next one answers", async (context) => {
    const { gateway } = gatewayFactory(context).open(
      modelsConfig([provider("down", closedURL), provider("beta", beta.baseURL, { priority: 2 })]),
    );
    const result = await jsonCall(gateway);
    expect(result).toMatchObject({ ok: true, provider: "beta" });
  });

  it.for([401, 404, 422])(
    "GIVEN HTTP %i THEN that provider is skipped for the call and the rejection is logged without the key",
    async (status, context) => {
      alpha.setBehaviour({ kind: "status", status });
      const { gateway, logs } = gatewayFactory(context).open(
        modelsConfig([provider("alpha", alpha.baseURL), provider("beta", beta.baseURL, { priority: 2 })]),
      );
      const result = await jsonCall(gateway);
      expect(result).toMatchObject({ ok: true, provider: "beta" });
      expect(alpha.requests).toHaveLength(1);
      expect(logs.lines).toContainEqual(
        expect.objectContaining({ level: "warn", object: { provider: "alpha", model: "qwen", status } }),
      );
      expect(JSON.stringify(logs.lines)).not.toContain(API_KEY);
    },
  );

  it("GIVEN every provider hangs THEN the call ends unavailable by its deadline, with each provider's failure in detail", async (context) => {
    for (const fake of [alpha, beta, gamma]) fake.setBehaviour({ kind: "hang" });
    const { gateway, recorder } = gatewayFactory(context).open(
      modelsConfig(
        [
          provider("alpha", alpha.baseURL, { timeoutMs: 250 }),
          provider("beta", beta.baseURL, { timeoutMs: 250, priority: 2 }),
          provider("gamma", gamma.baseURL, { timeoutMs: 5_000, priority: 3 }),
        ],
        { deadlineMs: 700 },
      ),
    );
    const started = performance.now();
    const result = await jsonCall(gateway, { community });
    const elapsed = performance.now() - started;

    expect(result).toEqual({
      ok: false,
      reason: "unavailable",
      detail: "alpha/qwen: timeout; beta/qwen: timeout; gamma/qwen: timeout; deadline passed",
    });
    expect(elapsed).toBeGreaterThanOrEqual(690);
    expect(elapsed).toBeLessThan(700 + 250);
    expect([alpha, beta, gamma].map((fake) => fake.requests.length)).toEqual([1, 1, 1]);
    expect(recorder.rows).toMatchObject([{ provider: "offline", model: "-", outcome: "unavailable" }]);
    expect(recorder.rows[0]?.latencyMs).toBeGreaterThanOrEqual(690);
  });

  it("GIVEN every provider fails fast THEN the call ends unavailable at once rather than waiting for the deadline", async (context) => {
    alpha.setBehaviour({ kind: "status", status: 500 });
    const { gateway } = gatewayFactory(context).open(
      modelsConfig([provider("alpha", alpha.baseURL), provider("down", closedURL)], { deadlineMs: 10_000 }),
    );
    const started = performance.now();
    expect(await jsonCall(gateway)).toMatchObject({ ok: false, reason: "unavailable" });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("GIVEN errors from every provider THEN neither the result, the logs nor the rows hold the API key", async (context) => {
    alpha.setBehaviour({ kind: "status", status: 401 });
    beta.setBehaviour({ kind: "status", status: 500 });
    const { gateway, logs, recorder } = gatewayFactory(context).open(
      modelsConfig([provider("alpha", alpha.baseURL), provider("beta", beta.baseURL)]),
    );
    const result = await jsonCall(gateway);
    expect(result).toMatchObject({ ok: false, reason: "unavailable" });
    expect(JSON.stringify([result, logs.lines, recorder.rows])).not.toContain(API_KEY);
    // The key did go to the providers, as the bearer token.
    expect(alpha.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });
});

describe("accounting and budget", () => {
  it("GIVEN an answer THEN one row with its provider, model, tokens from usage and the whole call's latency", async (context) => {
    alpha.setBehaviour({ kind: "status", status: 500 });
    beta.setBehaviour({
      kind: "reply",
      content: JSON.stringify(caption),
      delayMs: 50,
      usage: { prompt_tokens: 123, completion_tokens: 45 },
    });
    const { gateway, recorder } = gatewayFactory(context).open(
      modelsConfig([provider("alpha", alpha.baseURL), provider("beta", beta.baseURL, { priority: 2 })]),
    );
    const result = await jsonCall(gateway, { community });
    expect(result).toMatchObject({ ok: true, provider: "beta", model: "qwen", tokensIn: 123, tokensOut: 45 });
    expect(recorder.rows).toHaveLength(1);
    expect(recorder.rows[0]).toMatchObject({
      community,
      task: "meme-text",
      provider: "beta",
      model: "qwen",
      outcome: "ok",
      tokensIn: 123,
      tokensOut: 45,
    });
    expect(recorder.rows[0]?.latencyMs).toBeGreaterThanOrEqual(50);
    expect(recorder.rows[0]?.latencyMs).toBe(result.ok ? result.latencyMs : -1);
    expect(recorder.rows[0]?.at).toBeInstanceOf(Date);
    await gateway.close();
    expect(recorder.flushes).toBe(1);
  });

  it("GIVEN a recorder with close() THEN the gateway's close() closes it (its timer stops) instead of only flushing", async (context) => {
    const recorder = new (class extends MemoryRecorder {
      closes = 0;
      async close(): Promise<void> {
        this.closes += 1;
      }
    })();
    const { gateway } = gatewayFactory(context).open(modelsConfig([provider("alpha", alpha.baseURL)]), {
      recorder,
    });
    await gateway.close();
    expect(recorder.closes).toBe(1);
    expect(recorder.flushes).toBe(0);
  });

  it("GIVEN a server that reports no usage THEN tokens are estimated (characters / 4, rounded up), charged, and the log says so once", async (context) => {
    const answer = JSON.stringify(caption);
    alpha.setBehaviour({ kind: "reply", content: answer, usage: null });
    const budget = new MemoryLedger();
    const { gateway, recorder, logs } = gatewayFactory(context).open(
      modelsConfig([provider("alpha", alpha.baseURL)]),
      { budget },
    );
    const first = await jsonCall(gateway, { community });
    await jsonCall(gateway, { community });
    const sent = alpha.requests[0]?.body.messages ?? [];
    const promptCharacters = sent.reduce(
      (sum, message) => sum + (typeof message.content === "string" ? message.content.length : 0),
      0,
    );
    const estimate = {
      tokensIn: Math.ceil(promptCharacters / 4),
      tokensOut: Math.ceil(answer.length / 4),
    };
    expect(estimate.tokensIn).toBeGreaterThan(0);
    expect(first).toMatchObject({ ok: true, ...estimate });
    expect(recorder.rows).toMatchObject([
      { outcome: "ok", ...estimate },
      { outcome: "ok", ...estimate },
    ]);
    await gateway.close();
    expect(budget.spent.get("telegram:-100123")).toBe(2 * (estimate.tokensIn + estimate.tokensOut));
    expect(logs.lines.filter((line) => line.message.includes("reports no token usage"))).toMatchObject([
      { level: "warn", object: { provider: "alpha" } },
    ]);
  });

  it("GIVEN a community past its daily budget THEN over_budget, recorded, and no request reaches any provider", async (context) => {
    const budget = new MemoryLedger();
    budget.spent.set("telegram:-100123", 1_000);
    const { gateway, recorder } = gatewayFactory(context).open(
      modelsConfig([provider("alpha", alpha.baseURL), provider("beta", beta.baseURL)]),
      { budget },
    );
    expect(await jsonCall(gateway, { community, dailyTokenBudget: 1_000 })).toEqual({
      ok: false,
      reason: "over_budget",
    });
    expect(alpha.requests.length + beta.requests.length).toBe(0);
    expect(recorder.rows).toMatchObject([
      { community, provider: "offline", outcome: "over_budget", tokensIn: 0 },
    ]);
  });

  it("GIVEN a community under its budget THEN the call goes ahead and its tokens are added to the ledger", async (context) => {
    alpha.setBehaviour({
      kind: "reply",
      content: JSON.stringify(caption),
      usage: { prompt_tokens: 30, completion_tokens: 12 },
    });
    const budget = new MemoryLedger();
    budget.spent.set("telegram:-100123", 999);
    const { gateway } = gatewayFactory(context).open(modelsConfig([provider("alpha", alpha.baseURL)]), {
      budget,
    });
    expect(await jsonCall(gateway, { community, dailyTokenBudget: 1_000 })).toMatchObject({ ok: true });
    await gateway.close();
    expect(budget.spent.get("telegram:-100123")).toBe(999 + 42);
    // Operator tools make calls without a community: nothing is read or charged.
    const reads = budget.reads.length;
    expect(await jsonCall(gateway, { dailyTokenBudget: 1_000 })).toMatchObject({ ok: true });
    expect(budget.reads.length).toBe(reads);
  });
});

describe("model names", () => {
  it("GIVEN providers of different priorities THEN modelNames() is the configuration's list, best priority first (what /config offers)", (context) => {
    const config = modelsConfig([
      provider("big", alpha.baseURL, { priority: 100, models: ["large", "shared"] }),
      provider("fast", beta.baseURL, { priority: 1, models: ["small", "shared"] }),
    ]);
    const { gateway } = gatewayFactory(context).open(config);
    expect(gateway.modelNames()).toEqual(modelNamesOf(config));
    // Both served at priority 1 (shared by "fast" too), in the file's order; then large.
    expect(gateway.modelNames()).toEqual(["shared", "small", "large"]);
  });
});

describe("the caller's abort", () => {
  it("GIVEN the caller aborts mid-call THEN the call rejects with its reason, writes an aborted row and does not count against the provider", async (context) => {
    alpha.setBehaviour({ kind: "hang" });
    const { gateway, recorder, metrics } = gatewayFactory(context).open(
      modelsConfig([provider("alpha", alpha.baseURL)]),
      {
        breaker: { failureThreshold: 1 },
      },
    );
    const controller = new AbortController();
    const reason = new Error("the user left");
    setTimeout(() => controller.abort(reason), 100);
    const started = performance.now();
    await expect(jsonCall(gateway, { community, signal: controller.signal })).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(500);
    expect(recorder.rows).toMatchObject([{ community, provider: "offline", outcome: "aborted" }]);
    expect(metrics.samples.filter((sample) => sample.metric === "calls")).toMatchObject([
      { labels: { task: "meme-text", outcome: "aborted" } },
    ]);

    // With a breaker that opens on one failure, the aborted request did not open it.
    alpha.setBehaviour({ kind: "reply", content: JSON.stringify(caption) });
    expect(await jsonCall(gateway)).toMatchObject({ ok: true, provider: "alpha" });
    expect(alpha.requests).toHaveLength(2);
  });

  it("GIVEN an already aborted signal THEN the call rejects at once without sending anything", async (context) => {
    const { gateway } = gatewayFactory(context).open(modelsConfig([provider("alpha", alpha.baseURL)]));
    const reason = new Error("gone");
    await expect(jsonCall(gateway, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(alpha.requests).toHaveLength(0);
  });
});

describe("a bug of ours", () => {
  it("GIVEN a schema whose check throws THEN the call still returns a value (unavailable) and logs the error's name", async (context) => {
    const { gateway, logs, recorder } = gatewayFactory(context).open(
      modelsConfig([provider("alpha", alpha.baseURL)]),
    );
    const throwingSchema = captionSchema.refine(() => {
      throw new RangeError("a broken refinement");
    });
    const result = await gateway.json({
      task: "meme-text",
      system: "You write memes.",
      messages: [{ role: "user", content: "Topic: bonk" }],
      schema: throwingSchema,
      schemaName: "caption",
    });
    expect(result).toEqual({ ok: false, reason: "unavailable", detail: "internal error" });
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ level: "warn", object: { error: "RangeError", task: "meme-text" } }),
    );
    expect(recorder.rows).toMatchObject([{ outcome: "unavailable", provider: "offline" }]);
  });
});

describe("metrics", () => {
  it("GIVEN the telemetry package's metrics THEN requests, latency, calls and breaker state are exported with configuration names only", async (context) => {
    alpha.setBehaviour({ kind: "status", status: 502 });
    const metrics = createMetrics({ collectDefault: false });
    const { gateway } = gatewayFactory(context).open(
      modelsConfig([provider("alpha", alpha.baseURL), provider("beta", beta.baseURL, { priority: 2 })]),
      {
        breaker: { failureThreshold: 1 },
        metrics: {
          requests: metrics.modelGatewayRequestsTotal,
          latency: metrics.modelGatewayRequestSeconds,
          breakerOpen: metrics.modelGatewayBreakerOpen,
          calls: metrics.modelGatewayCallsTotal,
        },
      },
    );
    await jsonCall(gateway, { messages: [{ role: "user", content: "Topic: <script>evil</script>" }] });
    const { body } = await metrics.render();
    expect(body).toContain(
      'memebot_model_gateway_requests_total{provider="alpha",model="qwen",task="meme-text",outcome="server_error"} 1',
    );
    expect(body).toContain(
      'memebot_model_gateway_requests_total{provider="beta",model="qwen",task="meme-text",outcome="ok"} 1',
    );
    expect(body).toContain(
      'memebot_model_gateway_request_seconds_count{provider="beta",model="qwen",task="meme-text"} 1',
    );
    expect(body).toContain('memebot_model_gateway_calls_total{task="meme-text",outcome="ok"} 1');
    expect(body).toContain('memebot_model_gateway_breaker_open{provider="alpha"} 1');
    expect(body).not.toContain("evil");
  });
});
