import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger, createMetrics } from "@memebot/telemetry";
import { startWebServer, type RunningWebServer, type WebServerOptions } from "@memebot/web";
import { createMemoryDestination } from "../telemetry/memory-destination.ts";

const running: RunningWebServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

let staticRoot: string;
beforeAll(async () => {
  staticRoot = await mkdtemp(join(tmpdir(), "memebot-web-"));
  await writeFile(join(staticRoot, "page.html"), "<!doctype html><title>verify</title><p>hello</p>\n");
  await writeFile(join(staticRoot, ".env"), "SECRET=1\n");
});
afterAll(async () => {
  await rm(staticRoot, { recursive: true, force: true });
});

async function start(overrides: Partial<WebServerOptions> = {}) {
  const destination = createMemoryDestination();
  const logger = createLogger({ level: "debug", secrets: ["s3cret-value-123"], destination });
  const server = await startWebServer({
    port: 0,
    host: "127.0.0.1",
    logger,
    health: async () => ({ redis: true, database: true }),
    staticRoot,
    ...overrides,
  });
  running.push(server);
  return { server, destination };
}

describe("startWebServer", () => {
  it("listens on an ephemeral port and reports it", async () => {
    const { server, destination } = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(destination.records()).toContainEqual(
      expect.objectContaining({ msg: "http server listening", url: server.url }),
    );
  });

  it("answers /health with 200 when every check passes", async () => {
    const { server } = await start();
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", checks: { redis: "ok", database: "ok" } });
  });

  it("answers /health with 503 naming the failing check, and logs the reason instead of answering it", async () => {
    const { server, destination } = await start({
      health: async () => ({
        redis: true,
        database: "connect ECONNREFUSED db.internal:5432 as memebot with s3cret-value-123",
      }),
    });
    const response = await fetch(`${server.url}/health?verbose=1`);
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({ status: "degraded", checks: { redis: "ok", database: "fail" } });
    expect(body).not.toContain("db.internal");
    const logged = destination.records().find((record) => record.msg === "health check failing");
    expect(logged).toMatchObject({
      failing: { database: "connect ECONNREFUSED db.internal:5432 as memebot with [redacted]" },
    });
  });

  it("answers /health with 503 without the error text when the health function throws", async () => {
    const { server, destination } = await start({
      health: async () => {
        throw new Error("password s3cret-value-123 rejected");
      },
    });
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({ status: "degraded", checks: { health: "fail" } });
    expect(body).not.toContain("s3cret");
    expect(destination.text()).toContain("password [redacted] rejected");
  });

  it("answers /health with 503 when the health function hangs past its timeout", async () => {
    const { server } = await start({ health: () => new Promise(() => {}), healthTimeoutMs: 50 });
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "degraded", checks: { health: "fail" } });
  });

  it("serves Prometheus metrics at /metrics", async () => {
    const metrics = createMetrics({ collectDefault: false });
    metrics.commandsTotal.inc({ platform: "telegram", command: "start", outcome: "ok" });
    const { server } = await start({ metrics });
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    expect(await response.text()).toContain(
      'memebot_commands_total{platform="telegram",command="start",outcome="ok"} 1',
    );
  });

  it("has no /metrics route when no metrics are given", async () => {
    const { server } = await start();
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "not_found" });
  });

  it("serves /metrics only with the bearer token when one is set, asking for it with 401", async () => {
    const metrics = createMetrics({ collectDefault: false });
    metrics.commandsTotal.inc({ platform: "telegram", command: "start", outcome: "ok" });
    const token = "metrics-token-0123456789abcdef";
    const { server, destination } = await start({ metrics, metricsToken: token });
    const scrape = (authorization?: string) =>
      fetch(`${server.url}/metrics`, authorization ? { headers: { authorization } } : {});

    for (const refused of [
      await scrape(),
      await scrape(`Bearer ${token.slice(0, -1)}`),
      await scrape(`Bearer ${token}x`),
      await scrape(`Basic ${Buffer.from(`user:${token}`).toString("base64")}`),
      await scrape(token),
    ]) {
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
      expect(await refused.text()).not.toContain("memebot_commands_total");
    }
    const allowed = await scrape(`Bearer ${token}`);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain(
      'memebot_commands_total{platform="telegram",command="start",outcome="ok"} 1',
    );
    // Health stays open: load balancers probe it without credentials.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(destination.text()).not.toContain(token.slice(0, -1));
  });

  it("serves no /health and no static files as a listener for metrics alone", async () => {
    const server = await startWebServer({
      port: 0,
      host: "127.0.0.1",
      logger: createLogger({ level: "silent", secrets: [] }),
      metrics: createMetrics({ collectDefault: false }),
      staticRoot: false,
    });
    running.push(server);
    expect((await fetch(`${server.url}/health`)).status).toBe(404);
    expect((await fetch(`${server.url}/static/page.html`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });

  it("serves a static page under /static/ with a strict Content-Security-Policy and the security headers", async () => {
    const { server } = await start();
    const response = await fetch(`${server.url}/static/page.html`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("<p>hello</p>");

    const csp = Object.fromEntries(
      (response.headers.get("content-security-policy") ?? "")
        .split(";")
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name = "", ...sources]) => [name, sources]),
    );
    expect(csp).toMatchObject({
      "default-src": ["'self'"],
      "script-src": ["'self'"],
      "script-src-attr": ["'none'"],
      "style-src": ["'self'"],
      "object-src": ["'none'"],
      "base-uri": ["'none'"],
      "frame-ancestors": ["'none'"],
      "form-action": ["'self'"],
    });
    // No source anywhere allows inline code, eval or another origin's scripts.
    const sources = Object.values(csp).flat();
    expect(sources).not.toContain("'unsafe-inline'");
    expect(sources).not.toContain("'unsafe-eval'");
    expect(sources.filter((source) => /^(https?:|\*)/.test(source))).toEqual([]);

    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(response.headers.get("x-powered-by")).toBeNull();
  });

  it("serves no dotfiles and no directory listing under /static/", async () => {
    const { server } = await start();
    expect((await fetch(`${server.url}/static/.env`)).status).toBe(404);
    const directory = await fetch(`${server.url}/static/`);
    expect([403, 404]).toContain(directory.status);
    expect(await directory.text()).not.toContain("page.html");
    expect((await fetch(`${server.url}/static/../package.json`)).status).toBe(404);
  });

  it("answers 429 with Retry-After once a client passes the limit, and keeps /health open for probes", async () => {
    const { server } = await start({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await fetch(`${server.url}/static/page.html`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await fetch(`${server.url}/static/page.html`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toEqual({ error: "rate_limited" });
    // Paths that do not exist count too: nobody probes for pages at full speed.
    expect((await fetch(`${server.url}/nope`)).status).toBe(429);
    for (let i = 0; i < 5; i += 1) expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it("mounts feature routes, which the limit, headers and error answers cover", async () => {
    const { server, destination } = await start({
      routes: [
        async (app) => {
          app.post("/feature/echo", async (request) => ({ received: request.body }));
          app.get("/feature/boom", async () => {
            throw new Error("exploded with s3cret-value-123 inside");
          });
        },
      ],
    });
    const echoed = await fetch(`${server.url}/feature/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ update_id: 991 }),
    });
    expect(echoed.status).toBe(200);
    expect(await echoed.json()).toEqual({ received: { update_id: 991 } });
    expect(echoed.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(echoed.headers.get("x-ratelimit-limit")).toBe("120");
    // The same path with another method is not routed.
    expect((await fetch(`${server.url}/feature/echo`)).status).toBe(404);

    const failed = await fetch(`${server.url}/feature/boom`);
    expect(failed.status).toBe(500);
    const body = await failed.text();
    expect(JSON.parse(body)).toEqual({ error: "internal_error" });
    expect(body).not.toContain("exploded");
    const logged = destination.records().find((record) => record.msg === "http handler failed");
    expect(logged).toMatchObject({
      path: "/feature/boom",
      err: { message: "exploded with [redacted] inside" },
    });
  });

  it("answers 400 to malformed JSON and 413 to a body over the limit, with ids instead of error text", async () => {
    const { server } = await start({
      bodyLimit: 1024,
      routes: [
        async (app) => void app.post("/feature/echo", async (request) => ({ received: request.body })),
      ],
    });
    const post = (body: string) =>
      fetch(`${server.url}/feature/echo`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
    const malformed = await post("{not json");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: "bad_request" });
    const large = await post(JSON.stringify({ text: "a".repeat(2048) }));
    expect(large.status).toBe(413);
    expect(await large.json()).toEqual({ error: "payload_too_large" });
  });

  it("logs each request by method, route and path, without its query string or credential headers", async () => {
    const metrics = createMetrics({ collectDefault: false });
    const token = "metrics-token-0123456789abcdef";
    const { server, destination } = await start({ metrics, metricsToken: token });
    await fetch(`${server.url}/static/page.html?session=abc123&sig=deadbeef`, {
      headers: {
        authorization: "Bearer abcdefghijklmnopqrstuvwxyz0123456789",
        cookie: "sid=topsecretcookie",
      },
    });
    await fetch(`${server.url}/metrics?x=1`, { headers: { authorization: `Bearer ${token}` } });
    const lines = destination.records().filter((record) => String(record.msg).startsWith("http request"));
    expect(lines).toContainEqual(
      expect.objectContaining({ method: "GET", route: "/static/*", path: "/static/page.html", status: 200 }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ method: "GET", route: "/metrics", path: "/metrics", status: 200, level: 20 }),
    );
    const text = destination.text();
    for (const leak of [
      "session=",
      "abc123",
      "deadbeef",
      "abcdefghijklmnopqrstuvwxyz",
      "topsecretcookie",
      token,
    ]) {
      expect(text).not.toContain(leak);
    }
  });

  it("closes promptly while a keep-alive connection sits idle, then refuses new connections", async () => {
    const { server } = await start();
    running.splice(running.indexOf(server), 1);
    // A keep-alive client holds its socket open after the response; close() must not wait for it to time out.
    const agentResponse = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/health`, { headers: { connection: "keep-alive" } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });
    expect(agentResponse).toBe(200);

    const startedAt = performance.now();
    await server.close();
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it("cuts off a request still being answered once the shutdown signal aborts", async () => {
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const { server } = await start({
      routes: [
        async (app) =>
          void app.get("/feature/slow", () => {
            entered();
            return new Promise(() => {});
          }),
      ],
    });
    running.splice(running.indexOf(server), 1);
    const slow = fetch(`${server.url}/feature/slow`).then(
      () => "answered",
      () => "cut off",
    );
    await inHandler;
    const controller = new AbortController();
    const closing = server.close(controller.signal);
    controller.abort();
    await closing;
    expect(await slow).toBe("cut off");
  });
});
