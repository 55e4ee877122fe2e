import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { EnvError, MODEL_TASKS, parseEnv, secretsOf, type ModelsConfig } from "@memebot/config";

const directory = mkdtempSync(join(tmpdir(), "memebot-models-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let fileCount = 0;
/** Writes `text` to a fresh file with the given extension and returns its path. */
function configFile(text: string, extension = "yaml"): string {
  fileCount += 1;
  const path = join(directory, `models-${fileCount}.${extension}`);
  writeFileSync(path, text);
  return path;
}

function modelsOf(source: Record<string, string | undefined>): ModelsConfig {
  return parseEnv(source).models;
}

/** The problems parseEnv reports for `source`; fails the test when it parses. */
function problemsOf(source: Record<string, string | undefined>): readonly string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  throw new Error("expected parseEnv to throw an EnvError");
}

const BRIEF_EXAMPLE = `
providers:
  - name: local-vllm
    baseURL: http://vllm:8000/v1
    apiKeyEnv: VLLM_API_KEY
    models:
      - qwen2.5-32b
      - { name: qwen2.5-7b, id: Qwen/Qwen2.5-7B-Instruct }
    maxConcurrent: 16
    requestsPerMinute: 600
    timeoutMs: 30000
    priority: 1
    jsonSchema: true
tasks:
  meme-text: { models: [qwen2.5-32b, qwen2.5-7b], maxTokens: 512, temperature: 0.9, deadlineMs: 30000 }
  sentiment: { models: [qwen2.5-7b], maxTokens: 2048, temperature: 0 }
`;

describe("MODELS_CONFIG files", () => {
  it("GIVEN a YAML file THEN providers and tasks are read, the key from the variable it names", () => {
    const path = configFile(BRIEF_EXAMPLE);
    const models = modelsOf({ MODELS_CONFIG: path, VLLM_API_KEY: " vllm-key-1234 " });
    expect(models.source).toEqual({ kind: "file", path });
    expect(models.providers).toEqual([
      {
        name: "local-vllm",
        baseURL: "http://vllm:8000/v1",
        apiKey: "vllm-key-1234",
        apiKeyEnv: "VLLM_API_KEY",
        models: [
          { name: "qwen2.5-32b", id: "qwen2.5-32b" },
          { name: "qwen2.5-7b", id: "Qwen/Qwen2.5-7B-Instruct" },
        ],
        maxConcurrent: 16,
        requestsPerMinute: 600,
        timeoutMs: 30_000,
        priority: 1,
        jsonSchema: true,
      },
    ]);
    expect(models.tasks["meme-text"]).toEqual({
      models: ["qwen2.5-32b", "qwen2.5-7b"],
      maxTokens: 512,
      temperature: 0.9,
      deadlineMs: 30_000,
    });
    // deadlineMs left out: LLM_TIMEOUT_MS's default.
    expect(models.tasks.sentiment).toEqual({
      models: ["qwen2.5-7b"],
      maxTokens: 2048,
      temperature: 0,
      deadlineMs: 20_000,
    });
    // Tasks left out use every model and their own defaults.
    expect(models.tasks["image-prompt"]).toEqual({
      models: ["qwen2.5-32b", "qwen2.5-7b"],
      maxTokens: 512,
      temperature: 0.8,
      deadlineMs: 20_000,
    });
    expect(models.tasks.chat).toEqual({
      models: ["qwen2.5-32b", "qwen2.5-7b"],
      maxTokens: 768,
      temperature: 0.7,
      deadlineMs: 30_000,
    });
  });

  it("GIVEN a JSON file THEN it is read like YAML, and .yml is YAML too", () => {
    const json = JSON.stringify({
      providers: [{ name: "ollama", baseURL: "http://127.0.0.1:11434/v1", models: ["llama3.1:8b"] }],
      tasks: { chat: { temperature: 0.5 } },
    });
    const models = modelsOf({ MODELS_CONFIG: configFile(json, "json") });
    expect(models.providers[0]).toMatchObject({ name: "ollama", apiKey: undefined, apiKeyEnv: undefined });
    expect(models.tasks.chat).toEqual({
      models: ["llama3.1:8b"],
      maxTokens: 768,
      temperature: 0.5,
      deadlineMs: 30_000,
    });

    const yml = configFile("providers: [{ name: a, baseURL: 'https://a.example/v1', models: [m] }]", "yml");
    expect(modelsOf({ MODELS_CONFIG: yml }).providers[0]?.baseURL).toBe("https://a.example/v1");
  });

  it("GIVEN only the required fields THEN every provider default applies, the timeout half of LLM_TIMEOUT_MS (room to fail over)", () => {
    const path = configFile("providers:\n  - { name: p, baseURL: http://p:8000/v1, models: [m] }\n");
    const provider = modelsOf({ MODELS_CONFIG: path, LLM_TIMEOUT_MS: "7000" }).providers[0];
    expect(provider).toEqual({
      name: "p",
      baseURL: "http://p:8000/v1",
      apiKey: undefined,
      apiKeyEnv: undefined,
      models: [{ name: "m", id: "m" }],
      maxConcurrent: 8,
      requestsPerMinute: undefined,
      timeoutMs: 3500,
      priority: 100,
      jsonSchema: false,
    });
  });

  it("GIVEN tasks without models THEN they use every model once, best provider priority first, then file order", () => {
    const path = configFile(`
providers:
  - { name: big, baseURL: http://big/v1, models: [x, y], priority: 100 }
  - { name: fast, baseURL: http://fast/v1, models: [y, z], priority: 1 }
  - { name: spare, baseURL: http://spare/v1, models: [w, x], priority: 50 }
tasks:
  sentiment: { models: [z, z, y] }
`);
    const models = modelsOf({ MODELS_CONFIG: path });
    // y and z are served at priority 1, w and x at 50 (x is also served by "spare").
    expect(models.tasks["meme-text"].models).toEqual(["y", "z", "x", "w"]);
    expect(models.tasks.chat.models).toEqual(["y", "z", "x", "w"]);
    // A task's own list keeps its order, each model once.
    expect(models.tasks.sentiment.models).toEqual(["z", "y"]);
  });

  it("GIVEN tasks: or a task with everything below it commented out THEN the defaults apply", () => {
    const path = configFile(`
providers: [{ name: p, baseURL: http://p/v1, models: [m] }]
tasks:
  chat:
    # models: [m]
`);
    expect(modelsOf({ MODELS_CONFIG: path }).tasks.chat).toEqual({
      models: ["m"],
      maxTokens: 768,
      temperature: 0.7,
      deadlineMs: 30_000,
    });
    const noTasks = configFile("providers: [{ name: p, baseURL: http://p/v1, models: [m] }]\ntasks:\n");
    expect(modelsOf({ MODELS_CONFIG: noTasks }).tasks.sentiment.models).toEqual(["m"]);
  });

  it("GIVEN LLM_TIMEOUT_MS THEN it is every task's deadline, except chat which gets at least 30 s", () => {
    const path = configFile("providers: [{ name: p, baseURL: http://p/v1, models: [m] }]");
    const short = modelsOf({ MODELS_CONFIG: path, LLM_TIMEOUT_MS: "5000" }).tasks;
    expect(MODEL_TASKS.map((task) => short[task].deadlineMs)).toEqual([5000, 5000, 5000, 30_000]);
    const long = modelsOf({ MODELS_CONFIG: path, LLM_TIMEOUT_MS: "45000" }).tasks;
    expect(MODEL_TASKS.map((task) => long[task].deadlineMs)).toEqual([45_000, 45_000, 45_000, 45_000]);
    // Never past what the jobs allow (60 s, and 120 s for chat.reply), whatever LLM_TIMEOUT_MS says.
    const huge = modelsOf({ MODELS_CONFIG: path, LLM_TIMEOUT_MS: "300000" });
    expect(MODEL_TASKS.map((task) => huge.tasks[task].deadlineMs)).toEqual([50_000, 50_000, 50_000, 110_000]);
    expect(huge.providers[0]?.timeoutMs).toBe(25_000);
  });
});

describe("MODELS_CONFIG timing", () => {
  const twoProviders = (first: string, task: string) => `
providers:
  - { name: local, baseURL: http://local/v1, models: [m], priority: 1${first} }
  - { name: spare, baseURL: http://spare/v1, models: [m], priority: 2 }
tasks:
  meme-text: { models: [m]${task} }
`;

  it("GIVEN two providers AND the first one's timeout equal to the task's deadline THEN start-up refuses it, naming both entries", () => {
    const path = configFile(twoProviders(", timeoutMs: 30000", ", deadlineMs: 30000"));
    // The other tasks' default deadline (45 s) leaves room.
    expect(problemsOf({ MODELS_CONFIG: path, LLM_TIMEOUT_MS: "45000" })).toEqual([
      'MODELS_CONFIG providers[0] ("local").timeoutMs (30000 ms) is not shorter than tasks.meme-text.deadlineMs (30000 ms): meme-text tries local first, and if it hangs no other provider can be tried; make the timeout shorter or the deadline longer',
    ]);
  });

  it("GIVEN a timeout left to its default THEN it is half the default deadline and every task can fail over", () => {
    const path = configFile(twoProviders("", ""));
    const models = modelsOf({ MODELS_CONFIG: path, LLM_TIMEOUT_MS: "20000" });
    expect(models.providers.map((provider) => provider.timeoutMs)).toEqual([10_000, 10_000]);
    expect(models.tasks["meme-text"].deadlineMs).toBe(20_000);
  });

  it("GIVEN a first provider timing out at the default deadline THEN the message says the deadline is the default", () => {
    const path = configFile(twoProviders(", timeoutMs: 20000", ", deadlineMs: 45000"));
    // meme-text's own 45 s and chat's default 30 s leave room; the two 20 s defaults do not.
    expect(problemsOf({ MODELS_CONFIG: path, LLM_TIMEOUT_MS: "20000" })).toEqual(
      ["image-prompt", "sentiment"].map(
        (task) =>
          `MODELS_CONFIG providers[0] ("local").timeoutMs (20000 ms) is not shorter than tasks.${task}'s default deadline (20000 ms, from LLM_TIMEOUT_MS): ${task} tries local first, and if it hangs no other provider can be tried; make the timeout shorter or the deadline longer`,
      ),
    );
  });

  it("GIVEN one provider only THEN its timeout may equal the deadline (there is nothing to fail over to)", () => {
    const path = configFile(`
providers: [{ name: only, baseURL: http://only/v1, models: [m], timeoutMs: 30000 }]
tasks: { meme-text: { deadlineMs: 30000 } }
`);
    expect(modelsOf({ MODELS_CONFIG: path }).tasks["meme-text"].deadlineMs).toBe(30_000);
  });

  it("GIVEN deadlines longer than their jobs allow THEN each task is named with its limit", () => {
    const path = configFile(`
providers: [{ name: only, baseURL: http://only/v1, models: [m] }]
tasks:
  meme-text: { deadlineMs: 50001 }
  sentiment: { deadlineMs: 50000 }
  chat: { deadlineMs: 120000 }
`);
    expect(problemsOf({ MODELS_CONFIG: path })).toEqual([
      "MODELS_CONFIG tasks.meme-text.deadlineMs must be at most 50000: the job running meme-text is stopped after 60 s",
      "MODELS_CONFIG tasks.chat.deadlineMs must be at most 110000: the job running chat is stopped after 120 s",
    ]);
  });
});

describe("the LLM_* shorthand", () => {
  it("GIVEN LLM_BASE_URL without MODELS_CONFIG THEN one provider named default serves LLM_MODEL to every task", () => {
    const models = modelsOf({
      LLM_BASE_URL: "http://127.0.0.1:11434/v1",
      LLM_API_KEY: "sk-shorthand-key",
      LLM_MODEL: "llama3.1:8b",
      LLM_TIMEOUT_MS: "12000",
      WORKER_CONCURRENCY: "3",
    });
    expect(models.source).toEqual({ kind: "env" });
    expect(models.providers).toEqual([
      {
        name: "default",
        baseURL: "http://127.0.0.1:11434/v1",
        apiKey: "sk-shorthand-key",
        apiKeyEnv: "LLM_API_KEY",
        models: [{ name: "llama3.1:8b", id: "llama3.1:8b" }],
        maxConcurrent: 3,
        requestsPerMinute: undefined,
        timeoutMs: 12_000,
        priority: 100,
        jsonSchema: true,
      },
    ]);
    for (const task of MODEL_TASKS) expect(models.tasks[task].models, task).toEqual(["llama3.1:8b"]);
    expect(models.tasks.sentiment).toMatchObject({ maxTokens: 2048, temperature: 0, deadlineMs: 12_000 });
    expect(models.tasks.chat.deadlineMs).toBe(30_000);
  });

  it("GIVEN no key THEN the shorthand provider has none, and the default model is LLM_MODEL's default", () => {
    const provider = modelsOf({ LLM_BASE_URL: "http://vllm:8000/v1" }).providers[0];
    expect(provider).toMatchObject({ apiKey: undefined, apiKeyEnv: undefined, maxConcurrent: 8 });
    expect(provider?.models).toEqual([{ name: "qwen2.5:7b-instruct", id: "qwen2.5:7b-instruct" }]);
  });

  it("GIVEN both MODELS_CONFIG and LLM_BASE_URL THEN the file wins, without an error", () => {
    const path = configFile("providers: [{ name: filed, baseURL: http://filed/v1, models: [from-file] }]");
    const models = modelsOf({ MODELS_CONFIG: path, LLM_BASE_URL: "http://ignored/v1", LLM_MODEL: "ignored" });
    expect(models.source).toEqual({ kind: "file", path });
    expect(models.providers.map((provider) => provider.name)).toEqual(["filed"]);
    expect(models.tasks.chat.models).toEqual(["from-file"]);
  });

  it("GIVEN neither THEN there are no providers and every task has its defaults with no models", () => {
    const models = modelsOf({ MODELS_CONFIG: "  ", LLM_BASE_URL: "" });
    expect(models).toEqual({
      source: { kind: "none" },
      providers: [],
      tasks: {
        "meme-text": { models: [], maxTokens: 512, temperature: 0.9, deadlineMs: 20_000 },
        "image-prompt": { models: [], maxTokens: 512, temperature: 0.8, deadlineMs: 20_000 },
        sentiment: { models: [], maxTokens: 2048, temperature: 0, deadlineMs: 20_000 },
        chat: { models: [], maxTokens: 768, temperature: 0.7, deadlineMs: 30_000 },
      },
    });
  });
});

describe("MODELS_CONFIG problems", () => {
  const TWO_PROVIDERS = `
providers:
  - { name: vllm, baseURL: http://vllm:8000/v1, models: [qwen] }
  - { name: ollama, baseURL: "ollama:11434", models: [llama] }
`;

  it("GIVEN a bad baseURL THEN the message names the provider by index and name", () => {
    expect(problemsOf({ MODELS_CONFIG: configFile(TWO_PROVIDERS) })).toEqual([
      'MODELS_CONFIG providers[1] ("ollama").baseURL must be an http:// or https:// URL',
    ]);
  });

  it("GIVEN a task model no provider serves THEN it is named with its place in the list", () => {
    const path = configFile(`${TWO_PROVIDERS.replace('"ollama:11434"', "http://ollama:11434/v1")}
tasks:
  chat: { models: [llama-70b, qwen] }
  sentiment: { models: [qwen, tiny] }
`);
    expect(problemsOf({ MODELS_CONFIG: path })).toEqual([
      'MODELS_CONFIG tasks.sentiment.models[1] "tiny" is not served by any provider',
      'MODELS_CONFIG tasks.chat.models[0] "llama-70b" is not served by any provider',
    ]);
  });

  it("GIVEN apiKeyEnv naming an unset or blank variable THEN it says which, never a key's value", () => {
    const path = configFile(`
providers:
  - { name: vllm, baseURL: http://vllm/v1, apiKeyEnv: VLLM_KEY, models: [m] }
  - { name: net, baseURL: https://net.example/v1, apiKeyEnv: NET_KEY, models: [n] }
  - { name: ok, baseURL: https://ok.example/v1, apiKeyEnv: OK_KEY, models: [o] }
`);
    const problems = problemsOf({ MODELS_CONFIG: path, NET_KEY: "   ", OK_KEY: "ok-secret-value" });
    expect(problems).toEqual([
      'MODELS_CONFIG providers[0] ("vllm").apiKeyEnv names VLLM_KEY, which is not set',
      'MODELS_CONFIG providers[1] ("net").apiKeyEnv names NET_KEY, which is not set',
    ]);
  });

  it("GIVEN a key pasted into apiKeyEnv THEN it is refused without being repeated", () => {
    const leaked = "sk-or-v1-0123456789abcdef";
    const path = configFile(
      `providers: [{ name: net, baseURL: https://net/v1, apiKeyEnv: ${leaked}, models: [n] }]`,
    );
    const problems = problemsOf({ MODELS_CONFIG: path });
    expect(problems).toEqual([
      'MODELS_CONFIG providers[0] ("net").apiKeyEnv must be the NAME of the environment variable holding the key (A-Z, 0-9, _), not the key',
    ]);
    expect(problems.join("\n")).not.toContain("0123456789");
  });

  it("GIVEN unknown task names THEN each is named, with the likely one and the list of tasks", () => {
    const path = configFile(`
providers: [{ name: p, baseURL: http://p/v1, models: [m] }]
tasks:
  memes-text: { maxTokens: 100 }
  summaries: { maxTokens: 100 }
`);
    expect(problemsOf({ MODELS_CONFIG: path })).toEqual([
      'MODELS_CONFIG tasks has an unknown task "memes-text" (did you mean "meme-text"?); the tasks are meme-text, image-prompt, sentiment, chat',
      'MODELS_CONFIG tasks has an unknown task "summaries"; the tasks are meme-text, image-prompt, sentiment, chat',
    ]);
  });

  it("GIVEN duplicate provider names and a model listed twice THEN both are named", () => {
    const path = configFile(`
providers:
  - { name: gpu, baseURL: http://gpu-1/v1, models: [m, m] }
  - { name: gpu, baseURL: http://gpu-2/v1, models: [m] }
`);
    expect(problemsOf({ MODELS_CONFIG: path })).toEqual([
      'MODELS_CONFIG providers[0] ("gpu").models[1] "m" is listed twice',
      'MODELS_CONFIG providers[1] ("gpu").name is already used by providers[0]; provider names must be unique',
    ]);
  });

  it("GIVEN a misspelt key anywhere THEN it is named, with the key it most likely meant", () => {
    const path = configFile(`
provider: []
providers:
  - name: vllm
    baseURL: http://vllm/v1
    maxConcurent: 4
    models: [{ name: m, ids: M }]
tasks:
  chat: { maxtokens: 100 }
`);
    expect([...problemsOf({ MODELS_CONFIG: path })].sort()).toEqual(
      [
        `MODELS_CONFIG ${path} has an unknown key "provider" (did you mean "providers"?)`,
        'MODELS_CONFIG providers[0] ("vllm") has an unknown key "maxConcurent" (did you mean "maxConcurrent"?)',
        'MODELS_CONFIG providers[0] ("vllm").models[0] has an unknown key "ids" (did you mean "id"?)',
        'MODELS_CONFIG tasks.chat has an unknown key "maxtokens" (did you mean "maxTokens"?)',
      ].sort(),
    );
  });

  it("GIVEN wrong types and missing fields THEN each entry and field is named", () => {
    const path = configFile(`
providers:
  - { baseURL: http://a/v1, models: [] }
  - { name: "Bad Name", baseURL: http://b/v1, models: [m], maxConcurrent: 0, priority: 1.5, jsonSchema: "yes" }
  - just-a-string
tasks:
  chat: { temperature: 3, maxTokens: "many", models: [] }
`);
    expect(problemsOf({ MODELS_CONFIG: path })).toEqual([
      "MODELS_CONFIG providers[0].name is required",
      "MODELS_CONFIG providers[0].models must list at least one model",
      "MODELS_CONFIG providers[1].name must be 1-40 characters of a-z, 0-9, _ and -, starting with a letter or digit",
      "MODELS_CONFIG providers[1].maxConcurrent must be at least 1",
      "MODELS_CONFIG providers[1].priority must be a whole number",
      "MODELS_CONFIG providers[1].jsonSchema must be true or false",
      "MODELS_CONFIG providers[2] must be a mapping (name: …, baseURL: …, models: […])",
      "MODELS_CONFIG tasks.chat.models must list at least one model (leave models out to use every model)",
      "MODELS_CONFIG tasks.chat.maxTokens must be a whole number",
      "MODELS_CONFIG tasks.chat.temperature must be between 0 and 2",
    ]);
  });

  it("GIVEN a file without providers THEN it says so", () => {
    expect(problemsOf({ MODELS_CONFIG: configFile("tasks: {}") })).toEqual([
      "MODELS_CONFIG providers is required",
    ]);
    expect(problemsOf({ MODELS_CONFIG: configFile("providers: []") })).toEqual([
      "MODELS_CONFIG providers must list at least one provider",
    ]);
    const list = configFile("- a\n- b\n");
    expect(problemsOf({ MODELS_CONFIG: list })).toEqual([
      `MODELS_CONFIG ${list} must be a mapping with providers: and tasks:`,
    ]);
    const empty = configFile("\n  \n");
    expect(problemsOf({ MODELS_CONFIG: empty })).toEqual([`MODELS_CONFIG ${empty} is empty`]);
  });

  it("GIVEN a file that cannot be read THEN the reason is named", () => {
    const missing = join(directory, "nowhere.yaml");
    expect(problemsOf({ MODELS_CONFIG: missing })).toEqual([
      `MODELS_CONFIG cannot read ${missing}: no such file (ENOENT)`,
    ]);
    const folder = join(directory, "folder.yaml");
    mkdirSync(folder);
    expect(problemsOf({ MODELS_CONFIG: folder })).toEqual([
      `MODELS_CONFIG cannot read ${folder}: it is a directory (EISDIR)`,
    ]);
    // Root reads any file, so an unreadable one is only unreadable to other users.
    if (process.getuid?.() !== 0) {
      const locked = configFile("providers: []");
      chmodSync(locked, 0o000);
      expect(problemsOf({ MODELS_CONFIG: locked })).toEqual([
        `MODELS_CONFIG cannot read ${locked}: permission denied (EACCES)`,
      ]);
    }
    expect(problemsOf({ MODELS_CONFIG: configFile("{}", "toml") })).toEqual([
      "MODELS_CONFIG must name a .yaml, .yml or .json file",
    ]);
  });

  it("GIVEN invalid YAML THEN the line is named, not the text", () => {
    const path = configFile(`providers:
  - name: vllm
    baseURL: http://vllm/v1
   models: [m]
`);
    expect(problemsOf({ MODELS_CONFIG: path })).toEqual([
      `MODELS_CONFIG ${path} is not valid YAML: line 4, column 1: Sequence item without - indicator`,
    ]);
    const duplicate = configFile("providers: []\nproviders: []\n");
    expect(problemsOf({ MODELS_CONFIG: duplicate })).toEqual([
      `MODELS_CONFIG ${duplicate} is not valid YAML: line 2, column 1: Map keys must be unique`,
    ]);
  });

  it("GIVEN invalid JSON THEN the line is named and the text never quoted", () => {
    const path = configFile('{\n  "providers": [\n    { "name": "a", }\n  ]\n}\n', "json");
    expect(problemsOf({ MODELS_CONFIG: path })).toEqual([
      `MODELS_CONFIG ${path} is not valid JSON: line 3, column 20: Expected double-quoted property name`,
    ]);
    // V8 quotes the text around some mistakes; those get no excerpt at all.
    const secretText = configFile('{"providers": [{"apiKeyEnv": "sk-secret-123" }, }', "json");
    const problems = problemsOf({ MODELS_CONFIG: secretText });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("is not valid JSON");
    expect(problems[0]).not.toContain("sk-secret");
  });

  it("GIVEN other wrong variables too THEN the environment's and the file's problems are listed together", () => {
    const path = configFile(TWO_PROVIDERS);
    expect(problemsOf({ MODELS_CONFIG: path, HTTP_PORT: "abc", LLM_TIMEOUT_MS: "soon" })).toEqual([
      "LLM_TIMEOUT_MS must be a whole number",
      "HTTP_PORT must be a whole number",
      'MODELS_CONFIG providers[1] ("ollama").baseURL must be an http:// or https:// URL',
    ]);
  });
});

describe("credentials in a provider's URL", () => {
  it("GIVEN a user name or password in a baseURL THEN start-up refuses it, naming the entry and never the password", () => {
    const path = configFile(`
providers:
  - { name: a, baseURL: "https://user:a-url-pass@a.example/v1", models: [m] }
  - { name: b, baseURL: "https://b-token-0123456789@b.example/v1", models: [m] }
`);
    const problems = problemsOf({ MODELS_CONFIG: path });
    expect(problems).toEqual(
      [0, 1].map(
        (index) =>
          `MODELS_CONFIG providers[${index}] ("${index === 0 ? "a" : "b"}").baseURL must not hold a user name or password: put the key in the variable apiKeyEnv names`,
      ),
    );
    expect(problems.join("\n")).not.toMatch(/a-url-pass|b-token/);
  });

  it("GIVEN credentials in LLM_BASE_URL THEN start-up refuses it and says where the key goes", () => {
    const problems = problemsOf({ LLM_BASE_URL: "https://user:llm-pass@models.example.com/v1" });
    expect(problems).toEqual([
      "LLM_BASE_URL must not hold a user name or password: put the key in LLM_API_KEY",
    ]);
  });
});

describe("secretsOf with providers", () => {
  it("GIVEN providers with keys and credentials in their URLs THEN each is listed once", () => {
    const path = configFile(`
providers:
  - { name: a, baseURL: "https://a.example/v1", apiKeyEnv: A_KEY, models: [m] }
  - { name: b, baseURL: "https://b.example/v1?api_key=b-query-key&region=eu", apiKeyEnv: B_KEY, models: [m] }
  - { name: c, baseURL: "http://c/v1", apiKeyEnv: A_KEY, models: [m] }
`);
    const secrets = secretsOf(
      parseEnv({ MODELS_CONFIG: path, A_KEY: "a-provider-key", B_KEY: "b-provider-key" }),
    );
    expect([...secrets].sort()).toEqual(["a-provider-key", "b-provider-key", "b-query-key"]);
  });

  it("GIVEN the shorthand THEN LLM_API_KEY is listed once", () => {
    const env = parseEnv({ LLM_BASE_URL: "http://m/v1", LLM_API_KEY: "shorthand-key" });
    expect(secretsOf(env)).toEqual(["shorthand-key"]);
  });
});

describe("models.example.yaml", () => {
  it("GIVEN the variables it names THEN the example parses, a small model scoring sentiment and a large one writing memes", () => {
    const path = fileURLToPath(new URL("../../models.example.yaml", import.meta.url));
    const models = modelsOf({ MODELS_CONFIG: path, OPENROUTER_API_KEY: "sk-or-example" });
    expect(models.providers.map((provider) => provider.name)).toEqual(["local-vllm", "ollama", "openrouter"]);
    const shared = models.providers.find((provider) => provider.name === "openrouter");
    expect(shared).toMatchObject({ apiKey: "sk-or-example", apiKeyEnv: "OPENROUTER_API_KEY" });
    const sentimentModel = models.tasks.sentiment.models[0];
    const memeModel = models.tasks["meme-text"].models[0];
    expect(sentimentModel).toBeDefined();
    expect(memeModel).toBeDefined();
    expect(sentimentModel).not.toBe(memeModel);
    // Without the key's variable it says which one to set.
    expect(problemsOf({ MODELS_CONFIG: path })).toEqual([
      'MODELS_CONFIG providers[2] ("openrouter").apiKeyEnv names OPENROUTER_API_KEY, which is not set',
    ]);
  });
});
