import { request } from "node:http";
import { startWebServer, type RunningWebServer, type WebServerOptions } from "@memebot/web";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../../fakes/telegram/server.ts";
import { textMessageUpdate } from "../../fakes/telegram/updates.ts";
import { uniqueTelegramBot, uniqueTelegramUserId } from "../../support/unique-ids.ts";
import { startHarness, type Harness } from "./harness.ts";

const WEBHOOK = {
  url: "https://bot.example.test/telegram/updates",
  secret: "s3cret_Token-42-of-at-least-32-chars",
};

interface RawDelivery {
  status: number;
  /** Body bytes the client had written when the answer came. */
  written: number;
}

/**
 * POSTs a body in the given pieces, each written after a pause so the server reads it as a chunk
 * of its own. Without a Content-Length the body goes chunked. With `keepWriting`, the pieces are
 * written in a loop until the server answers (or `maxBytes` went out). Resolves with the answer
 * as soon as it arrives, while the request may still be open, as an impatient server gives it.
 */
function postRaw(
  url: string,
  pieces: readonly Buffer[],
  options: { contentLength?: number; gapMs?: number; keepWriting?: boolean; maxBytes?: number } = {},
): Promise<RawDelivery> {
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "x-telegram-bot-api-secret-token": WEBHOOK.secret,
  };
  if (options.contentLength !== undefined) headers["content-length"] = options.contentLength;
  const gapMs = options.gapMs ?? 20;
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = request(url, { method: "POST", headers }, (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0, written });
      // What is left of the body is not wanted any more.
      res.on("end", () => req.destroy());
    });
    // The server may close the connection on a body it refused; the answer already counts.
    req.on("error", (error) => (answered ? undefined : reject(error)));
    void (async () => {
      do {
        for (const piece of pieces) {
          if (answered || req.destroyed || written >= maxBytes) return;
          req.write(piece);
          written += piece.length;
          await new Promise((wait) => setTimeout(wait, gapMs));
        }
      } while (options.keepWriting);
      if (!answered && !req.destroyed && options.contentLength === undefined) req.end();
    })();
  });
}

/** Serves the adapter's webhook on the web server, as the bot process does (HTTP_PORT). */
async function serve(
  harness: Harness,
  options: Pick<WebServerOptions, "rateLimit"> = {},
): Promise<{ url: string; server: RunningWebServer }> {
  const routes = harness.adapter.webhookRoutes;
  if (!routes) throw new Error("webhook mode must expose its routes");
  const server = await startWebServer({
    port: 0,
    host: "127.0.0.1",
    logger: harness.core.logger,
    routes: [routes],
    staticRoot: false,
    ...options,
  });
  return { url: `${server.url}${new URL(WEBHOOK.url).pathname}`, server };
}

// A user and a bot of each test's own: the database they write to is shared by the whole run.
let alice: { id: number; username: string; first_name: string };
let dm: { id: number; type: "private" };
let fake: FakeTelegram;
let replicas: Harness[];
let servers: RunningWebServer[];
beforeEach(async () => {
  alice = { id: uniqueTelegramUserId(), username: "alice", first_name: "Alice" };
  dm = { id: alice.id, type: "private" };
  fake = await startFakeTelegram({ bot: uniqueTelegramBot() });
  replicas = [];
  servers = [];
});
afterEach(async () => {
  for (const replica of replicas) await replica.close();
  for (const server of servers) await server.close();
  await fake.close();
});

/** One bot replica in webhook mode; replicas started with the same prefix share the gate. */
async function startReplica(prefix?: string) {
  const harness = await startHarness({ fake, webhook: WEBHOOK, ...(prefix ? { prefix } : {}) });
  replicas.push(harness);
  await harness.adapter.start();
  const served = await serve(harness);
  servers.push(served.server);
  return { harness, url: served.url };
}

