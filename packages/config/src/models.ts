// The model gateway's configuration: which OpenAI-compatible providers serve which models,
// and which models each task uses. Read from the file MODELS_CONFIG names (YAML or JSON), or
// made from the LLM_BASE_URL/LLM_API_KEY/LLM_MODEL shorthand; validated once, at start-up.
// API keys are never written in the file: an entry names the environment variable that holds its key.
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { z } from "zod";

/** Every kind of model call the platform makes; each has its own models, limits and temperature. */
export const MODEL_TASKS = ["meme-text", "image-prompt", "sentiment", "chat"] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

/** One model as one provider serves it. */
export interface ProviderModel {
  /** The gateway's name for the model; tasks and admins choose by it. Several providers may serve one name. */
  name: string;
  /** What this provider calls it (sent as `model`); the name unless the entry says otherwise. */
  id: string;
}

export interface ProviderConfig {
  /** Unique, [a-z0-9_-]; used in logs, metrics and accounting. */
  name: string;
  /** OpenAI-compatible base URL, e.g. http://vllm:8000/v1. */
  baseURL: string;
  /** Read from the variable the entry's `apiKeyEnv` names; undefined when it names none. */
  apiKey: string | undefined;
  /** The variable the key came from, for messages (never the key itself). */
  apiKeyEnv: string | undefined;
  models: readonly ProviderModel[];
  /** Requests in flight at once, across every process (shared through Redis). */
  maxConcurrent: number;
  /** Requests started per minute across every process; undefined for no limit. */
  requestsPerMinute: number | undefined;
  /** One request's limit on this provider. */
  timeoutMs: number;
  /** Lower is preferred; among equal priorities the faster provider goes first. */
  priority: number;
  /** Whether the provider honours `response_format: {type: "json_schema"}`; otherwise the schema goes in the prompt. */
  jsonSchema: boolean;
}

export interface TaskConfig {
  /** Gateway model names in order of preference; every one is served by some provider. */
  models: readonly string[];
  /** max_tokens of one call. */
  maxTokens: number;
  temperature: number;
  /** The whole call's deadline, failover and repair round included. */
  deadlineMs: number;
}

export interface ModelsConfig {
  /** Where it came from: a file, the LLM_* shorthand, or nothing (every task answers offline). */
  source: { kind: "file"; path: string } | { kind: "env" } | { kind: "none" };
  providers: readonly ProviderConfig[];
  tasks: Readonly<Record<ModelTask, TaskConfig>>;
}

// ---------------------------------------------------------------------------------------------
// Loading: the file MODELS_CONFIG names, the LLM_* shorthand, or nothing.

/** What the loader needs from the rest of the environment (already validated by env.ts). */
export interface ModelsConfigSettings {
  /** MODELS_CONFIG: the file's path, relative to the working directory. */
  path: string | undefined;
  /** The LLM_* shorthand, used only when `path` is unset; undefined when the environment was invalid. */
  shorthand?: { baseURL: string | undefined; apiKey: string | undefined; model: string };
  /** LLM_TIMEOUT_MS: the default of task deadlines; a file provider's default timeout is half of it. */
  timeoutMs: number;
  /** WORKER_CONCURRENCY: the shorthand provider's maxConcurrent. */
  workerConcurrency: number;
  /** Where the variables that `apiKeyEnv` entries name are read. */
  variables: Readonly<Record<string, string | undefined>>;
}

export type ModelsConfigResult =
  { ok: true; config: ModelsConfig } | { ok: false; problems: readonly string[] };

const TASK_DEFAULTS: Record<ModelTask, { maxTokens: number; temperature: number }> = {
  "meme-text": { maxTokens: 512, temperature: 0.9 },
  "image-prompt": { maxTokens: 512, temperature: 0.8 },
  sentiment: { maxTokens: 2048, temperature: 0 },
  chat: { maxTokens: 768, temperature: 0.7 },
};
/** A conversation streams a long answer: it gets at least this long whatever LLM_TIMEOUT_MS says. */
const CHAT_MIN_DEADLINE_MS = 30_000;
const PROVIDER_DEFAULTS = { maxConcurrent: 8, priority: 100, jsonSchema: false } as const;

