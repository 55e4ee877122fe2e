import { createServer, type Server } from "node:http";
import { crc32, deflateSync } from "node:zlib";
import { Telegraf, TelegramError } from "telegraf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RecordedFile } from "../fakes/shared/http.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { photoMessageUpdate, textMessageUpdate } from "../fakes/telegram/updates.ts";

/** A real, decodable PNG of the given size (one grey pixel row repeated). */
function pngOfSize(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, checksum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width, 0x80)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", pixels),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const alice = { id: 501, username: "alice", first_name: "Alice" };

describe("fake Telegram Bot API", () => {
  let fake: FakeTelegram;
  let bot: Telegraf;
  let running: Promise<void> | undefined;
  let webhookServer: Server | undefined;

  beforeEach(async () => {
    fake = await startFakeTelegram({ pollHoldMs: 200 });
    bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } });
    running = undefined;
    webhookServer = undefined;
  });

  afterEach(async () => {
    if (running !== undefined) {
      bot.stop("test finished");
      await running;
    }
    if (webhookServer !== undefined) {
      const server = webhookServer;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await fake.close();
  });

  /** launch() resolves only after stop(), so it is started, not awaited. */
  async function launchPolling(): Promise<void> {
    running = bot.launch();
    running.catch(() => {});
    await fake.waitForCall("getUpdates");
  }

  it("lets a long-polling telegraf bot answer a pushed /ping with sendMessage", async () => {
    bot.command("ping", (ctx) => ctx.reply("pong"));
    await launchPolling();

    fake.pushUpdate(
      textMessageUpdate({ chat: { id: alice.id, type: "private" }, from: alice, text: "/ping" }),
    );
    const reply = await fake.waitForCall("sendMessage");

    expect(fake.calls.slice(0, 2).map((call) => call.method)).toEqual(["getMe", "deleteWebhook"]);
    expect(reply.params).toMatchObject({ chat_id: alice.id, text: "pong" });
    expect(reply.result).toMatchObject({
      from: { id: fake.bot.id, is_bot: true },
      chat: { id: alice.id, type: "private", username: "alice" },
      text: "pong",
    });
    await fake.waitUntilConsumed();
    expect(fake.pendingUpdateCount).toBe(0);
  });

  it("routes /ping@botname in a group to this bot and ignores commands addressed to another bot", async () => {
    bot.command("ping", (ctx) => ctx.reply("pong"));
    await launchPolling();
    const group = { id: -1001234567890, type: "supergroup" as const, title: "Meme Lords" };

    fake.pushUpdates([
      textMessageUpdate({ chat: group, from: alice, text: "/ping@some_other_bot" }),
      textMessageUpdate({ chat: group, from: alice, text: `/ping@${fake.bot.username}` }),
    ]);
    await fake.waitUntilConsumed();

    const replies = fake.callsOf("sendMessage");
    expect(replies).toHaveLength(1);
    expect(replies[0]?.params).toMatchObject({ chat_id: group.id, text: "pong" });
    expect(replies[0]?.result).toMatchObject({
      chat: { id: group.id, type: "supergroup", title: "Meme Lords" },
    });
  });

  it("holds an empty getUpdates until an update arrives instead of answering at once", async () => {
    const url = `${fake.apiRoot}/bot${fake.token}/getUpdates`;
    const started = Date.now();
    const empty = (await (await fetch(`${url}?timeout=50`)).json()) as { result: unknown[] };
    expect(empty.result).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);

    const waiting = fetch(`${url}?timeout=50`).then(
      (res) => res.json() as Promise<{ result: Array<{ update_id: number }> }>,
    );
    await fake.waitForCalls("getUpdates", 2);
    const pushed = fake.pushUpdate(
      textMessageUpdate({ chat: { id: 9, type: "private" }, from: { id: 9 }, text: "gm" }),
    );
    expect((await waiting).result.map((update) => update.update_id)).toEqual([pushed.update_id]);

    const confirmed = (await (await fetch(`${url}?offset=${pushed.update_id + 1}`)).json()) as {
      result: unknown[];
    };
    expect(confirmed.result).toEqual([]);
    expect(fake.pendingUpdateCount).toBe(0);
  });

  it("ends a held getUpdates with 409 Conflict when a second poller arrives", async () => {
    const url = `${fake.apiRoot}/bot${fake.token}/getUpdates?timeout=50`;
    const first = fetch(url);
    await fake.waitForCall("getUpdates");
    const second = fetch(url);
    const firstAnswer = await first;
    expect(firstAnswer.status).toBe(409);
    expect(await firstAnswer.json()).toMatchObject({ ok: false, error_code: 409 });
    expect((await second).status).toBe(200);
  });

  it("returns at most `limit` updates and keeps the rest pending", async () => {
    fake.pushUpdates(
      Array.from({ length: 150 }, (_, index) =>
        textMessageUpdate({ chat: { id: 9, type: "private" }, from: { id: 9 }, text: `hi ${index}` }),
      ),
    );
    const url = `${fake.apiRoot}/bot${fake.token}/getUpdates`;
    const batch = (await (await fetch(url, { method: "POST" })).json()) as {
      result: Array<{ update_id: number }>;
    };
    expect(batch.result).toHaveLength(100);
    const next = (batch.result.at(-1)?.update_id ?? 0) + 1;
    const rest = (await (await fetch(`${url}?offset=${next}&limit=1000`)).json()) as { result: unknown[] };
    expect(rest.result).toHaveLength(50);
  });

  it("answers a wrong token with 401 and an unknown method with 404", async () => {
    const wrongToken = await fetch(`${fake.apiRoot}/bot123:nope/getMe`);
    expect(wrongToken.status).toBe(401);
    expect(await wrongToken.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
    const unknown = await fetch(`${fake.apiRoot}/bot${fake.token}/sendTelepathy`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
  });

  it("makes telegraf throw a TelegramError carrying the injected code and retry_after", async () => {
    fake.failNext("sendMessage", {
      error_code: 429,
      description: "Too Many Requests: retry after 7",
      retry_after: 7,
    });
    const failure = await bot.telegram.sendMessage(alice.id, "hello").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TelegramError);
    expect(failure).toMatchObject({ code: 429, parameters: { retry_after: 7 } });
    expect(fake.callsOf("sendMessage")[0]?.error).toEqual({
      error_code: 429,
      description: "Too Many Requests: retry after 7",
    });

    // Only the next call was poisoned.
    await expect(bot.telegram.sendMessage(alice.id, "hello")).resolves.toMatchObject({ text: "hello" });
  });

  it("rejects HTML that Telegram could not parse", async () => {
    const failure = await bot.telegram
      .sendMessage(alice.id, "<b>to the moon", { parse_mode: "HTML" })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TelegramError);
    expect((failure as TelegramError).description).toContain("can't parse entities");
    await expect(
      bot.telegram.sendMessage(alice.id, "<b>1 &lt; 2</b>", { parse_mode: "HTML" }),
    ).resolves.toMatchObject({ text: "1 < 2" });
  });

  it("delivers a webhook update into telegraf's webhookCallback only with the right secret", async () => {
    bot.command("ping", (ctx) => ctx.reply("pong"));
    bot.command("typing", (ctx) => ctx.sendChatAction("typing"));
    const callback = bot.webhookCallback("/telegram", { secretToken: "s3cret" });
    webhookServer = createServer((req, res) => void callback(req, res));
    const server = webhookServer;
    const port = await new Promise<number>((resolve) =>
      server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
    );
    const url = `http://127.0.0.1:${port}/telegram`;
    const ping = () =>
      textMessageUpdate({ chat: { id: alice.id, type: "private" }, from: alice, text: "/ping" });

    const rejected = await fake.postWebhook(url, ping(), "wrong");
    expect(rejected.status).toBe(403);

    const accepted = await fake.postWebhook(url, ping(), "s3cret");
    expect(accepted.status).toBe(200);
    expect(fake.callsOf("sendMessage")).toHaveLength(1);

    // telegraf answers sendChatAction inside the webhook response; the fake executes it like Telegram.
    const typing = await fake.postWebhook(
      url,
      textMessageUpdate({ chat: { id: alice.id, type: "private" }, from: alice, text: "/typing" }),
      "s3cret",
    );
    expect(typing.reply).toMatchObject({
      method: "sendChatAction",
      params: { chat_id: alice.id, action: "typing" },
      viaWebhookReply: true,
      result: true,
    });
  });

  it("records a multipart sendPhoto with numbers restored and the uploaded file kept", async () => {
    const png = pngOfSize(640, 480);
    const sent = await bot.telegram.sendPhoto(
      alice.id,
      { source: png, filename: "meme.png" },
      { caption: "gm" },
    );

    const call = await fake.waitForCall("sendPhoto");
    expect(call.encoding).toBe("multipart");
    expect(call.params.chat_id).toBe(alice.id);
    expect(call.params.caption).toBe("gm");
    const photo = call.params.photo as RecordedFile;
    expect(photo.filename).toBe("meme.png");
    expect(photo.bytes.equals(png)).toBe(true);
    expect(sent.photo.at(-1)).toMatchObject({ width: 640, height: 480 });
    expect(sent.caption).toBe("gm");

    const notAnImage = await bot.telegram
      .sendPhoto(alice.id, { source: Buffer.from("not a picture"), filename: "x.png" })
      .catch((error: unknown) => error);
    expect(notAnImage).toMatchObject({ code: 400, description: "Bad Request: IMAGE_PROCESS_FAILED" });
  });

  it("validates bot commands like Telegram and returns them per scope", async () => {
    await expect(
      bot.telegram.setMyCommands([{ command: "Meme", description: "Make a meme" }]),
    ).rejects.toMatchObject({
      code: 400,
      description: "Bad Request: BOT_COMMAND_INVALID",
    });
    await bot.telegram.setMyCommands([{ command: "meme", description: "Make a meme" }]);
    await bot.telegram.setMyCommands([{ command: "ban", description: "Ban" }], {
      scope: { type: "all_chat_administrators" },
    });

    await expect(bot.telegram.getMyCommands()).resolves.toEqual([
      { command: "meme", description: "Make a meme" },
    ]);
    await expect(bot.telegram.getMyCommands({ scope: { type: "all_chat_administrators" } })).resolves.toEqual(
      [{ command: "ban", description: "Ban" }],
    );
  });

  it("reports chat members and administrators as configured", async () => {
    const group = -1009876543210;
    fake.setChatMember(group, 1, "creator", { username: "founder" });
    fake.setChatMember(group, 2, "administrator");

    await expect(bot.telegram.getChatMember(group, 1)).resolves.toMatchObject({
      status: "creator",
      user: { id: 1, username: "founder" },
    });
    await expect(bot.telegram.getChatMember(group, 3)).resolves.toMatchObject({ status: "member" });
    const admins = await bot.telegram.getChatAdministrators(group);
    expect(admins.map((member) => [member.user.id, member.status])).toEqual([
      [1, "creator"],
      [2, "administrator"],
    ]);
  });

  it("refuses to post for a bot the user blocked", async () => {
    fake.setChatMember(alice.id, fake.bot.id, "kicked");
    await expect(bot.telegram.sendMessage(alice.id, "gm")).rejects.toMatchObject({
      code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
  });

  it("builds non-text updates that telegraf sees as photo messages", async () => {
    const kinds: string[] = [];
    bot.on("photo", (ctx) => {
      kinds.push(`photo:${ctx.message.caption ?? ""}`);
    });
    await launchPolling();
    fake.pushUpdate(
      photoMessageUpdate({ chat: { id: alice.id, type: "private" }, from: alice, caption: "look" }),
    );
    await fake.waitUntilConsumed();
    expect(kinds).toEqual(["photo:look"]);
  });
});
