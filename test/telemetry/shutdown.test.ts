import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createLogger, createShutdown } from "@memebot/telemetry";
import type { ShutdownOptions } from "@memebot/telemetry";
import { createMemoryDestination } from "./memory-destination.ts";

function setup(overrides: Partial<ShutdownOptions> = {}) {
  const destination = createMemoryDestination();
  const logger = createLogger({ level: "debug", secrets: [], destination });
  const exitCodes: number[] = [];
  const shutdown = createShutdown({
    logger,
    timeoutMs: 1_000,
    exit: (code) => exitCodes.push(code),
    ...overrides,
  });
  return { shutdown, exitCodes, destination };
}

describe("createShutdown", () => {
  it("closes steps in reverse order of registration and exits 0", async () => {
    const { shutdown, exitCodes } = setup();
    const closed: string[] = [];
    for (const name of ["redis", "queue", "http", "bot"]) {
      shutdown.add(name, async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        closed.push(name);
      });
    }
    await shutdown.run("test");
    expect(closed).toEqual(["bot", "http", "queue", "redis"]);
    expect(exitCodes).toEqual([0]);
  });

  it("logs a failing step and still closes the rest", async () => {
    const { shutdown, exitCodes, destination } = setup();
    const closed: string[] = [];
    shutdown.add("redis", async () => {
      closed.push("redis");
    });
    shutdown.add("queue", async () => {
      throw new Error("queue close failed");
    });
    shutdown.add("http", async () => {
      closed.push("http");
    });
    await shutdown.run("test");
    expect(closed).toEqual(["http", "redis"]);
    expect(exitCodes).toEqual([0]);
    const failure = destination.records().find((record) => record.msg === "shutdown step failed");
    expect(failure).toMatchObject({ step: "queue", err: { message: "queue close failed" } });
  });

  it("gives a slow step a deadline and a signal, so the steps after it still run within the budget", async () => {
    const { shutdown, exitCodes, destination } = setup({ timeoutMs: 1_000 });
    const closed: string[] = [];
    let abortedAfterMs: number | undefined;
    shutdown.add("database", async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      closed.push("database");
    });
    shutdown.add("redis", async () => {
      closed.push("redis");
    });
    // Like a chat adapter waiting for answers that never come: it lets go once told to.
    shutdown.add("telegram", async (signal) => {
      const startedAt = performance.now();
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
      abortedAfterMs = performance.now() - startedAt;
      closed.push("telegram");
    });
    const startedAt = performance.now();
    await shutdown.run("test");
    const elapsed = performance.now() - startedAt;

    expect(closed).toEqual(["telegram", "redis", "database"]);
    expect(exitCodes).toEqual([0]);
    // Told to wrap up with room left for the two later steps (a reserve of 1000 / (2 × 3) ms each).
    expect(abortedAfterMs).toBeGreaterThan(500);
    expect(abortedAfterMs).toBeLessThan(1_000 - 2 * 166);
    expect(elapsed).toBeLessThan(1_000);
    expect(
      destination
        .records()
        .filter((record) => record.msg === "shutdown step done")
        .map((record) => record.step),
    ).toEqual(["telegram", "redis", "database"]);
  });

  it("leaves a step that ignores its signal behind at its deadline, runs the rest, and exits 1", async () => {
    const { shutdown, exitCodes, destination } = setup({ timeoutMs: 200 });
    let laterStepRan = false;
    shutdown.add("redis", async () => {
      laterStepRan = true;
    });
    shutdown.add("worker", () => new Promise(() => {}));
    const startedAt = performance.now();
    await shutdown.run("test");
    const elapsed = performance.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(100);
    expect(elapsed).toBeLessThan(200);
    expect(exitCodes).toEqual([1]);
    expect(laterStepRan).toBe(true);
    const records = destination.records();
    expect(records.find((record) => record.msg === "shutdown step abandoned at its deadline")).toMatchObject({
      step: "worker",
    });
    expect(records.at(-1)).toMatchObject({
      msg: "shutdown complete, with steps left unfinished",
      abandoned: ["worker"],
    });
  });

  it("runs only once when called twice, logging the second call", async () => {
    const { shutdown, exitCodes, destination } = setup();
    let closes = 0;
    shutdown.add("http", async () => {
      closes += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    const first = shutdown.run("first");
    const second = shutdown.run("second");
    await Promise.all([first, second]);
    await shutdown.run("third");
    expect(closes).toBe(1);
    expect(exitCodes).toEqual([0]);
    const ignored = destination
      .records()
      .filter((record) => record.msg === "shutdown already running; ignoring");
    expect(ignored.map((record) => record.reason)).toEqual(["second", "third"]);
  });

  it("starts on a signal and ignores a second signal during shutdown", async () => {
    const signalSource = new EventEmitter();
    const { shutdown, exitCodes, destination } = setup({ signalSource, signals: ["SIGTERM", "SIGINT"] });
    let closes = 0;
    let finish: () => void = () => {};
    shutdown.add("bot", () => {
      closes += 1;
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    });
    shutdown.installSignalHandlers();

    signalSource.emit("SIGTERM");
    signalSource.emit("SIGINT");
    finish();
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(closes).toBe(1);
    expect(exitCodes).toEqual([0]);
    const records = destination.records();
    expect(records.find((record) => record.msg === "shutting down")).toMatchObject({
      reason: "signal SIGTERM",
    });
    expect(records.find((record) => record.msg === "shutdown already running; ignoring")).toMatchObject({
      reason: "signal SIGINT",
    });
  });

  it("does not run a step registered after shutdown began", async () => {
    const { shutdown, destination } = setup();
    const running = shutdown.run("test");
    let lateRan = false;
    shutdown.add("late", async () => {
      lateRan = true;
    });
    await running;
    expect(lateRan).toBe(false);
    expect(destination.records().some((record) => record.step === "late" && record.level === 40)).toBe(true);
  });

  describe("in a real process", () => {
    const child = fileURLToPath(new URL("./fixtures/shutdown-child.ts", import.meta.url));
    const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));

    async function runChild(args: string[]) {
      const proc = spawn(tsx, [child, ...args], { stdio: ["ignore", "pipe", "inherit"] });
      let output = "";
      proc.stdout.setEncoding("utf8");
      await new Promise<void>((resolve) => {
        proc.stdout.on("data", (chunk: string) => {
          output += chunk;
          if (output.includes('"msg":"ready"')) resolve();
        });
      });
      proc.kill("SIGTERM");
      const code = await new Promise<number | null>((resolve) =>
        proc.on("exit", (exitCode) => resolve(exitCode)),
      );
      const messages = output
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      return { code, messages };
    }

    it("closes everything on SIGTERM and exits 0", async () => {
      const { code, messages } = await runChild([]);
      expect(code).toBe(0);
      expect(messages.filter((m) => m.msg === "shutdown step done").map((m) => m.step)).toEqual([
        "worker",
        "server",
      ]);
      expect(messages.at(-1)?.msg).toBe("shutdown complete");
    });

    it("exits 1 when a step hangs past its deadline, after closing the rest", async () => {
      const { code, messages } = await runChild(["--hang"]);
      expect(code).toBe(1);
      expect(messages.find((m) => m.msg === "shutdown step abandoned at its deadline")).toMatchObject({
        step: "worker",
      });
      expect(messages.filter((m) => m.msg === "shutdown step done").map((m) => m.step)).toEqual(["server"]);
      expect(messages.at(-1)).toMatchObject({ abandoned: ["worker"] });
    });
  });
});
