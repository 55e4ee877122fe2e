// `pnpm sentiment:score` as a real process, beyond cli.test.ts: more lines than one model batch
// (50) go in several batches and come out in the input's order; a model that fails or answers an
// item wrongly leaves those lines scored offline, saying why; bad arguments and bad lines of every
// kind are answered clearly. Against the fake OpenAI server through LLM_BASE_URL.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_SENTIMENT_BATCH } from "@memebot/ai";
import { deletePrefix } from "../../jobs/support.ts";
import {
  sentimentReply,
  startFakeOpenAI,
  type FakeChatRequest,
  type FakeOpenAI,
} from "../../fakes/openai/server.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

interface Run {
  code: number | null;
  stdout: string;
  lines: Array<Record<string, unknown>>;
  stderr: string;
}

function runCli(args: string[], input: string, env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const { LLM_BASE_URL: _url, MODELS_CONFIG: _config, ...inherited } = process.env;
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/sentiment-score.ts", ...args], {
      cwd: REPO,
      env: { ...inherited, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      const lines = stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolvePromise({ code, stdout, lines, stderr });
    });
    child.stdin.end(input);
  });
}

/** The messages of a request, as the prompt lists them: one `<chat_message id="…">` a line. */
const sentTexts = (body: FakeChatRequest): string[] => {
  const user = String(body.messages?.find((message) => message.role === "user")?.content ?? "");
  return [...user.matchAll(/^<chat_message id="[^"]+">(.*)<\/chat_message>$/gm)].map(
    (match) => match[1] as string,
  );
};

describe("pnpm sentiment:score with a model", () => {
  let fake: FakeOpenAI;
  let prefix: string;
  const prefixes: string[] = [];
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  beforeEach(() => {
    fake.requests.splice(0);
    fake.setBehaviour(sentimentReply);
    prefix = `test-sentiment-cli-batches-${randomUUID()}`;
    prefixes.push(prefix);
  });
  afterAll(async () => {
    await fake.close();
    // The gateway's provider limits live in Redis under each run's prefix.
    const redis = new Redis("redis://127.0.0.1:6379");
    for (const each of prefixes) await deletePrefix(redis, each);
    await redis.quit();
  });
  const modelEnv = () => ({ LLM_BASE_URL: fake.baseURL, LLM_MODEL: "fake-model", QUEUE_PREFIX: prefix });
  const chatCalls = () => fake.requests.filter((request) => request.path === "/v1/chat/completions");

  it("GIVEN 120 lines THEN they go in batches of at most 50 and come out in the input's order, each with its id", async () => {
    const texts = Array.from({ length: 120 }, (_, index) =>
      index % 3 === 0 ? `moon ${index}` : index % 3 === 1 ? `rug ${index}` : `the AMA is at ${index}`,
    );
    // Numbers and strings as ids, as callers send them.
    const ids = texts.map((_, index) => (index % 2 ? `m-${index}` : index));
    const input = texts.map((text, index) => JSON.stringify({ id: ids[index], text })).join("\n");
    const { code, lines, stderr } = await runCli([], input, modelEnv());
    expect(code, stderr).toBe(0);
    expect(lines.map((line) => line.id)).toEqual(ids);
    expect(lines.map((line) => line.label)).toEqual(
      texts.map((text) =>
        text.startsWith("moon") ? "bullish" : text.startsWith("rug") ? "bearish" : "neutral",
      ),
    );
    expect(new Set(lines.map((line) => line.scorer))).toEqual(new Set(["model:fake-model"]));
    // Three model calls: 50, 50 and the last 20, each carrying its own lines in order.
    const batches = chatCalls().map((request) => sentTexts(request.body as FakeChatRequest));
    expect(batches.map((batch) => batch.length)).toEqual([MAX_SENTIMENT_BATCH, MAX_SENTIMENT_BATCH, 20]);
    expect(batches.flat()).toEqual(texts);
  }, 120_000);

  it("GIVEN a model that answers one item with a label it does not have, twice THEN that line alone is scored offline, saying why", async () => {
    fake.setBehaviour((body: FakeChatRequest) => {
      const answer = sentimentReply(body);
      if (answer.kind !== "reply") return answer;
      const { scores } = JSON.parse(answer.content ?? "{}") as { scores: Array<Record<string, unknown>> };
      const texts = sentTexts(body);
      return {
        kind: "reply",
        content: JSON.stringify({
          scores: scores.map((score, index) =>
            texts[index]?.includes("wagmi") ? { ...score, label: "to the moon" } : score,
          ),
        }),
      };
    });
    const input = [
      JSON.stringify({ id: "a", text: "moon soon" }),
      JSON.stringify({ id: "b", text: "wagmi frens" }),
      JSON.stringify({ id: "c", text: "rug incoming" }),
    ].join("\n");
    const { code, lines, stderr } = await runCli([], input, modelEnv());
    expect(code, stderr).toBe(0);
    expect(lines).toEqual([
      expect.objectContaining({ id: "a", label: "bullish", scorer: "model:fake-model" }),
      expect.objectContaining({
        id: "b",
        label: "bullish",
        scorer: "offline",
        fallbackReason: "invalid_response",
      }),
      expect.objectContaining({ id: "c", label: "bearish", scorer: "model:fake-model" }),
    ]);
    expect(lines[0]).not.toHaveProperty("fallbackReason");
    // Asked once, then once more for the bad item only.
    expect(chatCalls().map((request) => sentTexts(request.body as FakeChatRequest))).toEqual([
      ["moon soon", "wagmi frens", "rug incoming"],
      ["wagmi frens"],
    ]);
  }, 120_000);

  it("GIVEN a model that refuses every request THEN every line is scored offline as unavailable, and the run succeeds", async () => {
    fake.setBehaviour({ kind: "status", status: 401, body: { error: { message: "bad key" } } });
    const input = [
      JSON.stringify({ id: 1, text: "wagmi 🚀" }),
      JSON.stringify({ id: 2, text: "classic rug pull, rekt" }),
    ].join("\n");
    const { code, lines, stderr } = await runCli([], input, modelEnv());
    expect(code, stderr).toBe(0);
    expect(lines).toEqual([
      expect.objectContaining({ id: 1, label: "bullish", scorer: "offline", fallbackReason: "unavailable" }),
      expect.objectContaining({ id: 2, label: "bearish", scorer: "offline", fallbackReason: "unavailable" }),
    ]);
  }, 120_000);
});