describe("telegram adapter (webhook mode)", () => {
  it("sets the webhook with its secret at start and serves the URL's path", async () => {
    const { harness, url } = await startReplica();
    expect(fake.webhookUrl).toBe(WEBHOOK.url);
    expect(fake.callsOf("setWebhook")[0]?.params).toMatchObject({
      url: WEBHOOK.url,
      secret_token: WEBHOOK.secret,
      allowed_updates: ["message", "callback_query", "chat_join_request", "chat_member"],
      drop_pending_updates: false,
    });
    expect(fake.callsOf("getUpdates")).toHaveLength(0);
    expect(fake.callsOf("setMyCommands").length).toBeGreaterThan(0);
    // The URL's path takes POSTed updates (an edit, skipped); no other path or method is routed.
    const { message } = textMessageUpdate({ chat: dm, from: alice, text: "/start" });
    const update = { edited_message: { ...message, edit_date: message.date + 5 } };
    expect((await fake.postWebhook(url, update, WEBHOOK.secret)).status).toBe(200);
    const elsewhere = url.replace("/telegram/updates", "/telegram/other");
    expect((await fake.postWebhook(elsewhere, update, WEBHOOK.secret)).status).toBe(404);
    expect((await fetch(url)).status).toBe(404);
    expect(harness.samples).toMatchObject([{ result: "skipped" }]);
  });

  it("dispatches an update carrying the right secret and answers through the API", async () => {
    const { harness, url } = await startReplica();
    const update = textMessageUpdate({ chat: dm, from: alice, text: "/start" });
    const delivery = await fake.postWebhook(url, update, WEBHOOK.secret);
    expect(delivery.status).toBe(200);
    // webhookReply is off: nothing rides in the HTTP response, the answer is a real sendMessage call.
    expect(delivery.reply).toBeUndefined();
    const sent = await fake.waitForCall("sendMessage");
    expect(sent.params).toMatchObject({
      chat_id: alice.id,
      reply_parameters: { message_id: update.message.message_id },
    });
    expect(sent.params.text).toContain("gm Alice!");
    await vi.waitFor(() =>
      expect(harness.samples).toMatchObject([{ updateId: update.update_id, result: "reply" }]),
    );
  });

  it("rejects a wrong or missing secret without dispatching", async () => {
    const { harness, url } = await startReplica();
    const wrong = await fake.postWebhook(
      url,
      textMessageUpdate({ chat: dm, from: alice, text: "/start" }),
      "nope",
    );
    const missing = await fake.postWebhook(url, textMessageUpdate({ chat: dm, from: alice, text: "/start" }));
    expect([wrong.status, missing.status]).toEqual([403, 403]);
    expect(harness.samples).toHaveLength(0);
    expect(fake.callsOf("sendMessage")).toHaveLength(0);
  });

  it("handles a redelivered update once, even when another replica receives it", async () => {
    const first = await startReplica();
    const second = await startReplica(first.harness.core.prefix);
    const update = textMessageUpdate({ chat: dm, from: alice, text: "/meme gm to all" });
    const deliveries = await Promise.all([
      fake.postWebhook(first.url, update, WEBHOOK.secret),
      fake.postWebhook(second.url, update, WEBHOOK.secret),
      fake.postWebhook(first.url, update, WEBHOOK.secret),
    ]);
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200]);
    // The replicas share the queues (one prefix), so reading them once sees every job either enqueued.
    expect(await first.harness.core.jobs()).toHaveLength(1);
    const results = [...first.harness.samples, ...second.harness.samples]
      .map((sample) => sample.result)
      .sort();
    expect(results).toEqual(["ignored", "ignored", "queued"]);
  });

  it("turns updates away with 503 before start and after stop, so Telegram delivers them again", async () => {
    const harness = await startHarness({ fake, webhook: WEBHOOK });
    replicas.push(harness);
    const { url, server } = await serve(harness);
    servers.push(server);
    const early = await fake.postWebhook(
      url,
      textMessageUpdate({ chat: dm, from: alice, text: "/start" }),
      WEBHOOK.secret,
    );
    await harness.adapter.start();
    await harness.adapter.stop();
    const late = await fake.postWebhook(
      url,
      textMessageUpdate({ chat: dm, from: alice, text: "/start" }),
      WEBHOOK.secret,
    );
    expect([early.status, late.status]).toEqual([503, 503]);
    expect(harness.samples).toHaveLength(0);
  });

  it("refuses a body declared larger than 64 KB with 413 before reading it, and keeps serving", async () => {
    const { harness, url } = await startReplica();
    // Only the first kilobyte of the declared 70 KB ever leaves: the answer cannot wait for the rest.
    const refused = await postRaw(url, [Buffer.alloc(1024, "{")], { contentLength: 70 * 1024 });
    expect(refused).toEqual({ status: 413, written: 1024 });
    expect(harness.samples).toHaveLength(0);

    const next = await fake.postWebhook(
      url,
      textMessageUpdate({ chat: dm, from: alice, text: "/start" }),
      WEBHOOK.secret,
    );
    expect(next.status).toBe(200);
    await vi.waitFor(() => expect(harness.samples).toMatchObject([{ result: "reply" }]));
  });

  it("stops reading a chunked body without a length once it passes 64 KB, and answers 413", async () => {
    const { harness, url } = await startReplica();
    const opening = Buffer.from('{"update_id":1,"message":{"text":"');
    const padding = Buffer.alloc(8 * 1024, "a");
    // Sent until the server answers; a server that waited for the end would see all 2 MB.
    const refused = await postRaw(url, [opening, ...Array<Buffer>(300).fill(padding)], {
      gapMs: 2,
      keepWriting: false,
      maxBytes: 2 * 1024 * 1024,
    });
    expect(refused.status).toBe(413);
    expect(refused.written).toBeGreaterThan(64 * 1024);
    expect(refused.written).toBeLessThan(1024 * 1024);
    expect(harness.samples).toHaveLength(0);
  });

  it("decodes UTF-8 characters split across chunk boundaries intact", async () => {
    const { harness, url } = await startReplica();
    const topic = "Привет мир 🚀🌕 ok";
    const update = textMessageUpdate({ chat: dm, from: alice, text: `/meme ${topic}` });
    const bytes = Buffer.from(JSON.stringify(update), "utf8");
    // Cut after the first byte of "П" (two bytes) and after the second byte of "🚀" (four bytes).
    const cyrillic = bytes.indexOf(Buffer.from("П")) + 1;
    const rocket = bytes.indexOf(Buffer.from("🚀")) + 2;
    const pieces = [bytes.subarray(0, cyrillic), bytes.subarray(cyrillic, rocket), bytes.subarray(rocket)];
    // Each cut lands inside a character: decoded on its own, a piece ends in a replacement character.
    expect(pieces.slice(0, 2).map((piece) => piece.toString("utf8").at(-1))).toEqual(["\uFFFD", "\uFFFD"]);

    const delivery = await postRaw(url, pieces, { gapMs: 30 });
    expect(delivery.status).toBe(200);
    await vi.waitFor(() => expect(harness.samples).toMatchObject([{ result: "queued" }]));
    const jobs = await harness.core.jobs();
    expect(jobs.map((job) => job.data.topic)).toEqual([topic]);
  });

  it("answers 400 to a body that is not a JSON update, without dispatching", async () => {
    const { harness, url } = await startReplica();
    const notJson = await postRaw(url, [Buffer.from("{not json")]);
    const notAnUpdate = await postRaw(url, [Buffer.from("[1,2,3]")]);
    const badUtf8 = await postRaw(url, [Buffer.from([0x7b, 0xff, 0xfe, 0x7d])]);
    expect([notJson.status, notAnUpdate.status, badUtf8.status]).toEqual([400, 400, 400]);
    expect(harness.samples).toHaveLength(0);
  });

  it("is exempt from the per-address rate limit, and logs requests by a label instead of the path", async () => {
    const harness = await startHarness({ fake, webhook: WEBHOOK });
    replicas.push(harness);
    await harness.adapter.start();
    const { url, server } = await serve(harness, { rateLimit: { max: 2, timeWindowMs: 60_000 } });
    servers.push(server);
    // Telegram sends every update from a few addresses: far more than a browser's share, all taken.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { message } = textMessageUpdate({ chat: dm, from: alice, text: "/start" });
      const edit = { edited_message: { ...message, edit_date: message.date + 5 } };
      statuses.push((await fake.postWebhook(url, edit, WEBHOOK.secret)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    // Anything else on the server stays limited.
    const elsewhere = [1, 2, 3].map(() => fetch(`${server.url}/nope`).then((response) => response.status));
    expect(await Promise.all(elsewhere)).toContain(429);

    const refused = await fake.postWebhook(
      `${url}?probe=1`,
      textMessageUpdate({ chat: dm, from: alice, text: "/start" }),
      "wrong-secret",
    );
    expect(refused.status).toBe(403);
    const requestLines = harness.core.logs.filter((line) => line.msg === "http request answered");
    expect(requestLines).toContainEqual(
      expect.objectContaining({ method: "POST", route: "telegram-webhook", status: 403 }),
    );
    const logged = JSON.stringify(harness.core.logs);
    expect(logged).not.toContain("/telegram/updates");
    expect(logged).not.toContain("wrong-secret");
  });

  it("ignores edited messages", async () => {
    const { harness, url } = await startReplica();
    const original = textMessageUpdate({ chat: dm, from: alice, text: "/start" });
    const { message } = original;
    const edited = { edited_message: { ...message, edit_date: message.date + 5 } };
    const delivery = await fake.postWebhook(url, edited, WEBHOOK.secret);
    expect(delivery.status).toBe(200);
    expect(harness.samples).toMatchObject([{ result: "skipped" }]);
    expect(fake.callsOf("sendMessage")).toHaveLength(0);
  });
});