/**
 * The longest deadline of each task: the call must end, and the offline answer be sent, before the
 * job running it is stopped (packages/core/src/jobs/catalog.ts: 60 s for /meme and the other
 * model jobs, 120 s for a conversation's chat.reply), so 10 s are left for the rest of the job.
 */
export const MAX_DEADLINE_MS: Readonly<Record<ModelTask, number>> = {
  "meme-text": 50_000,
  "image-prompt": 50_000,
  sentiment: 50_000,
  chat: 110_000,
};
const JOB_TIME_LIMIT_S: Readonly<Record<ModelTask, number>> = {
  "meme-text": 60,
  "image-prompt": 60,
  sentiment: 60,
  chat: 120,
};

/** A task's deadline when the file gives none: LLM_TIMEOUT_MS (chat: at least 30 s), within the job's limit. */
function defaultDeadlineMs(task: ModelTask, timeoutMs: number): number {
  const wanted = task === "chat" ? Math.max(timeoutMs, CHAT_MIN_DEADLINE_MS) : timeoutMs;
  return Math.min(wanted, MAX_DEADLINE_MS[task]);
}

/**
 * A file provider's timeout when its entry gives none: half the default deadline, so when the first
 * provider hangs, the call still has time to fail over to the next one within its deadline.
 */
export function defaultProviderTimeoutMs(timeoutMs: number): number {
  return Math.max(1, Math.floor(defaultDeadlineMs("meme-text", timeoutMs) / 2));
}

/** Every task with its defaults, each using `models`. */
export function defaultTaskConfigs(
  models: readonly string[],
  timeoutMs: number,
): Record<ModelTask, TaskConfig> {
  const tasks = {} as Record<ModelTask, TaskConfig>;
  for (const task of MODEL_TASKS) {
    tasks[task] = { models, ...TASK_DEFAULTS[task], deadlineMs: defaultDeadlineMs(task, timeoutMs) };
  }
  return tasks;
}

/** Reads and checks the models configuration; every problem found is listed, none echoes a value from the environment. */
export function loadModelsConfig(settings: ModelsConfigSettings): ModelsConfigResult {
  if (settings.path !== undefined) return loadFile(settings.path, settings);
  const shorthand = settings.shorthand;
  if (shorthand?.baseURL === undefined) {
    return {
      ok: true,
      config: { source: { kind: "none" }, providers: [], tasks: defaultTaskConfigs([], settings.timeoutMs) },
    };
  }
  const provider: ProviderConfig = {
    name: "default",
    baseURL: shorthand.baseURL,
    apiKey: shorthand.apiKey,
    apiKeyEnv: shorthand.apiKey === undefined ? undefined : "LLM_API_KEY",
    models: [{ name: shorthand.model, id: shorthand.model }],
    maxConcurrent: settings.workerConcurrency,
    requestsPerMinute: undefined,
    // The only provider: there is nothing to fail over to, so it may use the whole deadline.
    timeoutMs: settings.timeoutMs,
    priority: PROVIDER_DEFAULTS.priority,
    // The single-model client always sent json_schema; keep what worked for those deployments.
    jsonSchema: true,
  };
  return {
    ok: true,
    config: {
      source: { kind: "env" },
      providers: [provider],
      tasks: defaultTaskConfigs([shorthand.model], settings.timeoutMs),
    },
  };
}

/**
 * Whether a URL carries `user:password@`: fetch (undici) refuses such URLs, and its error quotes
 * the URL, password and all, into whatever logs it. Keys go in a variable instead.
 */
export function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return false;
  }
}

const PREFIX = "MODELS_CONFIG";
const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
// Upper case only: a key pasted here by mistake (keys have lower case or "-") is refused without being named.
const VARIABLE_NAME = /^[A-Z_][A-Z0-9_]*$/;
const MODEL_NAME = /^\S{1,200}$/;

