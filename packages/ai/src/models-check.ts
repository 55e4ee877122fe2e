// `pnpm models:check`: asks every configured provider, with the real openai client, what works.
// Per provider: GET /models (is each configured id listed?). Per model: a tiny chat call (reachable,
// latency) and a JSON-schema call (does the server enforce response_format json_schema, so the
// config's jsonSchema flag can be set right?). Nothing here prints or returns an API key: rows carry
// only names, short reasons ("timeout", "HTTP 401") and numbers.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import type { ModelsConfig, ProviderConfig, ProviderModel } from "@memebot/config";

export interface ModelCheckOptions {
  /** Each request's limit. Default 10 s: a probe is tiny, a slow answer is itself the finding. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Whether the server enforced the schema: yes, no, or "-" when the probe could not tell. */
export type SchemaSupport = "yes" | "no" | "-";

export interface ModelCheckRow {
  provider: string;
  /** The gateway's name for the model. */
  model: string;
  /** What the provider calls it (sent as `model`). */
  id: string;
  /** The tiny chat call answered. */
  reachable: boolean;
  /** Why not: "timeout", "HTTP 401", "connection refused", "not an OpenAI answer"…; undefined when reachable. */
  failure: string | undefined;
  /** The tiny chat call's time, when it answered. */
  latencyMs: number | undefined;
  /** Whether GET /models lists the id; undefined when the listing itself failed. */
  listed: boolean | undefined;
  /** Why the listing failed. */
  listingFailure: string | undefined;
  schema: SchemaSupport;
  /** Why the schema answer was "no" or "-". */
  schemaNote: string | undefined;
  /** The provider's jsonSchema flag in the configuration. */
  configuredJsonSchema: boolean;
  /** Whether the flag matches what the probe saw; undefined when the probe could not tell. */
  flagAgrees: boolean | undefined;
  /** What to change in the configuration when the flag does not agree. */
  hint: string | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Enough for a short reply; a reasoning model may spend it all thinking, which still proves it answers. */
const CHAT_PROBE_MAX_TOKENS = 8;
/** `{"ok": true}` is a handful of tokens; room for a server that wraps it in a little whitespace. */
const SCHEMA_PROBE_MAX_TOKENS = 128;
const SCHEMA_NAME = "health_check";
const OK_SCHEMA = {
  type: "object",
  properties: { ok: { type: "boolean" } },
  required: ["ok"],
  additionalProperties: false,
} as const;

/** Probes every provider at once, each provider's models one after another (Ollama serves one at a time). */
export async function checkModels(
  config: ModelsConfig,
  options: ModelCheckOptions = {},
): Promise<ModelCheckRow[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const perProvider = await Promise.all(
    config.providers.map((provider) => checkProvider(provider, config, timeoutMs, options.fetch)),
  );
  return perProvider.flat();
}

/** Every configured model answered. */
export function everyModelReachable(rows: readonly ModelCheckRow[]): boolean {
  return rows.every((row) => row.reachable);
}

async function checkProvider(
  provider: ProviderConfig,
  config: ModelsConfig,
  timeoutMs: number,
  customFetch: typeof fetch | undefined,
): Promise<ModelCheckRow[]> {
  const client = new OpenAI({
    baseURL: provider.baseURL,
    // The client refuses to start without one; servers without keys ignore it.
    apiKey: provider.apiKey ?? "not-needed",
    timeout: timeoutMs,
    // One attempt: a retried probe would hide a flaky server and multiply the wait.
    maxRetries: 0,
    organization: null,
    project: null,
    ...(customFetch ? { fetch: customFetch } : {}),
  });
  const listing = await listModels(client, timeoutMs);
  const rows: ModelCheckRow[] = [];
  for (const model of provider.models) {
    rows.push(await checkModel(client, provider, model, listing, config, timeoutMs));
  }
  return rows;
}

type Listing = { ok: true; ids: ReadonlySet<string> } | { ok: false; failure: string };

async function listModels(client: OpenAI, timeoutMs: number): Promise<Listing> {
  try {
    const page: unknown = await client.models.list({ signal: AbortSignal.timeout(timeoutMs) });
    const data = (page as { data?: unknown }).data;
    if (!Array.isArray(data)) return { ok: false, failure: "not an OpenAI answer" };
    const ids = data
      .map((entry: unknown) => (entry as { id?: unknown } | null)?.id)
      .filter((id): id is string => typeof id === "string");
    return { ok: true, ids: new Set(ids) };
  } catch (error) {
    return { ok: false, failure: failureOf(error) };
  }
}

async function checkModel(
  client: OpenAI,
  provider: ProviderConfig,
  model: ProviderModel,
  listing: Listing,
  config: ModelsConfig,
  timeoutMs: number,
): Promise<ModelCheckRow> {
  const row: ModelCheckRow = {
    provider: provider.name,
    model: model.name,
    id: model.id,
    reachable: false,
    failure: undefined,
    latencyMs: undefined,
    listed: listing.ok ? listing.ids.has(model.id) : undefined,
    listingFailure: listing.ok ? undefined : listing.failure,
    schema: "-",
    schemaNote: undefined,
    configuredJsonSchema: provider.jsonSchema,
    flagAgrees: undefined,
    hint: undefined,
  };
  const started = performance.now();
  try {
    const completion: unknown = await client.chat.completions.create(
      {
        model: model.id,
        messages: [{ role: "user", content: "Reply with the word OK." }],
        max_tokens: CHAT_PROBE_MAX_TOKENS,
        temperature: 0,
      },
      { signal: AbortSignal.timeout(timeoutMs) },
    );
    if (firstChoiceOf(completion) === undefined) {
      row.failure = "not an OpenAI answer";
      return row;
    }
    row.reachable = true;
    row.latencyMs = Math.round(performance.now() - started);
  } catch (error) {
    row.failure = failureOf(error);
    return row;
  }

  const schema = await probeSchema(client, model, timeoutMs);
  row.schema = schema.support;
  row.schemaNote = schema.note;
  if (schema.support !== "-") {
    row.flagAgrees = (schema.support === "yes") === provider.jsonSchema;
    if (!row.flagAgrees) row.hint = hintFor(provider, model, schema, config);
  }
  return row;
}

interface SchemaProbe {
  support: SchemaSupport;
  note: string | undefined;
}

/**
 * The prompt asks for JSON but does not name the field: only a server that applies the schema to
 * the output answers exactly `{"ok": …}`, while one that ignores response_format lets the model
 * pick its own shape, which fails validation.
 */
async function probeSchema(client: OpenAI, model: ProviderModel, timeoutMs: number): Promise<SchemaProbe> {
  let completion: unknown;
  try {
    completion = await client.chat.completions.create(
      {
        model: model.id,
        messages: [
          {
            role: "system",
            content: "You are a health check. Answer with one JSON object and nothing else.",
          },
          { role: "user", content: "Are you working?" },
        ],
        response_format: {
          type: "json_schema",
          json_schema: { name: SCHEMA_NAME, strict: true, schema: OK_SCHEMA },
        },
        max_tokens: SCHEMA_PROBE_MAX_TOKENS,
        temperature: 0,
      },
      { signal: AbortSignal.timeout(timeoutMs) },
    );
  } catch (error) {
    // A 4xx for a request that differs from a working one only by response_format: the server refuses it.
    if (error instanceof APIError && isRefusal(error.status)) {
      return { support: "no", note: `HTTP ${error.status}` };
    }
    return { support: "-", note: failureOf(error) };
  }
  const choice = firstChoiceOf(completion);
  if (choice === undefined) return { support: "-", note: "not an OpenAI answer" };
  const text = typeof choice.message?.content === "string" ? choice.message.content.trim() : "";
  if (text === "") {
    return choice.finish_reason === "length"
      ? { support: "-", note: `no answer within ${SCHEMA_PROBE_MAX_TOKENS} tokens` }
      : { support: "no", note: "empty answer" };
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return { support: "no", note: "answer is not JSON" };
  }
  return matchesOkSchema(answer)
    ? { support: "yes", note: undefined }
    : { support: "no", note: "answer does not match the schema" };
}

function matchesOkSchema(answer: unknown): boolean {
  if (typeof answer !== "object" || answer === null || Array.isArray(answer)) return false;
  const keys = Object.keys(answer);
  return keys.length === 1 && typeof (answer as { ok?: unknown }).ok === "boolean";
}

const isRefusal = (status: number | undefined): boolean =>
  status !== undefined && status >= 400 && status < 500 && ![401, 403, 408, 429].includes(status);

interface Choice {
  message?: { content?: unknown };
  finish_reason?: unknown;
}

/** The first choice of a chat completion; undefined for anything else (a proxy's HTML page arrives as a string). */
function firstChoiceOf(completion: unknown): Choice | undefined {
  if (typeof completion !== "object" || completion === null) return undefined;
  const choices = (completion as { choices?: unknown }).choices;
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  return typeof first === "object" && first !== null ? (first as Choice) : undefined;
}

function hintFor(
  provider: ProviderConfig,
  model: ProviderModel,
  schema: SchemaProbe,
  config: ModelsConfig,
): string {
  const who = `${provider.name} (${model.name})`;
  if (schema.support === "yes") {
    return `${who} enforces json_schema: set jsonSchema: true on provider ${provider.name} so the server shapes every answer`;
  }
  const why = schema.note === undefined ? "" : ` (${schema.note})`;
  if (config.source.kind === "env") {
    return `${who} does not enforce json_schema${why}, which the LLM_* shorthand always sends: describe this server in a MODELS_CONFIG file with jsonSchema: false`;
  }
  return `${who} does not enforce json_schema${why}: set jsonSchema: false on provider ${provider.name} so the schema goes in the prompt`;
}

/** A short reason for a failed request, from our own words and the HTTP status only. */
export function failureOf(error: unknown): string {
  if (error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError) return "timeout";
  if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return "timeout";
  }
  if (error instanceof APIConnectionError) return connectionFailureOf(error);
  if (error instanceof APIError && typeof error.status === "number") return `HTTP ${error.status}`;
  // The server said application/json and sent something else.
  if (error instanceof SyntaxError) return "not an OpenAI answer";
  return "unexpected error";
}

const CONNECTION_FAILURES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  UND_ERR_SOCKET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found",
  ETIMEDOUT: "timeout",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

/** fetch wraps the system's error code a level or two down in `cause`. */
function connectionFailureOf(error: Error): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      if (CONNECTION_FAILURES[code]) return CONNECTION_FAILURES[code];
      if (/CERT|SSL|TLS/.test(code)) return "TLS error";
    }
    current = current.cause;
  }
  return "connection failed";
}

