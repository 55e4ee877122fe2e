import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkModels, everyModelReachable, formatRows, type ModelCheckRow } from "@memebot/ai";
import { defaultTaskConfigs, type ModelsConfig, type ProviderConfig } from "@memebot/config";
import { startFakeOpenAI, type FakeChatRequest, type FakeOpenAI } from "../fakes/openai/server.ts";

const HEALTHY_KEY = "sk-healthy-provider-key-0123";
const CHAT_DELAY_MS = 40;

function provider(
  fields: Partial<ProviderConfig> & Pick<ProviderConfig, "name" | "baseURL">,
): ProviderConfig {
  return {
    apiKey: undefined,
    apiKeyEnv: undefined,
    models: [{ name: "m", id: "m" }],
    maxConcurrent: 8,
    requestsPerMinute: undefined,
    timeoutMs: 20_000,
    priority: 100,
    jsonSchema: false,
    ...fields,
  };
}

function configOf(
  providers: ProviderConfig[],
  source: ModelsConfig["source"] = { kind: "file", path: "models.yaml" },
) {
  const names = providers.flatMap((entry) => entry.models.map((model) => model.name));
  return { source, providers, tasks: defaultTaskConfigs(names, 20_000) } satisfies ModelsConfig;
}

/** A server that applies response_format: asked for a schema, it answers exactly `{"ok": true}`. */
function schemaHonouring(body: FakeChatRequest) {
  if (body.model === "retired") return { kind: "status", status: 404 } as const;
  if (body.response_format) return { kind: "reply", content: '{"ok": true}' } as const;
  return { kind: "reply", content: "OK", delayMs: CHAT_DELAY_MS } as const;
}

function rowOf(rows: readonly ModelCheckRow[], providerName: string, model: string): ModelCheckRow {
  const row = rows.find((candidate) => candidate.provider === providerName && candidate.model === model);
  if (!row) throw new Error(`no row for ${providerName} ${model}`);
  return row;
}