/** A field's own message, or "is required" when it is missing. */
const requiredOr = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? "is required" : message;

const wholeNumber = (atLeast: number) =>
  z
    .int({ error: requiredOr("must be a whole number") })
    .min(atLeast, `must be at least ${atLeast}`)
    .max(Number.MAX_SAFE_INTEGER, "is too large");

const modelName = z
  .string({ error: requiredOr("must be a model name") })
  .regex(MODEL_NAME, "must be a model name: 1-200 characters without spaces");

const providerModelSchema = z.preprocess(
  (entry) => (typeof entry === "string" ? { name: entry } : entry),
  z.strictObject(
    { name: modelName, id: modelName.optional() },
    { error: requiredOr("must be a model name or { name, id } (the id this provider uses)") },
  ),
);

const providerSchema = z.strictObject(
  {
    name: z
      .string({ error: requiredOr("must be a name") })
      .regex(PROVIDER_NAME, "must be 1-40 characters of a-z, 0-9, _ and -, starting with a letter or digit"),
    baseURL: z
      .url({ protocol: /^https?$/, error: requiredOr("must be an http:// or https:// URL") })
      .refine(
        (url) => !hasCredentials(url),
        "must not hold a user name or password: put the key in the variable apiKeyEnv names",
      ),
    apiKeyEnv: z
      .string({ error: "must be the name of an environment variable" })
      .regex(
        VARIABLE_NAME,
        "must be the NAME of the environment variable holding the key (A-Z, 0-9, _), not the key",
      )
      .optional(),
    models: z
      .array(providerModelSchema, { error: requiredOr("must be a list of model names") })
      .min(1, "must list at least one model"),
    maxConcurrent: wholeNumber(1).default(PROVIDER_DEFAULTS.maxConcurrent),
    requestsPerMinute: wholeNumber(1).optional(),
    timeoutMs: wholeNumber(1).optional(),
    priority: wholeNumber(0).default(PROVIDER_DEFAULTS.priority),
    jsonSchema: z.boolean({ error: "must be true or false" }).default(PROVIDER_DEFAULTS.jsonSchema),
  },
  { error: requiredOr("must be a mapping (name: …, baseURL: …, models: […])") },
);

const taskSchema = z.strictObject(
  {
    models: z
      .array(modelName, { error: "must be a list of model names" })
      .min(1, "must list at least one model (leave models out to use every model)")
      .optional(),
    maxTokens: wholeNumber(1).optional(),
    temperature: z
      .number({ error: "must be a number" })
      .min(0, "must be between 0 and 2")
      .max(2, "must be between 0 and 2")
      .optional(),
    deadlineMs: wholeNumber(1).optional(),
  },
  { error: "must be a mapping (models, maxTokens, temperature, deadlineMs)" },
);

/** `tasks:` or `chat:` with everything below commented out reads as null: the same as leaving it out. */
function emptyAsMissing<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

const fileSchema = z.strictObject(
  {
    providers: z
      .array(providerSchema, { error: requiredOr("must be a list of providers") })
      .min(1, "must list at least one provider"),
    tasks: emptyAsMissing(
      z.strictObject(
        Object.fromEntries(MODEL_TASKS.map((task) => [task, emptyAsMissing(taskSchema)])) as Record<
          ModelTask,
          ReturnType<typeof emptyAsMissing<typeof taskSchema>>
        >,
        { error: "must be a mapping of task names to their settings" },
      ),
    ),
  },
  { error: "must be a mapping with providers: and tasks:" },
);

type ParsedFile = z.infer<typeof fileSchema>;

