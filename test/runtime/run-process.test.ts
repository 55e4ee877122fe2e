// runProcess as real processes: a fixture entry point with small components, started with
// the environment each case needs, on the real Redis and this run's PostgreSQL database.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { deletePrefix, REDIS_URL, uniquePrefix } from "../jobs/support.ts";
import { testDatabaseUrl } from "../support/database.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const fixtureProcess = fileURLToPath(new URL("./fixtures/fixture-process.ts", import.meta.url));
const openInfrastructureFixture = fileURLToPath(
  new URL("./fixtures/open-infrastructure.ts", import.meta.url),
);

const TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ";
const LLM_API_KEY = "sk-fixture-key-20261125";
const DB_PASSWORD = "Db-Pass-4242";
const INTERACTION_TOKEN = "aW50ZXJhY3Rpb246OTk5OnJ1bi1wcm9jZXNzLWZpeHR1cmUtdG9rZW4";

const prefix = uniquePrefix();
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
const children: ChildProcess[] = [];
const servers: Server[] = [];

afterEach(async () => {
  // A test that failed half-way must not leave its process running.
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

/** What a healthy deployment would set; each case adds or overrides variables. */
function goodEnv(): Record<string, string> {
  return {
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    HTTP_PORT: "0",
    HTTP_HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    SHUTDOWN_TIMEOUT_MS: "5000",
  };
}

interface LogLine {
  msg: string;
  level: number;
  [key: string]: unknown;
}

function start(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // "close" waits for the pipes to drain, so the output is complete when it fires.
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const logLines = (): LogLine[] =>
    stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as LogLine);
  return { child, exited, logLines, stdout: () => stdout, stderr: () => stderr };
}

type Started = ReturnType<typeof start>;

/** Waits for the "started" log line and returns the port it names. */
async function startedPort(process: Started): Promise<number> {
  const line = await vi.waitFor(
    () => {
      if (process.child.exitCode !== null) throw new Error(`exited early: ${process.stderr()}`);
      const started = process.logLines().find((entry) => entry.msg === "started");
      expect(started).toBeDefined();
      return started as LogLine & { port: number };
    },
    { timeout: 20_000, interval: 50 },
  );
  return line.port;
}

const stoppedComponents = (process: Started) =>
  process
    .logLines()
    .filter((entry) => entry.msg === "component stopped")
    .map((entry) => entry.component);
const shutdownSteps = (process: Started) =>
  process
    .logLines()
    .filter((entry) => entry.msg === "shutdown step done")
    .map((entry) => entry.step);
const STACK_TRACE = /\n\s+at /;

describe("runProcess", () => {
  it("exits 1 naming every wrong variable, without a stack trace or the values", async () => {
    const fixture = start(fixtureProcess, [], {
      HTTP_PORT: "abc",
      REDIS_URL: "http://x",
      TELEGRAM_BOT_TOKEN: "leaked-not-a-token",
    });
    expect(await fixture.exited).toBe(1);

    const stderr = fixture.stderr();
    expect(stderr).toContain("fixture: Invalid environment:");
    expect(stderr).toContain("  - HTTP_PORT must be a whole number");
    expect(stderr).toContain("  - REDIS_URL must be a redis:// or rediss:// URL");
    expect(stderr).toContain("  - TELEGRAM_BOT_TOKEN must look like 123456:ABC-DEF… (from @BotFather)");
    expect(stderr).toContain("See .env.example for every variable.");
    expect(stderr).not.toContain("leaked-not-a-token");
    expect(stderr).not.toMatch(STACK_TRACE);
    expect(fixture.stdout()).toBe("");
  });

  it("exits 1 saying Redis cannot be reached, with the password hidden", async () => {
    const fixture = start(fixtureProcess, [], {
      ...goodEnv(),
      REDIS_URL: "redis://:redis-pass-4242@127.0.0.1:1",
    });
    expect(await fixture.exited).toBe(1);

    const stderr = fixture.stderr();
    expect(stderr).toContain("fixture: cannot start: Cannot reach Redis at redis://:***@127.0.0.1:1");
    expect(stderr).not.toContain("redis-pass-4242");
    expect(stderr).not.toMatch(STACK_TRACE);
    expect(fixture.logLines().find((entry) => entry.msg === "started")).toBeUndefined();
  });

  it("serves health, metrics and component routes, and stops in reverse order on SIGTERM", async () => {
    const fixture = start(fixtureProcess, ["steady"], goodEnv());
    const port = await startedPort(fixture);
    expect(port).toBeGreaterThan(0);
    const started = fixture.logLines().find((entry) => entry.msg === "started");
    expect(started).toMatchObject({ process: "fixture", components: ["first", "second"] });

    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      status: "ok",
      checks: { redis: "ok", database: "ok", first: "ok" },
    });
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    const text = await metrics.text();
    expect(text).toContain("# TYPE memebot_commands_total counter");
    expect(text).toContain("process_cpu_user_seconds_total");
    expect(await (await fetch(`http://127.0.0.1:${port}/fixture`)).text()).toBe("fixture route");

    fixture.child.kill("SIGTERM");
    expect(await fixture.exited).toBe(0);
    // Last started, first stopped: no requests while components wind down, the infrastructure last.
    expect(shutdownSteps(fixture)).toEqual(["http", "second", "first", "infrastructure"]);
    expect(stoppedComponents(fixture)).toEqual(["second", "first"]);
    expect(fixture.logLines().at(-1)?.msg, fixture.stdout()).toBe("shutdown complete");
    expect(fixture.stderr()).toBe("");
  });

  it("answers /health with check names and ok/fail only, and logs the failing reason", async () => {
    const fixture = start(fixtureProcess, ["unhealthy"], goodEnv());
    const port = await startedPort(fixture);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(503);
    const body = await health.text();
    expect(JSON.parse(body)).toEqual({
      status: "degraded",
      checks: { redis: "ok", database: "ok", first: "ok", queue: "fail" },
    });
    expect(body).not.toContain("10.0.7.3");
    expect(fixture.logLines().find((entry) => entry.msg === "health check failing")).toMatchObject({
      failing: { queue: "connect ECONNREFUSED 10.0.7.3:6379" },
    });
    fixture.child.kill("SIGTERM");
    expect(await fixture.exited).toBe(0);
  });

  it("serves /metrics only on METRICS_PORT and only with METRICS_TOKEN, /health only on HTTP_PORT", async () => {
    const token = "scrape-token-4f1c2a9e7b";
    const fixture = start(fixtureProcess, ["steady"], {
      ...goodEnv(),
      METRICS_PORT: "0",
      METRICS_HOST: "127.0.0.1",
      METRICS_TOKEN: token,
    });
    const port = await startedPort(fixture);
    const { metricsPort } = fixture.logLines().find((entry) => entry.msg === "started") as LogLine & {
      metricsPort: number;
    };
    expect(metricsPort).toBeGreaterThan(0);
    expect(metricsPort).not.toBe(port);

    const app = `http://127.0.0.1:${port}`;
    const scrape = `http://127.0.0.1:${metricsPort}/metrics`;
    expect((await fetch(`${app}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      404,
    );
    expect((await fetch(`${app}/health`)).status).toBe(200);
    expect(await (await fetch(`${app}/fixture`)).text()).toBe("fixture route");

    const anonymous = await fetch(scrape);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
    expect((await fetch(scrape, { headers: { authorization: "Bearer wrong-token-000000" } })).status).toBe(
      401,
    );
    const scraped = await fetch(scrape, { headers: { authorization: `Bearer ${token}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain("# TYPE memebot_commands_total counter");
    expect((await fetch(`http://127.0.0.1:${metricsPort}/health`)).status).toBe(404);

    fixture.child.kill("SIGTERM");
    expect(await fixture.exited).toBe(0);
    expect(shutdownSteps(fixture)).toEqual(["http", "second", "first", "metrics-http", "infrastructure"]);
    // The token never reaches the log.
    expect(fixture.stdout()).not.toContain(token);
  });

  it("gives a slow component's stop a deadline inside SHUTDOWN_TIMEOUT_MS, so Redis and the database still close and it exits 0", async () => {
    const fixture = start(fixtureProcess, ["slow-stop"], { ...goodEnv(), SHUTDOWN_TIMEOUT_MS: "1500" });
    await startedPort(fixture);
    const signalledAt = performance.now();
    fixture.child.kill("SIGTERM");
    expect(await fixture.exited).toBe(0);
    // Node's own exit adds a little to the budget; far less than the budget itself.
    expect(performance.now() - signalledAt).toBeLessThan(1500 + 700);
    expect(shutdownSteps(fixture)).toEqual(["http", "slow", "first", "infrastructure"]);
    const slow = fixture
      .logLines()
      .find((entry) => entry.msg === "shutdown step done" && entry.step === "slow");
    expect(slow?.ms).toBeLessThan(1500);
    expect(fixture.logLines().at(-1)?.msg, fixture.stdout()).toBe("shutdown complete");
  });

  it("leaves a stop that never returns behind at its deadline, closes the rest, and exits 1", async () => {
    const fixture = start(fixtureProcess, ["stuck-stop"], { ...goodEnv(), SHUTDOWN_TIMEOUT_MS: "1500" });
    await startedPort(fixture);
    fixture.child.kill("SIGTERM");
    expect(await fixture.exited).toBe(1);
    expect(shutdownSteps(fixture)).toEqual(["http", "first", "infrastructure"]);
    expect(
      fixture.logLines().find((entry) => entry.msg === "shutdown step abandoned at its deadline"),
    ).toMatchObject({ step: "stuck" });
  });

  it("exits with the code of a component that finished by itself, after stopping everything", async () => {
    const fixture = start(fixtureProcess, ["finishes"], goodEnv());
    expect(await fixture.exited).toBe(3);

    expect(fixture.logLines().find((entry) => entry.msg === "shutting down")).toMatchObject({
      reason: "session finished",
    });
    expect(shutdownSteps(fixture)).toEqual(["http", "session", "first", "infrastructure"]);
    expect(fixture.logLines().at(-1)?.msg, fixture.stdout()).toBe("shutdown complete");
  });

  it("exits 1 after stopping everything when a component's done fails", async () => {
    const fixture = start(fixtureProcess, ["fails"], goodEnv());
    expect(await fixture.exited).toBe(1);

    const failure = fixture.logLines().find((entry) => entry.msg === "component failed");
    expect(failure).toMatchObject({ component: "session", err: { message: "session broke" } });
    expect(shutdownSteps(fixture)).toEqual(["http", "session", "first", "infrastructure"]);
  });

  it("exits 1 and stops what had started when the HTTP port is taken", async () => {
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as AddressInfo).port;

    const fixture = start(fixtureProcess, ["steady"], { ...goodEnv(), HTTP_PORT: String(port) });
    expect(await fixture.exited).toBe(1);

    const failure = fixture.logLines().find((entry) => entry.msg === "start-up failed");
    expect(failure).toMatchObject({ err: { code: "EADDRINUSE" } });
    expect(stoppedComponents(fixture)).toEqual(["second", "first"]);
    expect(shutdownSteps(fixture)).toEqual(["second", "first", "infrastructure"]);
    // The line saying how it ended is not lost to process.exit().
    expect(fixture.logLines().at(-1)?.msg, fixture.stdout()).toBe("shutdown complete");
  });

  it("never writes a secret from the environment to stdout or stderr", async () => {
    const databaseUrl = new URL(testDatabaseUrl());
    // PostgreSQL trusts local connections here, so any password gets in; the point is where it shows up.
    databaseUrl.password = DB_PASSWORD;
    const fixture = start(fixtureProcess, ["leaks-secrets", INTERACTION_TOKEN], {
      ...goodEnv(),
      DATABASE_URL: databaseUrl.toString(),
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      LLM_API_KEY,
    });
    const port = await startedPort(fixture);
    // A failing component's health reason quotes a token-bearing URL; neither the answer nor the log may.
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(503);
    const healthBody = await health.text();
    fixture.child.kill("SIGTERM");
    expect(await fixture.exited).toBe(0);

    const logged = fixture.logLines();
    expect(logged.find((entry) => entry.msg.startsWith("model refused key"))).toMatchObject({
      msg: "model refused key [redacted]",
      err: { message: "request to https://api.telegram.org/bot[redacted]/getMe failed" },
    });
    expect(logged.find((entry) => entry.msg === "shutdown step failed")).toMatchObject({ step: "leaky" });
    // The reason is logged, readable but scrubbed.
    expect(logged.find((entry) => entry.msg === "health check failing")).toMatchObject({
      failing: {
        leaky: expect.stringMatching(
          /\/bot\[redacted\]\/getUpdates; reply failed: PATCH https:\/\/discord\.com\/api\/v10\/webhooks\/42\/\[redacted\]\/messages\/@original$/,
        ),
      },
    });
    const output = fixture.stdout() + fixture.stderr() + healthBody;
    for (const secret of [
      TELEGRAM_TOKEN,
      "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ",
      LLM_API_KEY,
      DB_PASSWORD,
      INTERACTION_TOKEN,
    ]) {
      expect(output).not.toContain(secret);
    }
  });
});

describe("runProcess on an uncaught exception", () => {
  it("GIVEN a bug escaping every handler THEN logs it scrubbed, stops in order and exits 1", async () => {
    const fixture = start(fixtureProcess, ["crashes"], { ...goodEnv(), TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN });
    expect(await fixture.exited).toBe(1);
    const logged = fixture.logLines();
    expect(logged.find((entry) => entry.msg === "uncaught exception")).toMatchObject({
      err: { message: "unexpected reply from bot[redacted]/getMe" },
    });
    expect(logged.at(-1)?.msg).toBe("shutdown complete");
    expect(fixture.stdout() + fixture.stderr()).not.toContain(TELEGRAM_TOKEN);
  });
});

describe("openInfrastructure", () => {
  it("closes its Redis connections when the database cannot be opened", async () => {
    const missing = new URL(testDatabaseUrl());
    missing.pathname = "/memebot_no_such_database";
    const fixture = start(openInfrastructureFixture, [], {
      DATABASE_URL: missing.toString(),
      REDIS_URL,
      QUEUE_PREFIX: prefix,
    });
    // Nothing left open: the process ends by itself.
    expect(await fixture.exited).toBe(0);
    expect(fixture.stdout()).toMatch(
      /^failed: Cannot reach PostgreSQL at postgres:\/\/.*memebot_no_such_database/,
    );
  });
});
