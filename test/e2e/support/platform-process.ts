// Starts the platform the way users do: the exact command line of a package.json
// script (`pnpm start`, `start:bot`, `start:worker`), run without pnpm's wrapper
// process so a test can SIGKILL the real process.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const scripts = (
  JSON.parse(readFileSync(`${repoRoot}package.json`, "utf8")) as { scripts: Record<string, string> }
).scripts;

export type PlatformScript = "start" | "start:bot" | "start:worker";

export interface PlatformProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Parsed JSON log lines so far (stdout, or stderr in console mode). */
  logs(): Array<Record<string, unknown>>;
  waitForLog(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  waitForExit(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The HTTP port it reported at start. */
  port(): Promise<number>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startPlatform(
  script: PlatformScript,
  env: Record<string, string | undefined>,
  options: { stdin?: string; nodeArgs?: string[] } = {},
): PlatformProcess {
  const commandLine = scripts[script];
  if (!commandLine) throw new Error(`package.json has no "${script}" script`);
  // The scripts are `<migrate step> && exec node …`: run them through sh as pnpm does; `exec`
  // makes the platform process take over the shell's pid, so signals reach it directly.
  // Extra flags for node itself (e.g. --cpu-prof, which NODE_OPTIONS refuses) go after `exec node`.
  const line = options.nodeArgs?.length
    ? commandLine.replace(/exec node /, `exec node ${options.nodeArgs.join(" ")} `)
    : commandLine;
  const child = spawn("sh", ["-c", line], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HTTP_PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((waiter) => waiter());
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    notify();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    notify();
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  child.on("exit", (code, signal) => {
    exited = { code, signal };
    notify();
  });
  if (options.stdin !== undefined) child.stdin.end(options.stdin);

  const logs = () =>
    `${stdout}\n${stderr}`
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });

  function until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value !== undefined) {
          cleanup();
          resolve(value);
        } else if (exited && what !== "exit") {
          cleanup();
          reject(
            new Error(`${script} exited (${JSON.stringify(exited)}) before ${what}\n${stdout}\n${stderr}`),
          );
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what} from ${script}\n${stdout}\n${stderr}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(attempt);
      };
      waiters.add(attempt);
      attempt();
    });
  }

  const process_: PlatformProcess = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    logs,
    waitForLog: (predicate, timeoutMs = 30_000) =>
      until(() => logs().find(predicate), timeoutMs, "a log line"),
    waitForExit: (timeoutMs = 30_000) => until(() => exited, timeoutMs, "exit"),
    async port() {
      const started = await process_.waitForLog((line) => line.msg === "started");
      return Number(started.port);
    },
    async stop(signal = "SIGTERM") {
      if (exited) return;
      child.kill(signal);
      await process_.waitForExit(20_000).catch(() => child.kill("SIGKILL"));
    },
  };
  return process_;
}