function loadFile(path: string, settings: ModelsConfigSettings): ModelsConfigResult {
  const extension = /\.(ya?ml|json)$/i.exec(path)?.[1]?.toLowerCase();
  if (extension === undefined) return failure(`${PREFIX} must name a .yaml, .yml or .json file`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return failure(`${PREFIX} cannot read ${path}: ${readFailureOf(error)}`);
  }
  if (text.trim() === "") return failure(`${PREFIX} ${path} is empty`);
  const parsed = extension === "json" ? parseJson(text) : parseYaml(text);
  if (!parsed.ok) return failure(`${PREFIX} ${path} ${parsed.problem}`);

  const raw = parsed.value;
  const result = fileSchema.safeParse(raw);
  const problems = result.success
    ? []
    : result.error.issues.flatMap((issue) => describeIssue(issue, raw, path));
  // Checked on the raw file as well, so they are reported together with any shape problems.
  problems.push(...crossCheckProblems(raw, settings.variables));
  if (!result.success || problems.length > 0) return { ok: false, problems };
  const config = buildConfig(result.data, path, settings);
  const timing = timingProblems(config, result.data);
  if (timing.length > 0) return { ok: false, problems: timing };
  return { ok: true, config };
}

/**
 * Deadlines that fit their job's time limit, and room to fail over: a task with more than one
 * provider to try must give its first provider less than the whole deadline, or a provider that
 * hangs uses it all and the others are never asked.
 */
function timingProblems(config: ModelsConfig, file: ParsedFile): string[] {
  const problems: string[] = [];
  const whereOf = (provider: ProviderConfig) =>
    `providers[${config.providers.indexOf(provider)}] ("${provider.name}")`;
  for (const task of MODEL_TASKS) {
    const { models, deadlineMs } = config.tasks[task];
    const given = file.tasks?.[task]?.deadlineMs !== undefined;
    const deadlineWhere = given
      ? `tasks.${task}.deadlineMs (${deadlineMs} ms)`
      : `tasks.${task}'s default deadline (${deadlineMs} ms, from LLM_TIMEOUT_MS)`;
    if (deadlineMs > MAX_DEADLINE_MS[task]) {
      problems.push(
        `${PREFIX} tasks.${task}.deadlineMs must be at most ${MAX_DEADLINE_MS[task]}: the job running ${task} is stopped after ${JOB_TIME_LIMIT_S[task]} s`,
      );
      continue;
    }
    const serving = config.providers.filter((provider) =>
      provider.models.some((model) => models.includes(model.name)),
    );
    if (serving.length < 2) continue;
    // The first provider tried: the best priority serving the first model (ties: any of them).
    const firstModel = models[0];
    const ofFirst = serving.filter((provider) => provider.models.some((model) => model.name === firstModel));
    const best = Math.min(...ofFirst.map((provider) => provider.priority));
    for (const provider of ofFirst.filter((candidate) => candidate.priority === best)) {
      if (provider.timeoutMs < deadlineMs) continue;
      problems.push(
        `${PREFIX} ${whereOf(provider)}.timeoutMs (${provider.timeoutMs} ms) is not shorter than ${deadlineWhere}: ` +
          `${task} tries ${provider.name} first, and if it hangs no other provider can be tried; ` +
          `make the timeout shorter or the deadline longer`,
      );
    }
  }
  return problems;
}

function buildConfig(file: ParsedFile, path: string, settings: ModelsConfigSettings): ModelsConfig {
  const providers = file.providers.map((entry): ProviderConfig => ({
    name: entry.name,
    baseURL: entry.baseURL,
    apiKey: entry.apiKeyEnv === undefined ? undefined : valueOf(settings.variables, entry.apiKeyEnv),
    apiKeyEnv: entry.apiKeyEnv,
    models: entry.models.map((model) => ({ name: model.name, id: model.id ?? model.name })),
    maxConcurrent: entry.maxConcurrent,
    requestsPerMinute: entry.requestsPerMinute,
    timeoutMs: entry.timeoutMs ?? defaultProviderTimeoutMs(settings.timeoutMs),
    priority: entry.priority,
    jsonSchema: entry.jsonSchema,
  }));
  const defaults = defaultTaskConfigs(modelsByPreference(providers), settings.timeoutMs);
  const tasks = {} as Record<ModelTask, TaskConfig>;
  for (const task of MODEL_TASKS) {
    const given = file.tasks?.[task];
    const fallback = defaults[task];
    tasks[task] = {
      models: given?.models ? [...new Set(given.models)] : fallback.models,
      maxTokens: given?.maxTokens ?? fallback.maxTokens,
      temperature: given?.temperature ?? fallback.temperature,
      deadlineMs: given?.deadlineMs ?? fallback.deadlineMs,
    };
  }
  return { source: { kind: "file", path }, providers, tasks };
}

