// Reading what an OpenAI-compatible chat server sends back, for the gateway: the answer's text,
// its token usage, and the JSON we asked for.
import { z } from "zod";
import { ModelResponseError } from "./errors.ts";
import { extractJson } from "./json.ts";

/**
 * The message text of a (non-streamed) completion. Reasoning servers (vLLM --reasoning-parser)
 * may leave `content` empty and put everything in reasoning_content; then that is the answer.
 */
export function answerText(completion: unknown, model: string): string {
  if (typeof completion !== "object" || completion === null) {
    // A proxy's HTML page or plain text: the client hands it over as a string.
    throw new ModelResponseError("invalid_body", { model, excerpt: String(completion) });
  }
  const choices = (completion as { choices?: unknown }).choices;
  const message: unknown = Array.isArray(choices) ? choices[0]?.message : undefined;
  if (typeof message !== "object" || message === null) {
    throw new ModelResponseError("empty_choices", { model });
  }
  const fields = message as Record<string, unknown>;
  for (const key of ["content", "reasoning_content", "reasoning"]) {
    const value = fields[key];
    if (typeof value === "string" && value.trim() !== "") return value;
  }
  return "";
}

export interface TokenUsage {
  tokensIn: number;
  tokensOut: number;
}

/** The `usage` of a completion or of a stream's last chunk; undefined when the server sent none. */
export function usageOf(payload: unknown): TokenUsage | undefined {
  const usage =
    typeof payload === "object" && payload !== null ? (payload as { usage?: unknown }).usage : undefined;
  if (typeof usage !== "object" || usage === null) return undefined;
  const { prompt_tokens: tokensIn, completion_tokens: tokensOut } = usage as Record<string, unknown>;
  return { tokensIn: tokenCount(tokensIn), tokensOut: tokenCount(tokensOut) };
}

const tokenCount = (value: unknown) =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;

/** About four characters a token in English: rough, but a budget needs some count rather than none. */
const CHARACTERS_PER_TOKEN = 4;

/** Tokens of a request and its answer estimated from their length, for servers that report no usage. */
export function estimatedUsage(messages: readonly { content?: unknown }[], answer: string): TokenUsage {
  let promptCharacters = 0;
  for (const { content } of messages) {
    promptCharacters += typeof content === "string" ? content.length : (JSON.stringify(content) ?? "").length;
  }
  return {
    tokensIn: Math.ceil(promptCharacters / CHARACTERS_PER_TOKEN),
    tokensOut: Math.ceil(answer.length / CHARACTERS_PER_TOKEN),
  };
}

const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

/** The JSON Schema sent in response_format or written into a prompt. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  let cached = jsonSchemas.get(schema);
  if (!cached) {
    // Servers turn the schema into a grammar; the meta-schema URL is noise to them.
    const { $schema: _metaSchema, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
    cached = rest;
    jsonSchemas.set(schema, cached);
  }
  return cached;
}

/**
 * The validated value in a model's answer (think blocks, fences and chatter removed by extractJson).
 * Throws ModelResponseError: "no_json", or "schema_mismatch" with the failing fields as `issues`.
 */
export function parseJsonAnswer<T>(text: string, schema: z.ZodType<T>, model: string): T {
  let json: unknown;
  try {
    json = extractJson(text);
  } catch (error) {
    if (error instanceof ModelResponseError) {
      throw new ModelResponseError(error.reason, { model, excerpt: text });
    }
    throw error;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    throw new ModelResponseError("schema_mismatch", { model, excerpt: text, issues });
  }
  return parsed.data;
}
