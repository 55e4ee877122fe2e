// Self-hosted models rarely return bare JSON, even when asked for a json_schema:
// reasoning models think aloud in <think> blocks, chat models wrap answers in
// ```json fences or add a friendly sentence. This digs the answer out.
import { ModelResponseError } from "./errors.ts";
import { splitReasoning } from "./reasoning.ts";

const NOT_JSON = Symbol("not-json");
// A candidate that fails to parse costs a rescan; cap the work on pathological text.
const MAX_CANDIDATES = 200;

const FENCE = /```[ \t]*(?:json5?|jsonc|JSON)?[ \t]*\r?\n?([\s\S]*?)```/g;

/**
 * Returns the JSON value in a model's answer: the whole text when it is JSON, else the
 * first fenced block that parses, else the first balanced top-level `{…}` object that parses.
 * Throws ModelResponseError("no_json") when there is none.
 */
export function extractJson(text: string): unknown {
  const bare = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Most answers hold no tag at all: then there is no reasoning to look for.
  const { answer, preferLast } = bare.includes("<")
    ? withoutReasoning(bare)
    : { answer: bare, preferLast: false };

  const whole = parseLenient(answer.trim());
  if (whole !== NOT_JSON) return whole;

  const fenced = [...answer.matchAll(FENCE)].map((match) => match[1] ?? "");
  for (const block of preferLast ? fenced.reverse() : fenced) {
    const value = parseLenient(block.trim());
    if (value !== NOT_JSON) return value;
  }

  const objects = topLevelObjects(answer, preferLast ? Infinity : 1);
  const found = preferLast ? objects.at(-1) : objects[0];
  if (found !== undefined) return found;

  throw new ModelResponseError("no_json", { excerpt: text });
}

/**
 * Drops reasoning (see reasoning.ts). An opening tag that never closes (a model that stops
 * mid-thought, or forgets the tag) leaves reasoning and answer mixed: the answer is then most
 * likely the last object.
 */
function withoutReasoning(text: string): { answer: string; preferLast: boolean } {
  const { rest, open } = splitReasoning(text);
  if (!open) return { answer: rest, preferLast: false };
  return { answer: rest.slice(0, open.index) + rest.slice(open.index + open.length), preferLast: true };
}

/** Non-overlapping balanced `{…}` spans that parse as JSON objects, left to right. */
function topLevelObjects(text: string, limit: number): object[] {
  const found: object[] = [];
  let attempts = 0;
  let index = text.indexOf("{");
  while (index >= 0 && found.length < limit && attempts < MAX_CANDIDATES) {
    attempts += 1;
    const end = matchingBrace(text, index);
    if (end >= 0) {
      const value = parseLenient(text.slice(index, end + 1));
      if (value !== NOT_JSON && typeof value === "object" && value !== null) {
        found.push(value);
        index = text.indexOf("{", end + 1);
        continue;
      }
    }
    // Not JSON (e.g. "{topic}" in prose): an object may still start inside it.
    index = text.indexOf("{", index + 1);
  }
  return found;
}

/** Index of the `}` closing the `{` at `start`, ignoring braces inside strings; -1 if unbalanced. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === "{") {
      depth += 1;
    } else if (char === "}") {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function parseLenient(text: string): unknown {
  if (text === "") return NOT_JSON;
  try {
    return JSON.parse(text);
  } catch {
    // Small models like a trailing comma before } or ]; that is the one slip we forgive.
    const repaired = withoutTrailingCommas(text);
    if (repaired === text) return NOT_JSON;
    try {
      return JSON.parse(repaired);
    } catch {
      return NOT_JSON;
    }
  }
}

function withoutTrailingCommas(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (inString) {
      out += char;
      if (char === "\\") {
        out += text[i + 1] ?? "";
        i += 1;
      } else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    if (char === ",") {
      let next = i + 1;
      while (next < text.length && /\s/.test(text[next] as string)) next += 1;
      if (text[next] === "}" || text[next] === "]") continue;
    }
    out += char;
  }
  return out;
}