describe("checkModels", () => {
  let healthy: FakeOpenAI;
  let refusing: FakeOpenAI;
  let ignoring: FakeOpenAI;
  let failing: FakeOpenAI;
  let garbage: FakeOpenAI;
  let hanging: FakeOpenAI;
  let downURL: string;

  beforeAll(async () => {
    healthy = await startFakeOpenAI({
      models: ["alpha", "Vendor/Beta-7B", "retired"],
      apiKey: HEALTHY_KEY,
      behaviour: schemaHonouring,
    });
    // Rejects response_format, like an old llama.cpp server or a proxy that validates requests.
    refusing = await startFakeOpenAI({
      models: ["m"],
      behaviour: (body) =>
        body.response_format ? { kind: "status", status: 400 } : { kind: "reply", content: "OK" },
    });
    // Takes response_format and ignores it: the model picks its own shape.
    ignoring = await startFakeOpenAI({
      models: ["m"],
      behaviour: { kind: "reply", content: 'Sure! {"answer": "yes"}' },
    });
    failing = await startFakeOpenAI({ models: ["m"], behaviour: { kind: "status", status: 500 } });
    garbage = await startFakeOpenAI({ models: ["m"], behaviour: { kind: "garbage" } });
    hanging = await startFakeOpenAI({ models: ["m"], behaviour: { kind: "hang" } });
    // A port that was just listening and is now closed: connections are refused.
    const closed = await startFakeOpenAI();
    downURL = closed.baseURL;
    await closed.close();
  });

  afterAll(async () => {
    await Promise.all([healthy, refusing, ignoring, failing, garbage, hanging].map((fake) => fake?.close()));
  });

  it("GIVEN a healthy provider that enforces schemas THEN each model is reachable, timed, listed and agrees", async () => {
    const before = healthy.requests.length;
    const config = configOf([
      provider({
        name: "local-vllm",
        baseURL: healthy.baseURL,
        apiKey: HEALTHY_KEY,
        apiKeyEnv: "VLLM_API_KEY",
        jsonSchema: true,
        models: [
          { name: "alpha", id: "alpha" },
          { name: "beta", id: "Vendor/Beta-7B" },
          { name: "gamma", id: "gamma" },
          { name: "old", id: "retired" },
        ],
      }),
    ]);
    const rows = await checkModels(config, { timeoutMs: 2000 });

    expect(rows.map((row) => [row.model, row.id])).toEqual([
      ["alpha", "alpha"],
      ["beta", "Vendor/Beta-7B"],
      ["gamma", "gamma"],
      ["old", "retired"],
    ]);
    for (const model of ["alpha", "beta"]) {
      expect(rowOf(rows, "local-vllm", model)).toMatchObject({
        reachable: true,
        failure: undefined,
        listed: true,
        schema: "yes",
        schemaNote: undefined,
        configuredJsonSchema: true,
        flagAgrees: true,
        hint: undefined,
      });
      expect(rowOf(rows, "local-vllm", model).latencyMs).toBeGreaterThanOrEqual(CHAT_DELAY_MS - 1);
    }
    // Answers, but is not in the server's list (an alias, or a typo the server forgives).
    expect(rowOf(rows, "local-vllm", "gamma")).toMatchObject({ reachable: true, listed: false });
    expect(rowOf(rows, "local-vllm", "old")).toMatchObject({
      reachable: false,
      failure: "HTTP 404",
      latencyMs: undefined,
      listed: true,
      schema: "-",
      flagAgrees: undefined,
    });
    expect(everyModelReachable(rows.slice(0, 3))).toBe(true);
    expect(everyModelReachable(rows)).toBe(false);

    // What went over the wire: the key, one listing, a tiny chat call and a strict json_schema call per model.
    const seen = healthy.requests.slice(before);
    expect(seen.every((request) => request.headers.authorization === `Bearer ${HEALTHY_KEY}`)).toBe(true);
    expect(seen.filter((request) => request.path === "/v1/models")).toHaveLength(1);
    const alphaCalls = seen.filter((request) => request.body.model === "alpha");
    expect(alphaCalls).toHaveLength(2);
    expect(alphaCalls[0]?.body).toMatchObject({ max_tokens: 8 });
    expect(alphaCalls[0]?.body.response_format).toBeUndefined();
    expect(alphaCalls[1]?.body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "health_check", strict: true, schema: { required: ["ok"] } },
    });
    // The failed model gets no schema probe.
    expect(seen.filter((request) => request.body.model === "retired")).toHaveLength(1);
  });

  it("GIVEN servers that refuse or ignore json_schema THEN support is no, with a hint where the flag is wrong", async () => {
    const config = configOf([
      provider({ name: "refusing", baseURL: refusing.baseURL, jsonSchema: true }),
      provider({ name: "ignoring", baseURL: ignoring.baseURL, jsonSchema: false }),
      provider({
        name: "enforcing",
        baseURL: healthy.baseURL,
        apiKey: HEALTHY_KEY,
        jsonSchema: false,
        models: [{ name: "alpha", id: "alpha" }],
      }),
    ]);
    const rows = await checkModels(config, { timeoutMs: 2000 });

    expect(rowOf(rows, "refusing", "m")).toMatchObject({
      reachable: true,
      schema: "no",
      schemaNote: "HTTP 400",
      flagAgrees: false,
      hint: "refusing (m) does not enforce json_schema (HTTP 400): set jsonSchema: false on provider refusing so the schema goes in the prompt",
    });
    expect(rowOf(rows, "ignoring", "m")).toMatchObject({
      reachable: true,
      schema: "no",
      schemaNote: "answer is not JSON",
      flagAgrees: true,
      hint: undefined,
    });
    expect(rowOf(rows, "enforcing", "alpha")).toMatchObject({
      schema: "yes",
      flagAgrees: false,
      hint: "enforcing (alpha) enforces json_schema: set jsonSchema: true on provider enforcing so the server shapes every answer",
    });
    expect(everyModelReachable(rows)).toBe(true);
  });

  it("GIVEN the LLM_* shorthand on a server without json_schema THEN the hint says to write a file", async () => {
    const rows = await checkModels(
      configOf([provider({ name: "default", baseURL: refusing.baseURL, jsonSchema: true })], { kind: "env" }),
      { timeoutMs: 2000 },
    );
    expect(rows[0]?.hint).toBe(
      "default (m) does not enforce json_schema (HTTP 400), which the LLM_* shorthand always sends: describe this server in a MODELS_CONFIG file with jsonSchema: false",
    );
  });

  it("GIVEN failing, garbled, hanging, closed and wrong-key providers THEN each row says why, briefly", async () => {
    const config = configOf([
      provider({ name: "failing", baseURL: failing.baseURL }),
      provider({ name: "garbage", baseURL: garbage.baseURL }),
      provider({ name: "hanging", baseURL: hanging.baseURL }),
      provider({ name: "down", baseURL: downURL }),
      provider({
        name: "wrong-key",
        baseURL: healthy.baseURL,
        apiKey: "sk-wrong-key-9876",
        models: [{ name: "alpha", id: "alpha" }],
      }),
    ]);
    const started = performance.now();
    const rows = await checkModels(config, { timeoutMs: 500 });
    // Providers are probed at once: the hanging one costs one timeout per request, not the sum of all.
    expect(performance.now() - started).toBeLessThan(1500);

    expect(
      rows.map((row) => [row.provider, row.reachable, row.failure, row.listed, row.listingFailure]),
    ).toEqual([
      ["failing", false, "HTTP 500", true, undefined],
      ["garbage", false, "not an OpenAI answer", true, undefined],
      ["hanging", false, "timeout", true, undefined],
      ["down", false, "connection refused", undefined, "connection refused"],
      ["wrong-key", false, "HTTP 401", undefined, "HTTP 401"],
    ]);
    for (const row of rows)
      expect(row).toMatchObject({ latencyMs: undefined, schema: "-", flagAgrees: undefined });
    expect(everyModelReachable(rows)).toBe(false);
  });

  it("GIVEN no providers THEN there are no rows", async () => {
    const rows = await checkModels(configOf([], { kind: "none" }));
    expect(rows).toEqual([]);
    expect(everyModelReachable(rows)).toBe(true);
  });
});