/**
 * Every configured model name once, those of the best-priority provider first, then in the file's
 * order: the default model list of a task, and the choices of the `model.<task>` settings.
 */
export function modelNamesOf(config: Pick<ModelsConfig, "providers">): string[] {
  return modelsByPreference(config.providers);
}

function modelsByPreference(providers: readonly ProviderConfig[]): string[] {
  const best = new Map<string, number>();
  for (const provider of providers) {
    for (const { name } of provider.models) {
      best.set(name, Math.min(best.get(name) ?? Infinity, provider.priority));
    }
  }
  // Map keeps first-insertion order and Array.prototype.sort is stable, so ties keep the file's order.
  return [...best.keys()].sort((a, b) => (best.get(a) ?? 0) - (best.get(b) ?? 0));
}

/** Rules across entries: unique provider names, models named once per provider, tasks served, keys set. */
function crossCheckProblems(raw: unknown, variables: ModelsConfigSettings["variables"]): string[] {
  if (!isRecord(raw)) return [];
  const problems: string[] = [];
  const providers = Array.isArray(raw.providers) ? raw.providers : [];
  const served = new Set<string>();
  const firstIndexOfName = new Map<string, number>();
  providers.forEach((entry: unknown, index) => {
    if (!isRecord(entry)) return;
    const where = `${PREFIX} ${providerWhere(raw, index)}`;
    const name = providerNameOf(entry);
    if (name !== undefined) {
      const first = firstIndexOfName.get(name);
      if (first === undefined) firstIndexOfName.set(name, index);
      else
        problems.push(`${where}.name is already used by providers[${first}]; provider names must be unique`);
    }
    const seen = new Set<string>();
    (Array.isArray(entry.models) ? entry.models : []).forEach((model: unknown, modelIndex) => {
      const modelNameText = typeof model === "string" ? model : isRecord(model) ? model.name : undefined;
      if (typeof modelNameText !== "string" || !MODEL_NAME.test(modelNameText)) return;
      if (seen.has(modelNameText)) {
        problems.push(`${where}.models[${modelIndex}] "${modelNameText}" is listed twice`);
      }
      seen.add(modelNameText);
      served.add(modelNameText);
    });
    const keyVariable = entry.apiKeyEnv;
    if (
      typeof keyVariable === "string" &&
      VARIABLE_NAME.test(keyVariable) &&
      !valueOf(variables, keyVariable)
    ) {
      problems.push(`${where}.apiKeyEnv names ${keyVariable}, which is not set`);
    }
  });
  const tasks = isRecord(raw.tasks) ? raw.tasks : {};
  for (const task of MODEL_TASKS) {
    const settings = tasks[task];
    if (!isRecord(settings) || !Array.isArray(settings.models)) continue;
    settings.models.forEach((model: unknown, index) => {
      if (typeof model === "string" && MODEL_NAME.test(model) && !served.has(model)) {
        problems.push(`${PREFIX} tasks.${task}.models[${index}] "${model}" is not served by any provider`);
      }
    });
  }
  return problems;
}