describe("pnpm sentiment:score's arguments and lines", () => {
  it("GIVEN --help THEN it prints the usage and scores nothing; GIVEN an unknown argument THEN it says which, with the usage, and exits 2", async () => {
    const help = await runCli(["--help"], JSON.stringify({ id: 1, text: "wagmi" }));
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("usage: pnpm sentiment:score [--offline]");
    expect(help.lines).toEqual([]);

    const wrong = await runCli(["--ofline"], JSON.stringify({ id: 1, text: "wagmi" }));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('unexpected argument "--ofline"');
    expect(wrong.stderr).toContain("usage: pnpm sentiment:score");
    expect(wrong.stdout).toBe("");
  }, 120_000);

  it("GIVEN lines that are not messages THEN each gets its own error in its place and the rest are scored", async () => {
    const input = [
      JSON.stringify([1, "wagmi"]),
      JSON.stringify("wagmi"),
      JSON.stringify({ id: true, text: "wagmi" }),
      JSON.stringify({ text: "no id" }),
      JSON.stringify({ id: 5, text: 5 }),
      JSON.stringify({ id: 6, text: "" }),
      JSON.stringify({ id: 7, text: "we are so back, lfg 🚀" }),
    ].join("\r\n");
    const { code, lines, stderr } = await runCli(["--offline"], input);
    expect(lines).toEqual([
      { line: 1, error: 'expected an object {"id": …, "text": …}' },
      { line: 2, error: 'expected an object {"id": …, "text": …}' },
      { line: 3, error: '"id" must be a string or a number' },
      { line: 4, error: '"id" must be a string or a number' },
      { line: 5, id: 5, error: '"text" must be a string' },
      // An empty message is a message: neutral, not an error.
      { id: 6, label: "neutral", score: 0, confidence: 1, scorer: "offline" },
      expect.objectContaining({ id: 7, label: "bullish", scorer: "offline" }),
    ]);
    expect(stderr.match(/line \d+:/g)).toEqual(["line 1:", "line 2:", "line 3:", "line 4:", "line 5:"]);
    expect(code).toBe(1);
  }, 120_000);
});
