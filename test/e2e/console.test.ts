// `printf '…' | pnpm start` on the embedded defaults: PGlite, console chat, offline engine.
import { spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/platform-process.ts";

function pnpmStart(input: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn("pnpm", ["start"], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("console chat through pnpm start", { timeout: 120_000 }, () => {
  it("GIVEN piped commands and no tokens THEN answers each, waits for the meme, and exits 0", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "memebot-console-"));
    try {
      const { code, stdout, stderr } = await pnpmStart(
        "/help\n/meme wen lambo\n/meme\nhello\n/config language\n/caption hi | there\n",
        {
          DATA_DIR: dataDir,
          CONSOLE_PICTURES_DIR: join(dataDir, "memes"),
          HTTP_PORT: "0",
          QUEUE_PREFIX: `test-${randomUUID()}`,
        },
      );
      expect(code, stderr).toBe(0);
      const lines = stdout.split("\n").filter((line) => line.startsWith("bot> "));
      expect(lines[0]).toBe("bot> Commands you can use here:");
      expect(stdout).toContain("bot> Missing <topic>.\nbot> Usage: /meme <topic>");
      // Plain text is a private message to the bot: without a model, the offline engine says so.
      expect(stdout).toMatch(/bot> [^\n]*offline engine[^\n]*no model is set up for chatting/i);
      expect(stdout).toContain("bot> language = en  (en | es)");
      // A terminal cannot send a picture: /caption says so rather than asking for one.
      expect(stdout).toContain("bot> /caption needs a picture, and pictures can't be sent here.");
      // The meme is answered by the worker, by the built-in engine, and says so; its picture is saved.
      expect(stdout).toContain(
        "bot> wen lambo\nbot> (offline meme: no model endpoint is configured; picked and written by the built-in engine, not the AI model)",
      );
      const saved = /bot> \[picture\] (.+\.jpeg)/.exec(stdout)?.[1] ?? "";
      expect(saved.startsWith(join(dataDir, "memes"))).toBe(true);
      expect((await stat(saved)).size).toBeGreaterThan(10_000);
      expect(stdout).toMatch(/bot> \[🔁 Another one\] → \/meme again console:/);
      // Logs stay off stdout so the conversation reads cleanly.
      expect(stdout).not.toContain('"level"');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("GIVEN an invalid environment THEN exits 1 naming every wrong variable", async () => {
    const { code, stderr } = await pnpmStart("", {
      HTTP_PORT: "eighty",
      REDIS_URL: "http://nope",
      LLM_TIMEOUT_MS: "-5",
    });
    expect(code).toBe(1);
    expect(stderr).toContain("HTTP_PORT");
    expect(stderr).toContain("REDIS_URL must be a redis:// or rediss:// URL");
    expect(stderr).toContain("LLM_TIMEOUT_MS");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
