// `pnpm sentiment:score [--offline]`: reads JSON lines {"id": …, "text": …} on stdin and writes
// {"id": …, "label": "bullish"|"bearish"|"neutral", "score": …, "confidence": …, "scorer": …} a
// line on stdout, in the input's order. `--offline` uses the offline scorer; otherwise the
// configured model gateway scores batches of up to 50 lines (or what arrived within 2 s), and a
// line it cannot score is scored offline, saying so. A bad line gets {"line": N, "error": …} in
// its place (and a note on stderr) and the rest go on; the exit code is then 1.
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import {
  createModelGateway,
  createSentimentScorer,
  MAX_SENTIMENT_BATCH,
  scoreOffline,
  type ScoredMessage,
  type SentimentScorer,
} from "@memebot/ai";
import { EnvError, parseEnv, type Env } from "@memebot/config";

const USAGE = 'usage: pnpm sentiment:score [--offline] < messages.jsonl   (lines of {"id": …, "text": …})';
const BATCH_WAIT_MS = 2_000;

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const unexpected = args.find((argument) => argument !== "--offline");
if (unexpected !== undefined) {
  process.stderr.write(`sentiment:score: unexpected argument ${JSON.stringify(unexpected)}\n${USAGE}\n`);
  process.exit(2);
}

/** Set when a model was wanted but none is configured: each offline line says so. */
let offlineReason: "not_configured" | undefined;
const note = (message: string) => process.stderr.write(`sentiment:score: ${message}\n`);

/** The model scorer when one is configured and wanted; undefined for offline scoring. */
function modelScorer(): { scorer: SentimentScorer; close: () => Promise<void> } | undefined {
  if (args.includes("--offline")) return undefined;
  let env: Env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    note(`${error.message}\nSee .env.example and models.example.yaml.`);
    process.exit(2);
  }
  const { models } = env;
  if (models.providers.length === 0) {
    note(
      "no model is configured (MODELS_CONFIG or LLM_BASE_URL); scoring offline. --offline says so quietly.",
    );
    offlineReason = "not_configured";
    return undefined;
  }
  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const gateway = createModelGateway({ config: models, redis, prefix: env.QUEUE_PREFIX });
  return {
    scorer: createSentimentScorer({
      gateway,
      logger: { warn: (obj, message) => note(`${message} ${JSON.stringify(obj)}`) },
    }),
    async close() {
      await gateway.close();
      redis.disconnect();
    },
  };
}

type Id = string | number;
type Slot =
  { line: number; id?: Id; error: string } | { line: number; id: Id; text: string; result?: ScoredMessage };

/** A line's message, or why it is not one. */
function parseLine(text: string, line: number): Slot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, error: "not a JSON value" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { line, error: 'expected an object {"id": …, "text": …}' };
  }
  const { id, text: message } = value as { id?: unknown; text?: unknown };
  if (typeof id !== "string" && typeof id !== "number")
    return { line, error: '"id" must be a string or a number' };
  if (typeof message !== "string") return { line, id, error: '"text" must be a string' };
  return { line, id, text: message };
}

let failed = 0;
function output(slot: Slot): string {
  if ("error" in slot) {
    failed += 1;
    note(`line ${slot.line}: ${slot.error}`);
    return JSON.stringify(slot);
  }
  const result: ScoredMessage = slot.result ?? {
    id: String(slot.id),
    ...scoreOffline(slot.text),
    scorer: "offline",
    ...(offlineReason ? { fallbackReason: offlineReason } : {}),
  };
  const { label, score, confidence, scorer } = result;
  const reason = result.fallbackReason;
  return JSON.stringify({
    id: slot.id,
    label,
    score,
    confidence,
    scorer,
    ...(reason ? { fallbackReason: reason } : {}),
  });
}

const model = modelScorer();
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
let lineNumber = 0;

if (!model) {
  for await (const text of lines) {
    lineNumber += 1;
    if (text.trim() === "") continue;
    process.stdout.write(`${output(parseLine(text, lineNumber))}\n`);
  }
} else {
  // Batches go one at a time, so lines come out in the order they came in.
  let slots: Slot[] = [];
  let timer: NodeJS.Timeout | undefined;
  let chain = Promise.resolve();
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = slots;
    slots = [];
    chain = chain.then(async () => {
      const messages = batch.flatMap((slot, index) =>
        "error" in slot ? [] : [{ id: `${index}`, text: slot.text }],
      );
      const scored = messages.length > 0 ? await model.scorer.score({ messages }) : [];
      for (const result of scored) {
        const slot = batch[Number(result.id)];
        if (slot && !("error" in slot)) slot.result = result;
      }
      process.stdout.write(batch.map((slot) => `${output(slot)}\n`).join(""));
    });
  };
  for await (const text of lines) {
    lineNumber += 1;
    if (text.trim() === "") continue;
    const slot = parseLine(text, lineNumber);
    slots.push(slot);
    const pending = slots.filter((entry) => !("error" in entry)).length;
    if (pending >= MAX_SENTIMENT_BATCH) flush();
    else timer ??= setTimeout(flush, BATCH_WAIT_MS);
  }
  flush();
  await chain;
  await model.close();
}
process.exitCode = failed > 0 ? 1 : 0;
