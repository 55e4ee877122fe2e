// Structured output: response_format or the schema in the prompt, digging JSON out of think
// blocks and fences, the repair round, and what happens when a model keeps answering wrongly.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ModelGateway } from "@memebot/ai";
import { startFakeOpenAI, type FakeChatRequest, type FakeOpenAI } from "../../fakes/openai/server.ts";
import { gatewayFactory, modelsConfig, provider } from "./support.ts";

const captionSchema = z.object({ top: z.string().max(20), bottom: z.string().max(20) });
const caption = { top: "NOBODY:", bottom: "BONK HOLDERS" };
const tooLong = { top: "THIS CAPTION IS FAR TOO LONG FOR THE SCHEMA", bottom: "OK" };
const community = { platform: "discord", externalId: "4242" };

const jsonCall = (gateway: ModelGateway) =>
  gateway.json({
    task: "meme-text",
    community,
    system: "You write memes.",
    messages: [{ role: "user", content: "Topic: bonk" }],
    schema: captionSchema,
    schemaName: "caption",
  });

const systemOf = (body: FakeChatRequest | undefined) => body?.messages?.[0]?.content;

let grammar: FakeOpenAI;
let plain: FakeOpenAI;
let other: FakeOpenAI;

beforeAll(async () => {
  [grammar, plain, other] = await Promise.all([startFakeOpenAI(), startFakeOpenAI(), startFakeOpenAI()]);
});
afterAll(async () => {
  await Promise.all([grammar.close(), plain.close(), other.close()]);
});
beforeEach(() => {
  for (const fake of [grammar, plain, other]) {
    fake.setBehaviour({ kind: "reply", content: JSON.stringify(caption) });
    fake.requests.splice(0);
  }
});

describe("asking for JSON", () => {
  it("GIVEN a provider with jsonSchema THEN a strict json_schema response_format is sent and the prompt is left alone", async (context) => {
    const { gateway } = gatewayFactory(context).open(modelsConfig([provider("grammar", grammar.baseURL)]));
    expect(await jsonCall(gateway)).toMatchObject({ ok: true, value: caption });
    const [sent] = grammar.requests;
    expect(sent?.body).toMatchObject({
      model: "qwen-id",
      max_tokens: 256,
      temperature: 0.7,
      messages: [
        { role: "system", content: "You write memes." },
        { role: "user", content: "Topic: bonk" },
      ],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "caption",
          strict: true,
          schema: {
            type: "object",
            properties: { top: { type: "string", maxLength: 20 }, bottom: { type: "string", maxLength: 20 } },
            required: ["top", "bottom"],
          },
        },
      },
    });
    expect(JSON.stringify(sent?.body.response_format)).not.toContain("$schema");
    expect(sent?.body.stream).toBeFalsy();
  });

  it("GIVEN a provider without jsonSchema THEN the schema goes in the system prompt and no response_format is sent", async (context) => {
    const { gateway } = gatewayFactory(context).open(
      modelsConfig([provider("plain", plain.baseURL, { jsonSchema: false })]),
    );
    expect(await jsonCall(gateway)).toMatchObject({ ok: true, value: caption });
    const [sent] = plain.requests;
    expect(sent?.body.response_format).toBeUndefined();
    const system = String(systemOf(sent?.body));
    expect(system.startsWith("You write memes.\n\nAnswer with JSON only, matching this JSON Schema: ")).toBe(
      true,
    );
    const schema = JSON.parse(system.slice(system.indexOf("{"))) as Record<string, unknown>;
    expect(schema).toMatchObject({ type: "object", required: ["top", "bottom"] });
    expect(schema.$schema).toBeUndefined();
  });

  it.for([
    [
      "a think block and a fence",
      `<think>They want bonk. Keep it short.</think>\n\`\`\`json\n${JSON.stringify(caption)}\n\`\`\``,
    ],
    ["a friendly sentence around it", `Sure! Here it is: ${JSON.stringify(caption)} Enjoy.`],
  ] as const)("GIVEN an answer with %s THEN the JSON inside is used", async ([, content], context) => {
    grammar.setBehaviour({ kind: "reply", content });
    const { gateway } = gatewayFactory(context).open(modelsConfig([provider("grammar", grammar.baseURL)]));
    expect(await jsonCall(gateway)).toMatchObject({ ok: true, value: caption });
    expect(grammar.requests).toHaveLength(1);
  });

  it("GIVEN a reasoning server that put the answer in reasoning_content THEN that is the answer", async (context) => {
    grammar.setBehaviour({ kind: "reply", content: null, reasoning: JSON.stringify(caption) });
    const { gateway } = gatewayFactory(context).open(modelsConfig([provider("grammar", grammar.baseURL)]));
    expect(await jsonCall(gateway)).toMatchObject({ ok: true, value: caption });
  });
});

