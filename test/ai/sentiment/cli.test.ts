// `pnpm sentiment:score` as a real process: JSON lines in, one answer a line out in the same
// order, a bad line answered with its error while the rest go on; offline, and once against the
// fake model server through LLM_BASE_URL.
import { spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deletePrefix } from "../../jobs/support.ts";
import { startFakeOpenAI, type FakeChatRequest, type FakeOpenAI } from "../../fakes/openai/server.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

interface Run {
  code: number | null;
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
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolvePromise({ code, lines, stderr });
    });
    child.stdin.end(input);
  });
}

const INPUT = [
  JSON.stringify({ id: 1, text: "we are going to the moon 🚀🚀" }),
  "{not json",
  JSON.stringify({ id: "b", text: "rug pull, devs dumped on us, rekt" }),
  JSON.stringify({ id: "c" }),
  "",
  JSON.stringify({ id: "d", text: "the AMA starts at 5" }),
].join("\n");

describe("pnpm sentiment:score", () => {
  it("GIVEN --offline and a malformed line THEN every good line is scored in order and the bad ones report their error", async () => {
    const { code, lines, stderr } = await runCli(["--offline"], INPUT);
    expect(lines).toEqual([
      expect.objectContaining({ id: 1, label: "bullish", scorer: "offline" }),
      { line: 2, error: "not a JSON value" },
      expect.objectContaining({ id: "b", label: "bearish", scorer: "offline" }),
      { line: 4, id: "c", error: '"text" must be a string' },
      expect.objectContaining({ id: "d", label: "neutral", scorer: "offline" }),
    ]);
    expect(typeof lines[0]?.score).toBe("number");
    expect(stderr).toContain("line 2: not a JSON value");
    expect(code).toBe(1);
  }, 30_000);

  it("GIVEN no model configured and no --offline THEN it says so and scores offline, labelled", async () => {
    const { code, lines, stderr } = await runCli([], JSON.stringify({ id: "x", text: "wagmi" }));
    expect(stderr).toContain("no model is configured");
    expect(lines).toEqual([
      expect.objectContaining({ id: "x", scorer: "offline", fallbackReason: "not_configured" }),
    ]);
    expect(code).toBe(0);
  }, 30_000);

  describe("with a model", () => {
    let fake: FakeOpenAI;
    beforeAll(async () => {
      fake = await startFakeOpenAI({
        behaviour: (body: FakeChatRequest) => {
          const user = String(body.messages?.find((message) => message.role === "user")?.content ?? "");
          const ids = [...user.matchAll(/<chat_message id="([^"]+)">/g)].map((match) => match[1]);
          // Reversed, to show the answers are matched by id.
          const scores = ids.reverse().map((id) => ({ id, label: "bearish", score: -0.5, confidence: 0.8 }));
          return { kind: "reply", content: JSON.stringify({ scores }) };
        },
      });
    });
    const prefix = `test-sentiment-cli-${process.pid}`;
    afterAll(async () => {
      await fake.close();
      // The gateway's provider limits live in Redis under the run's prefix.
      const redis = new Redis("redis://127.0.0.1:6379");
      await deletePrefix(redis, prefix);
      await redis.quit();
    });

    it("GIVEN LLM_BASE_URL THEN the lines are scored in one model batch and labelled with the model", async () => {
      const { code, lines } = await runCli([], INPUT, {
        LLM_BASE_URL: fake.baseURL,
        LLM_MODEL: "fake-model",
        QUEUE_PREFIX: prefix,
      });
      expect(fake.requests.filter((request) => request.path === "/v1/chat/completions")).toHaveLength(1);
      expect(lines.map((line) => line.id ?? line.error)).toEqual([1, "not a JSON value", "b", "c", "d"]);
      for (const index of [0, 2, 4]) {
        expect(lines[index]).toMatchObject({
          label: "bearish",
          score: -0.5,
          scorer: expect.stringMatching(/^model:/),
        });
      }
      expect(code).toBe(1);
    }, 30_000);
  });
});
