import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger, createMetrics, startHttpServer } from "@memebot/telemetry";
import type { HttpServerOptions, RunningHttpServer } from "@memebot/telemetry";
import { createMemoryDestination } from "./memory-destination.ts";

const running: RunningHttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(overrides: Partial<HttpServerOptions> = {}) {
  const destination = createMemoryDestination();
  const logger = createLogger({ level: "debug", secrets: ["s3cret-value-123"], destination });
  const server = await startHttpServer({
    port: 0,
    host: "127.0.0.1",
    logger,
    health: async () => ({ redis: true, database: true }),
    ...overrides,
  });
  running.push(server);
  return { server, destination };
}

describe("startHttpServer", () => {
  it("listens on an ephemeral port and reports it", async () => {
    const { server } = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
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
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });

  it("serves /metrics only with the bearer token when one is set, asking for it with 401", async () => {
    const metrics = createMetrics({ collectDefault: false });
    metrics.commandsTotal.inc({ platform: "telegram", command: "start", outcome: "ok" });
    const token = "metrics-token-0123456789abcdef";
    const { server } = await start({ metrics, metricsToken: token });
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
  });

  it("serves no /health when it has no health function, as a listener for metrics alone", async () => {
    const server = await startHttpServer({
      port: 0,
      host: "127.0.0.1",
      logger: createLogger({ level: "silent", secrets: [] }),
      metrics: createMetrics({ collectDefault: false }),
    });
    running.push(server);
    expect((await fetch(`${server.url}/health`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });

  it("routes a custom POST by method and path and lets the handler read the body", async () => {
    const { server } = await start({
      routes: [
        {
          method: "POST",
          path: "/telegram/webhook",
          async handler(req, res) {
            const chunks: Buffer[] = [];
            for await (const chunk of req) chunks.push(chunk as Buffer);
            const update = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { update_id: number };
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ received: update.update_id }));
          },
        },
      ],
    });
    const response = await fetch(`${server.url}/telegram/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ update_id: 991 }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: 991 });
    // The same path with another method is not routed.
    expect((await fetch(`${server.url}/telegram/webhook`)).status).toBe(404);
  });

  it("answers unknown paths with a 404 JSON body", async () => {
    const { server } = await start();
    const response = await fetch(`${server.url}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({ error: "not_found" });
  });

  it("answers 500 without the error text when a handler throws, and logs the error scrubbed", async () => {
    const { server, destination } = await start({
      routes: [
        {
          method: "GET",
          path: "/boom",
          handler() {
            throw new Error("exploded with s3cret-value-123 inside");
          },
        },
      ],
    });
    const response = await fetch(`${server.url}/boom`);
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({ error: "internal_error" });
    expect(body).not.toContain("exploded");
    const logged = destination.records().find((record) => record.msg === "http handler failed");
    expect(logged).toMatchObject({ path: "/boom", err: { message: "exploded with [redacted] inside" } });
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
});
