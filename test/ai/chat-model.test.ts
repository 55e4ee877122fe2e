import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createChatModel,
  memeCaptionSchema,
  ModelResponseError,
  ModelUnavailableError,
  type ChatModelOptions,
  type ModelRequestSample,
} from "@memebot/ai";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai/server.ts";

const API_KEY = "sk-test-SECRET-4f9a1c";
// The root workspace does not depend on zod itself; the writer's schema is a real one to test with.
const memeSchema = memeCaptionSchema;
const meme = { top: "ONE DOES NOT SIMPLY", bottom: "SELL BONK" };
const request = { system: "You write memes.", user: "Topic: bonk", schema: memeSchema, schemaName: "meme" };

let fake: FakeOpenAI;

beforeEach(async () => {
  fake = await startFakeOpenAI();
});

afterEach(async () => {
  await fake.close();
});

function modelFor(overrides: Partial<ChatModelOptions> = {}) {
  return createChatModel({
    baseURL: fake.baseURL,
    apiKey: API_KEY,
    model: "qwen-test",
    timeoutMs: 5_000,
    ...overrides,
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error("expected the promise to reject");
}

function expectNoApiKey(error: Error) {
  expect(error.message).not.toContain(API_KEY);
  expect(String(error.stack)).not.toContain(API_KEY);
  expect(JSON.stringify(error)).not.toContain(API_KEY);
}

describe("createChatModel", () => {
  it("returns the validated JSON of a good answer", async () => {
    fake.setBehaviour({ kind: "reply", content: JSON.stringify(meme) });
    await expect(modelFor().completeJson(request)).resolves.toEqual(meme);
  });

  it("sends the model, a strict json_schema response format, both messages and the api key", async () => {
    await modelFor().completeJson({ ...request, temperature: 0.7, maxTokens: 300 });

    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent?.path).toBe("/v1/chat/completions");
    expect(sent?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent?.body).toMatchObject({
      model: "qwen-test",
      temperature: 0.7,
      max_tokens: 300,
      messages: [
        { role: "system", content: "You write memes." },
        { role: "user", content: "Topic: bonk" },
      ],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "meme",
          strict: true,
          schema: {
            type: "object",
            properties: { top: { type: "string", maxLength: 80 }, bottom: { type: "string" } },
            required: ["top", "bottom"],
            additionalProperties: false,
          },
        },
      },
    });
  });

  it("uses a placeholder key when none is given, because the client requires one", async () => {
    await createChatModel({ baseURL: fake.baseURL, model: "m", timeoutMs: 5_000 }).completeJson(request);
    expect(fake.requests[0]?.headers.authorization).toBe("Bearer not-needed");
  });

  it("reads the answer after a reasoning model's think block", async () => {
    fake.setBehaviour({
      kind: "reply",
      content: `<think>Bonk is a dog coin. {"top": "draft"} no...</think>\n${JSON.stringify(meme)}`,
    });
    await expect(modelFor().completeJson(request)).resolves.toEqual(meme);
  });

  it("reads a fenced answer", async () => {
    fake.setBehaviour({
      kind: "reply",
      content: `Here you go:\n\`\`\`json\n${JSON.stringify(meme)}\n\`\`\``,
    });
    await expect(modelFor().completeJson(request)).resolves.toEqual(meme);
  });

  it("reads reasoning_content when a reasoning server leaves the content empty", async () => {
    fake.setBehaviour({ kind: "reply", content: null, reasoning: `thinking... ${JSON.stringify(meme)}` });
    await expect(modelFor().completeJson(request)).resolves.toEqual(meme);
  });

  it("throws ModelResponseError no_json for an answer without JSON", async () => {
    fake.setBehaviour({ kind: "reply", content: "I would rather not." });
    const error = await rejectionOf(modelFor().completeJson(request));
    expect(error).toBeInstanceOf(ModelResponseError);
    expect(error).toMatchObject({ reason: "no_json", excerpt: "I would rather not." });
    expect(error.message).toContain("qwen-test");
  });

  it("throws ModelResponseError schema_mismatch naming the failing field", async () => {
    fake.setBehaviour({ kind: "reply", content: JSON.stringify({ top: "X".repeat(81), bottom: "ok" }) });
    const error = await rejectionOf(modelFor().completeJson(request));
    expect(error).toBeInstanceOf(ModelResponseError);
    expect(error).toMatchObject({ reason: "schema_mismatch" });
    expect((error as ModelResponseError).issues[0]).toMatch(/^top: /);
  });

  it("throws ModelResponseError empty_choices when the server returns no choices", async () => {
    fake.setBehaviour({ kind: "status", status: 200, body: { object: "chat.completion", choices: [] } });
    const error = await rejectionOf(modelFor().completeJson(request));
    expect(error).toBeInstanceOf(ModelResponseError);
    expect(error).toMatchObject({ reason: "empty_choices" });
  });

  it("throws ModelResponseError invalid_body for a proxy's HTML page", async () => {
    fake.setBehaviour({ kind: "garbage" });
    const error = await rejectionOf(modelFor().completeJson(request));
    expect(error).toBeInstanceOf(ModelResponseError);
    expect(error).toMatchObject({ reason: "invalid_body" });
  });

  it("throws ModelResponseError invalid_body for a body labelled JSON that is not", async () => {
    fake.setBehaviour({ kind: "garbage", contentType: "application/json", body: "{not json" });
    const error = await rejectionOf(modelFor().completeJson(request));
    expect(error).toBeInstanceOf(ModelResponseError);
    expect(error).toMatchObject({ reason: "invalid_body" });
  });

  it("gives up on a hanging server within the time budget with ModelUnavailableError timeout", async () => {
    fake.setBehaviour({ kind: "hang" });
    const started = Date.now();
    const error = await rejectionOf(modelFor({ timeoutMs: 300 }).completeJson(request));
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(error).toMatchObject({ reason: "timeout" });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_500);
    expectNoApiKey(error);
  });

  it("retries a 503 and then throws ModelUnavailableError server_error", async () => {
    // retry-after-ms keeps the client's back-off short.
    fake.setBehaviour({ kind: "status", status: 503, headers: { "retry-after-ms": "5" } });
    const error = await rejectionOf(modelFor({ maxRetries: 1 }).completeJson(request));

    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(error).toMatchObject({ reason: "server_error", status: 503 });
    expect(fake.requests).toHaveLength(2);
    expectNoApiKey(error);
  });

  it("succeeds when a retry after a 503 gets an answer", async () => {
    let calls = 0;
    fake.setBehaviour(() =>
      ++calls === 1
        ? { kind: "status", status: 503, headers: { "retry-after-ms": "5" } }
        : { kind: "reply", content: JSON.stringify(meme) },
    );
    await expect(modelFor({ maxRetries: 1 }).completeJson(request)).resolves.toEqual(meme);
    expect(fake.requests).toHaveLength(2);
  });

  it("throws ModelUnavailableError rate_limited for a 429", async () => {
    fake.setBehaviour({ kind: "status", status: 429 });
    const error = await rejectionOf(modelFor({ maxRetries: 0 }).completeJson(request));
    expect(error).toMatchObject({ name: "ModelUnavailableError", reason: "rate_limited", status: 429 });
  });

  it("throws ModelUnavailableError rejected for a wrong api key, without retrying", async () => {
    await fake.close();
    fake = await startFakeOpenAI({ apiKey: "the-right-key" });
    const error = await rejectionOf(modelFor().completeJson(request));

    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(error).toMatchObject({ reason: "rejected", status: 401 });
    expect(fake.requests).toHaveLength(1);
    expectNoApiKey(error);
  });

  it("throws ModelUnavailableError connection_failed when nothing listens on the port", async () => {
    const closed = await startFakeOpenAI();
    await closed.close();
    const model = createChatModel({
      baseURL: closed.baseURL,
      apiKey: API_KEY,
      model: "qwen-test",
      timeoutMs: 5_000,
      maxRetries: 0,
    });
    const error = await rejectionOf(model.completeJson(request));

    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(error).toMatchObject({ reason: "connection_failed" });
    expectNoApiKey(error);
  });

  it("throws ModelUnavailableError aborted when the caller aborts", async () => {
    fake.setBehaviour({ kind: "hang" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await rejectionOf(modelFor().completeJson({ ...request, signal: controller.signal }));

    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(error).toMatchObject({ reason: "aborted" });
  });

  it("reports one sample per call with its outcome and duration", async () => {
    const samples: ModelRequestSample[] = [];
    const model = modelFor({ timeoutMs: 300, maxRetries: 0, onRequest: (sample) => samples.push(sample) });

    await model.completeJson(request);
    fake.setBehaviour({ kind: "reply", content: "no json here" });
    await rejectionOf(model.completeJson(request));
    fake.setBehaviour({ kind: "reply", content: JSON.stringify(meme), delayMs: 2_000 });
    await rejectionOf(model.completeJson(request));

    expect(samples.map((sample) => sample.outcome)).toEqual(["ok", "invalid", "unavailable"]);
    expect(samples.every((sample) => sample.model === "qwen-test")).toBe(true);
    expect(samples[2]?.durationMs).toBeGreaterThanOrEqual(290);
    expect(samples[2]?.durationMs).toBeLessThan(1_500);
  });
});