const COLUMNS = ["PROVIDER", "MODEL", "REACHABLE", "LATENCY", "LISTED", "JSON SCHEMA", "CONFIG"] as const;

/** The rows as a table, then one line per listing failure and per hint. */
export function formatRows(rows: readonly ModelCheckRow[]): string {
  const cells = rows.map((row) => [
    row.provider,
    row.id === row.model ? row.model : `${row.model} (${row.id})`,
    row.reachable ? "yes" : `no (${row.failure ?? "unknown"})`,
    row.latencyMs === undefined ? "-" : `${row.latencyMs} ms`,
    row.listed === undefined ? "-" : row.listed ? "yes" : "no",
    row.schemaNote === undefined ? row.schema : `${row.schema} (${row.schemaNote})`,
    row.flagAgrees === undefined
      ? "-"
      : `jsonSchema: ${String(row.configuredJsonSchema)} ${row.flagAgrees ? "agrees" : "differs"}`,
  ]);
  const widths = COLUMNS.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => line[column]?.length ?? 0)),
  );
  const render = (line: readonly string[]) =>
    line
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  const lines = [render(COLUMNS), ...cells.map(render)];

  const notes = new Set<string>();
  for (const row of rows) {
    if (row.listingFailure !== undefined)
      notes.add(`${row.provider}: GET /models failed (${row.listingFailure})`);
    else if (row.listed === false) {
      notes.add(`${row.provider}: "${row.id}" is not in its GET /models list; check the model's id`);
    }
  }
  for (const row of rows) if (row.hint !== undefined) notes.add(`hint: ${row.hint}`);
  if (notes.size > 0) lines.push("", ...notes);
  return `${lines.join("\n")}\n`;
}
