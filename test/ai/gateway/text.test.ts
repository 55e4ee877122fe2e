// Text calls stream: the caller sees the answer grow (thinking hidden), a provider that accepts
// and then stays silent is left after the first-token timeout, a broken stream fails over.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ModelGateway, TextCallRequest } from "@memebot/ai";
import { startFakeOpenAI, type FakeOpenAI } from "../../fakes/openai/server.ts";
import { gatewayFactory, modelsConfig, provider } from "./support.ts";

const ANSWER = "Hello there, degens! WAGMI, but only if you hodl.";

function textCall(gateway: ModelGateway, extra: Partial<TextCallRequest> = {}) {
  const shown: string[] = [];
  const result = gateway.text({
    task: "chat",
    system: "You are the chat's meme bot.",
    messages: [
      { role: "user", content: "<message from=alice>gm</message>" },
      { role: "assistant", content: "gm alice" },
      { role: "user", content: "<message from=bob>are we early?</message>" },
    ],
    onText: (soFar) => shown.push(soFar),
    ...extra,
  });
  return { result, shown };
}

let first: FakeOpenAI;
let second: FakeOpenAI;

beforeAll(async () => {
  [first, second] = await Promise.all([startFakeOpenAI(), startFakeOpenAI()]);
});
afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
});
beforeEach(() => {
  for (const fake of [first, second]) {
    fake.setBehaviour({ kind: "reply", content: ANSWER });
    fake.requests.splice(0);
  }
});

const twoProviders = () =>
  modelsConfig([
    provider("first", first.baseURL, { timeoutMs: 5_000 }),
    provider("second", second.baseURL, { priority: 2 }),
  ]);

describe("streamed text", () => {
  it("GIVEN a streamed answer with a think block THEN onText shows it growing without the thinking, and tokens come from the usage chunk", async (context) => {
    first.setBehaviour({
      kind: "reply",
      content: `<think>bob asks if we are early</think>${ANSWER}`,
      chunkDelayMs: 10,
      usage: { prompt_tokens: 31, completion_tokens: 17 },
    });
    const { gateway, recorder } = gatewayFactory(context).open(twoProviders());
    const { result, shown } = textCall(gateway);

    expect(await result).toMatchObject({
      ok: true,
      value: ANSWER,
      provider: "first",
      tokensIn: 31,
      tokensOut: 17,
    });
    expect(shown.length).toBeGreaterThan(2);
    expect(shown.at(-1)).toBe(ANSWER);
    for (const [index, text] of shown.entries()) {
      expect(text).not.toMatch(/think|early</);
      expect(ANSWER.startsWith(text)).toBe(true);
      if (index > 0) expect(text.length).toBeGreaterThan(shown[index - 1]?.length ?? 0);
    }
    const [sent] = first.requests;
    expect(sent?.body).toMatchObject({
      model: "qwen-id",
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: "system", content: "You are the chat's meme bot." },
        { role: "user", content: "<message from=alice>gm</message>" },
        { role: "assistant", content: "gm alice" },
        { role: "user", content: "<message from=bob>are we early?</message>" },
      ],
    });
    expect(sent?.body.response_format).toBeUndefined();
    expect(recorder.rows).toMatchObject([{ task: "chat", outcome: "ok", tokensIn: 31, tokensOut: 17 }]);
  });

  it("GIVEN a stream without usage THEN tokens are estimated from the characters sent and received", async (context) => {
    first.setBehaviour({ kind: "reply", content: ANSWER, usage: null });
    const { gateway } = gatewayFactory(context).open(twoProviders());
    const result = await textCall(gateway).result;
    const sent = first.requests[0]?.body.messages ?? [];
    const promptCharacters = sent.reduce(
      (sum, message) => sum + (typeof message.content === "string" ? message.content.length : 0),
      0,
    );
    expect(result).toMatchObject({
      ok: true,
      tokensIn: Math.ceil(promptCharacters / 4),
      tokensOut: Math.ceil(ANSWER.length / 4),
    });
  });

  it("GIVEN a provider that accepts but never sends a token THEN the next one answers after the first-token timeout", async (context) => {
    first.setBehaviour({ kind: "mute-stream" });
    const { gateway, metrics } = gatewayFactory(context).open(twoProviders(), { firstTokenTimeoutMs: 300 });
    const started = performance.now();
    expect(await textCall(gateway).result).toMatchObject({ ok: true, provider: "second", value: ANSWER });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    // Far below first's 5 s timeout.
    expect(elapsed).toBeLessThan(1_000);
    expect(metrics.samples).toContainEqual({
      metric: "requests",
      labels: { provider: "first", model: "qwen", task: "chat", outcome: "timeout" },
      value: 1,
    });
  });

  it("GIVEN a provider that speaks at once but takes longer than the first-token timeout in all THEN its answer is kept", async (context) => {
    first.setBehaviour({ kind: "reply", content: ANSWER, chunkDelayMs: 120 });
    const { gateway } = gatewayFactory(context).open(twoProviders(), { firstTokenTimeoutMs: 300 });
    expect(await textCall(gateway).result).toMatchObject({ ok: true, provider: "first", value: ANSWER });
    expect(second.requests).toHaveLength(0);
  });

  it("GIVEN a stream that breaks after some text THEN the call fails over and the answer is the next provider's", async (context) => {
    first.setBehaviour({
      kind: "reply",
      content: "This answer will be cut off halfway through.",
      breakAfterChars: 16,
    });
    const { gateway, metrics } = gatewayFactory(context).open(twoProviders());
    const { result, shown } = textCall(gateway);
    expect(await result).toMatchObject({ ok: true, provider: "second", value: ANSWER });
    // The caller saw the broken attempt's start, then the whole second answer.
    expect(shown[0]).toBe("This answer will");
    expect(shown.at(-1)).toBe(ANSWER);
    expect(metrics.samples).toContainEqual({
      metric: "requests",
      labels: { provider: "first", model: "qwen", task: "chat", outcome: "connection_failed" },
      value: 1,
    });
  });

  it("GIVEN the caller aborts while the answer streams THEN the call rejects with its reason and tries no one else", async (context) => {
    first.setBehaviour({ kind: "reply", content: ANSWER, chunkDelayMs: 50 });
    const { gateway, recorder } = gatewayFactory(context).open(twoProviders());
    const controller = new AbortController();
    const reason = new Error("conversation closed");
    const { result, shown } = textCall(gateway, {
      signal: controller.signal,
      onText: (soFar) => {
        shown.push(soFar);
        controller.abort(reason);
      },
    });
    await expect(result).rejects.toBe(reason);
    expect(second.requests).toHaveLength(0);
    expect(recorder.rows).toMatchObject([{ provider: "offline", outcome: "aborted" }]);
  });

  it("GIVEN a model that only thinks THEN its empty answer is invalid", async (context) => {
    first.setBehaviour({ kind: "reply", content: "<think>what could I say</think>  " });
    const { gateway, recorder } = gatewayFactory(context).open(
      modelsConfig([provider("first", first.baseURL), provider("second", second.baseURL, { priority: 2 })]),
    );
    expect(await textCall(gateway).result).toEqual({
      ok: false,
      reason: "invalid_response",
      detail: "first/qwen: invalid answer",
    });
    // The same model elsewhere would think the same: second is not asked.
    expect(second.requests).toHaveLength(0);
    expect(recorder.rows).toMatchObject([{ outcome: "invalid", provider: "first" }]);
  });
});