describe("the repair round", () => {
  it("GIVEN a first answer that fails the schema and a valid second one THEN ok, and the repair request names the errors", async (context) => {
    const answers = [JSON.stringify(tooLong), JSON.stringify(caption)];
    grammar.setBehaviour(() => ({
      kind: "reply",
      content: answers.shift() ?? "",
      usage: { prompt_tokens: 50, completion_tokens: 10 },
    }));
    const { gateway, recorder, metrics } = gatewayFactory(context).open(
      modelsConfig([provider("grammar", grammar.baseURL), provider("other", other.baseURL, { priority: 2 })]),
    );
    expect(await jsonCall(gateway)).toMatchObject({
      ok: true,
      value: caption,
      provider: "grammar",
      tokensIn: 100,
      tokensOut: 20,
    });
    expect(grammar.requests).toHaveLength(2);
    expect(other.requests).toHaveLength(0);
    const repair = grammar.requests[1]?.body;
    expect(repair?.messages).toEqual([
      { role: "system", content: "You write memes." },
      { role: "user", content: "Topic: bonk" },
      { role: "assistant", content: JSON.stringify(tooLong) },
      {
        role: "user",
        content:
          "Your answer was not valid: top: Too big: expected string to have <=20 characters. Reply again with only the corrected JSON.",
      },
    ]);
    expect(repair?.response_format).toMatchObject({ type: "json_schema" });
    expect(recorder.rows).toMatchObject([
      { outcome: "ok", provider: "grammar", tokensIn: 100, tokensOut: 20 },
    ]);
    const outcomes = metrics.samples.filter((s) => s.metric === "requests").map((s) => s.labels.outcome);
    expect(outcomes).toEqual(["invalid", "ok"]);
  });

  it("GIVEN an answer with no JSON at all THEN the repair request says so", async (context) => {
    const answers = ["I would rather not.", JSON.stringify(caption)];
    plain.setBehaviour(() => ({ kind: "reply", content: answers.shift() ?? "" }));
    const { gateway } = gatewayFactory(context).open(
      modelsConfig([provider("plain", plain.baseURL, { jsonSchema: false })]),
    );
    expect(await jsonCall(gateway)).toMatchObject({ ok: true, value: caption });
    expect(plain.requests[1]?.body.messages?.at(-1)?.content).toBe(
      "Your answer was not valid: it held no JSON value. Reply again with only the corrected JSON.",
    );
  });

  it("GIVEN invalid twice THEN invalid_response, and other providers of the same model are not asked", async (context) => {
    grammar.setBehaviour({ kind: "reply", content: JSON.stringify(tooLong) });
    const { gateway, recorder } = gatewayFactory(context).open(
      modelsConfig([provider("grammar", grammar.baseURL), provider("plain", plain.baseURL, { priority: 2 })]),
    );
    expect(await jsonCall(gateway)).toEqual({
      ok: false,
      reason: "invalid_response",
      detail: "grammar/qwen: invalid answer",
    });
    expect(grammar.requests).toHaveLength(2);
    expect(plain.requests).toHaveLength(0);
    // The model did answer, and its tokens were spent: the row names it.
    expect(recorder.rows).toMatchObject([
      { community, outcome: "invalid", provider: "grammar", model: "qwen" },
    ]);
    expect(recorder.rows[0]?.tokensOut).toBeGreaterThan(0);
  });

  it("GIVEN invalid twice and a different model next in line THEN that model is tried and answers", async (context) => {
    grammar.setBehaviour({ kind: "reply", content: JSON.stringify(tooLong) });
    const { gateway } = gatewayFactory(context).open(
      modelsConfig(
        [
          provider("grammar", grammar.baseURL),
          provider("plain", plain.baseURL, { priority: 2 }),
          provider("other", other.baseURL, { models: ["kimi"] }),
        ],
        { models: ["qwen", "kimi"] },
      ),
    );
    expect(await jsonCall(gateway)).toMatchObject({
      ok: true,
      provider: "other",
      model: "kimi",
      value: caption,
    });
    expect([grammar.requests.length, plain.requests.length, other.requests.length]).toEqual([2, 0, 1]);
    expect(other.requests[0]?.body.model).toBe("kimi-id");
  });
});