describe("formatRows", () => {
  const base: ModelCheckRow = {
    provider: "local-vllm",
    model: "qwen2.5-32b",
    id: "qwen2.5-32b",
    reachable: true,
    failure: undefined,
    latencyMs: 143,
    listed: true,
    listingFailure: undefined,
    schema: "yes",
    schemaNote: undefined,
    configuredJsonSchema: true,
    flagAgrees: true,
    hint: undefined,
  };

  it("GIVEN rows THEN it prints an aligned table, then listing problems and hints once each", () => {
    const text = formatRows([
      base,
      { ...base, model: "qwen2.5-7b", id: "Qwen/Qwen2.5-7B-Instruct", listed: false, latencyMs: 88 },
      {
        ...base,
        provider: "ollama",
        model: "llama3",
        id: "llama3",
        reachable: false,
        failure: "connection refused",
        latencyMs: undefined,
        listed: undefined,
        listingFailure: "connection refused",
        schema: "-",
        flagAgrees: undefined,
      },
      {
        ...base,
        provider: "openrouter",
        model: "qwen2.5-72b",
        id: "qwen2.5-72b",
        schema: "no",
        schemaNote: "HTTP 400",
        flagAgrees: false,
        hint: "openrouter (qwen2.5-72b) does not enforce json_schema (HTTP 400): set jsonSchema: false",
      },
    ]);
    expect(text.split("\n")).toEqual([
      "PROVIDER    MODEL                                  REACHABLE                LATENCY  LISTED  JSON SCHEMA    CONFIG",
      "local-vllm  qwen2.5-32b                            yes                      143 ms   yes     yes            jsonSchema: true agrees",
      "local-vllm  qwen2.5-7b (Qwen/Qwen2.5-7B-Instruct)  yes                      88 ms    no      yes            jsonSchema: true agrees",
      "ollama      llama3                                 no (connection refused)  -        -       -              -",
      "openrouter  qwen2.5-72b                            yes                      143 ms   yes     no (HTTP 400)  jsonSchema: true differs",
      "",
      'local-vllm: "Qwen/Qwen2.5-7B-Instruct" is not in its GET /models list; check the model\'s id',
      "ollama: GET /models failed (connection refused)",
      "hint: openrouter (qwen2.5-72b) does not enforce json_schema (HTTP 400): set jsonSchema: false",
      "",
    ]);
  });

  it("GIVEN real rows from a provider with a key THEN the printed table never contains the key", async () => {
    const fake = await startFakeOpenAI({
      models: ["alpha"],
      apiKey: HEALTHY_KEY,
      behaviour: schemaHonouring,
    });
    try {
      const rows = await checkModels(
        configOf([
          provider({
            name: "keyed",
            baseURL: fake.baseURL,
            apiKey: HEALTHY_KEY,
            apiKeyEnv: "KEYED_API_KEY",
            models: [{ name: "alpha", id: "alpha" }],
          }),
          provider({
            name: "wrong",
            baseURL: fake.baseURL,
            apiKey: "sk-wrong-key-9876",
            models: [{ name: "alpha", id: "alpha" }],
          }),
        ]),
        { timeoutMs: 2000 },
      );
      const text = formatRows(rows);
      expect(text).toContain("keyed");
      expect(text).toContain("no (HTTP 401)");
      expect(text).not.toContain(HEALTHY_KEY);
      expect(text).not.toContain("sk-wrong");
    } finally {
      await fake.close();
    }
  });
});