/** One zod issue as sentences naming the entry, e.g. `providers[1] ("ollama").baseURL must be …`. */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown, path: string): string[] {
  const where = issue.path.length === 0 ? path : whereOf(issue.path, raw);
  if (issue.code === "unrecognized_keys") {
    const known = knownKeysAt(issue.path);
    return issue.keys.map((key) => {
      const nearest = closestOf(key, known);
      const hint = nearest === undefined ? "" : ` (did you mean "${nearest}"?)`;
      const noun = issue.path.length === 1 && issue.path[0] === "tasks" ? "task" : "key";
      const list = noun === "task" ? `; the tasks are ${MODEL_TASKS.join(", ")}` : "";
      return `${PREFIX} ${where} has an unknown ${noun} "${key}"${hint}${list}`;
    });
  }
  // Messages are ours, or zod's, which never quote the value: nothing from the file is echoed.
  const message = issue.message.replace(/^Invalid (?:input|option): expected/, "must be");
  return [`${PREFIX} ${where} ${message}`];
}

function whereOf(path: readonly PropertyKey[], raw: unknown): string {
  let text = "";
  for (const [depth, key] of path.entries()) {
    if (typeof key === "number") {
      text += `[${key}]`;
      if (depth === 1 && path[0] === "providers") text = providerWhere(raw, key);
    } else {
      text += text === "" ? String(key) : `.${String(key)}`;
    }
  }
  return text;
}

/** `providers[1] ("ollama")`, or `providers[1]` when the entry has no valid name to show. */
function providerWhere(raw: unknown, index: number): string {
  const entry = isRecord(raw) && Array.isArray(raw.providers) ? (raw.providers[index] as unknown) : undefined;
  const name = isRecord(entry) ? providerNameOf(entry) : undefined;
  return name === undefined ? `providers[${index}]` : `providers[${index}] ("${name}")`;
}

function providerNameOf(entry: Record<string, unknown>): string | undefined {
  return typeof entry.name === "string" && PROVIDER_NAME.test(entry.name) ? entry.name : undefined;
}

function knownKeysAt(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return Object.keys(fileSchema.shape);
  if (path[0] === "providers" && path.length === 2) return Object.keys(providerSchema.shape);
  if (path[0] === "providers" && path.length === 4) return ["name", "id"];
  if (path[0] === "tasks" && path.length === 1) return MODEL_TASKS;
  if (path[0] === "tasks" && path.length === 2) return Object.keys(taskSchema.shape);
  return [];
}

/** The known key a typo most likely meant: same letters in another case, or at most two edits away. */
function closestOf(key: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = name.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, name);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

type TextParse = { ok: true; value: unknown } | { ok: false; problem: string };

/** YAML problems by line and the parser's own description, which names the rule broken, not the text. */
function parseYaml(text: string): TextParse {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = document.errors[0];
  if (error) {
    const position = error.linePos?.[0];
    const at = position ? `line ${position.line}, column ${position.col}: ` : "";
    const rule = (error.message.split(/ at line \d+/)[0] ?? "").split("\n")[0];
    return { ok: false, problem: `is not valid YAML: ${at}${rule}` };
  }
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (error) {
    return { ok: false, problem: `is not valid YAML: ${(error as Error).message.split("\n")[0]}` };
  }
}

/** JSON problems by line; V8's "Unexpected token" message quotes the text, so only its "Expected …" ones are kept. */
function parseJson(text: string): TextParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const found = /^(Expected [^"]*?) in JSON at position (\d+)/.exec((error as Error).message);
    if (!found) return { ok: false, problem: "is not valid JSON (an unexpected character or an early end)" };
    const before = text.slice(0, Number(found[2]));
    const line = before.split("\n").length;
    const column = before.length - before.lastIndexOf("\n");
    return { ok: false, problem: `is not valid JSON: line ${line}, column ${column}: ${found[1]}` };
  }
}

function readFailureOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file (ENOENT)";
  if (code === "EACCES" || code === "EPERM") return `permission denied (${code})`;
  if (code === "EISDIR") return "it is a directory (EISDIR)";
  return code ?? "unreadable";
}

/** A variable's value; blank counts as unset, as everywhere in the environment. */
function valueOf(variables: ModelsConfigSettings["variables"], name: string): string | undefined {
  const value = variables[name]?.trim();
  return value ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function failure(problem: string): ModelsConfigResult {
  return { ok: false, problems: [problem] };
}
