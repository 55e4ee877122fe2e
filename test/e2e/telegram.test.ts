// `pnpm start` with a Telegram token, against the fake Bot API and the fake model.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { memeReply } from "../fakes/openai/server.ts";
import sharp from "sharp";
import { isRecordedFile } from "../fakes/shared/http.ts";
import { documentMessageUpdate, textMessageUpdate } from "../fakes/telegram/updates.ts";
import { decompressionBomb, plainPng } from "../support/pictures.ts";
import { testDatabaseUrl } from "../support/database.ts";
import { e2eFixture, type E2eFixture } from "./support/fixtures.ts";
import { startPlatform, type PlatformProcess } from "./support/platform-process.ts";

let fixture: E2eFixture;
let platform: PlatformProcess;

beforeAll(async () => {
  fixture = await e2eFixture();
  platform = startPlatform("start", fixture.env);
  fixture.processes.push(platform);
  await platform.port();
  await fixture.telegram.waitForCall("getUpdates", undefined, 30_000);
}, 60_000);
afterAll(() => fixture.cleanup());

/** The outcome of the newest run in a Telegram chat. */
async function runOutcome(chatId: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ outcome: string }>(
      `SELECT r.outcome FROM "CommandRun" r JOIN "Community" c ON c.id = r."communityId"
       WHERE c.platform = 'telegram' AND c."externalId" = $1 ORDER BY r."createdAt" DESC LIMIT 1`,
      [chatId],
    );
    return rows[0]?.outcome;
  } finally {
    await client.end();
  }
}

// The bot sends chat ids as it got them; the worker sends them as strings (both are valid Bot API).
const sentTo = (chatId: number, method: "sendMessage" | "sendPhoto" = "sendMessage") =>
  fixture.telegram.callsOf(method).filter((call) => String(call.params.chat_id) === String(chatId));
const photoTo = (chatId: number, timeoutMs = 20_000) =>
  fixture.telegram.waitForCall(
    "sendPhoto",
    (call) => String(call.params.chat_id) === String(chatId),
    timeoutMs,
  );

describe("Telegram end to end", { timeout: 60_000 }, () => {
  it("GIVEN /meme in a private chat THEN the model's meme comes back once, as a photo replying to it", async () => {
    const chat = { id: 5001, type: "private" as const };
    const update = fixture.telegram.pushUpdate(
      textMessageUpdate({ chat, from: { id: 5001, username: "alice" }, text: "/meme wen lambo" }),
    );
    const reply = await photoTo(5001);
    expect(reply.params.caption).toBe("gm wen lambo frens");
    expect(reply.params.reply_parameters).toMatchObject({
      message_id: "message" in update ? update.message.message_id : -1,
    });
    const request = fixture.model.requests.at(-1);
    expect(request?.body).toMatchObject({ model: "fake-model", response_format: { type: "json_schema" } });
    await fixture.settled(reply.at);
    expect(sentTo(5001, "sendPhoto")).toHaveLength(1);
    expect(sentTo(5001)).toHaveLength(0);
  });

  it("GIVEN the meme's re-roll button pressed THEN another take on the same topic comes, once per press", async () => {
    // A group: carol asks, dan presses (carol herself would be within /meme's 10 s cooldown).
    const group = { id: -4006, type: "supergroup" as const, title: "Gas Station" };
    const carol = { id: 5006, username: "carol" };
    const dan = { id: 5007, username: "dan" };
    fixture.telegram.pushUpdate(textMessageUpdate({ chat: group, from: carol, text: "/meme gas fees" }));
    await photoTo(-4006);
    const meme = fixture.telegram.sentMessages(-4006).at(-1);
    if (!meme) throw new Error("no meme was sent");
    const asked = () =>
      fixture.model.requests.filter((request) => JSON.stringify(request.body.messages).includes("gas fees"));
    expect(asked()).toHaveLength(1);

    // Pressed, and the press delivered twice (Telegram redelivers an update it thinks was lost).
    const press = fixture.telegram.pressButton({ message: meme, from: dan, queue: false });
    fixture.telegram.pushUpdates([press, { ...press }]);
    await vi.waitFor(() => expect(sentTo(-4006, "sendPhoto")).toHaveLength(2), { timeout: 20_000 });
    const again = sentTo(-4006, "sendPhoto")[1]!;
    expect(again.params.caption).toBe("gm gas fees frens");
    // The new meme answers the message that had the button, and has a button of its own.
    expect(again.params.reply_parameters).toMatchObject({ message_id: meme.message_id });
    expect(JSON.stringify(again.params.reply_markup)).toContain("meme again telegram:");
    expect(fixture.telegram.callsOf("answerCallbackQuery").length).toBeGreaterThanOrEqual(1);
    await fixture.telegram.waitUntilConsumed(10_000);
    await fixture.settled(again.at);
    expect(sentTo(-4006, "sendPhoto")).toHaveLength(2);
    expect(asked()).toHaveLength(2);

    // Pressed twice in a row by frank (two presses, not a redelivery): the first makes a meme, the
    // second is held back by the same cooldown as a typed /meme. Both in one batch, so the cooldown
    // is tested however long the steps above took on a busy machine.
    const frank = { id: 5009, username: "frank" };
    fixture.telegram.pushUpdates([
      fixture.telegram.pressButton({ message: meme, from: frank, queue: false }),
      fixture.telegram.pressButton({ message: meme, from: frank, queue: false }),
    ]);
    const held = await fixture.telegram.waitForCall(
      "sendMessage",
      (call) => String(call.params.chat_id) === "-4006" && /wait|again in/i.test(String(call.params.text)),
      20_000,
    );
    expect(held.params.text).toMatch(/\/meme/);
    await vi.waitFor(() => expect(sentTo(-4006, "sendPhoto")).toHaveLength(3), { timeout: 20_000 });
    await fixture.telegram.waitUntilConsumed(10_000);
    await fixture.settled(sentTo(-4006, "sendPhoto")[2]!.at);
    expect(sentTo(-4006, "sendPhoto")).toHaveLength(3);
    expect(asked()).toHaveLength(3);
  });

  it("GIVEN /caption with a picture, or replying to one THEN it comes back captioned; what is no picture gets a clear answer", async () => {
    // Sent with the command, as a file with the command as its caption.
    const erin = { id: 5008, username: "erin" };
    const png = fixture.telegram.addFile(await plainPng(800, 600), {
      name: "chart.png",
      mimeType: "image/png",
    });
    fixture.telegram.pushUpdate(
      documentMessageUpdate({
        chat: { id: 5008, type: "private" },
        from: erin,
        document: png,
        caption: "/caption hodl | forever",
      }),
    );
    const captioned = await photoTo(5008);
    const photo = captioned.params.photo;
    if (!isRecordedFile(photo)) throw new Error("no photo uploaded");
    const drawn = sharp(photo.bytes);
    expect(await drawn.metadata()).toMatchObject({ format: "jpeg", width: 800, height: 600 });
    // White lettering over the plain blue picture: the top band is no longer blue alone.
    const top = await drawn.extract({ left: 0, top: 0, width: 800, height: 150 }).stats();
    expect(top.channels[0]?.max).toBeGreaterThan(200);
    await expect.poll(() => runOutcome("5008"), { timeout: 10_000 }).toBe("caption.made");

    // Replying to a message whose file is no picture.
    const frank = { id: 5009, username: "frank" };
    const notes = fixture.telegram.addFile("just some notes", { name: "notes.txt", mimeType: "text/plain" });
    const chat = { id: 5009, type: "private" as const };
    const original = documentMessageUpdate({ chat, from: frank, document: notes });
    const reply = textMessageUpdate({ chat, from: frank, text: "/caption wen | moon" });
    Object.assign(reply.message, { reply_to_message: original.message });
    fixture.telegram.pushUpdate(reply);
    const refused = await fixture.telegram.waitForCall(
      "sendMessage",
      (call) => String(call.params.chat_id) === "5009",
      20_000,
    );
    expect(refused.params.text).toBe("That file isn't a picture I can read (JPEG, PNG, WebP or GIF).");

    // A decompression bomb: a tiny file whose header claims 30000 × 30000 pixels.
    const grace = { id: 5010, username: "grace" };
    const bomb = fixture.telegram.addFile(decompressionBomb(30_000, 30_000), {
      name: "big.png",
      mimeType: "image/png",
    });
    fixture.telegram.pushUpdate(
      documentMessageUpdate({
        chat: { id: 5010, type: "private" },
        from: grace,
        document: bomb,
        caption: "/caption boom",
      }),
    );
    const tooLarge = await fixture.telegram.waitForCall(
      "sendMessage",
      (call) => String(call.params.chat_id) === "5010",
      20_000,
    );
    expect(tooLarge.params.text).toMatch(/^That picture is too large/);

    // Without any picture: told how, at once, without a job.
    const heidi = { id: 5011, username: "heidi" };
    fixture.telegram.pushUpdate(
      textMessageUpdate({ chat: { id: 5011, type: "private" }, from: heidi, text: "/caption hi | there" }),
    );
    const how = await fixture.telegram.waitForCall(
      "sendMessage",
      (call) => String(call.params.chat_id) === "5011",
      20_000,
    );
    expect(how.params.text).toBe("Send /caption with a picture attached, or as a reply to a picture.");
    expect(sentTo(5008, "sendPhoto")).toHaveLength(1);
    expect(sentTo(5009, "sendPhoto")).toHaveLength(0);
    expect(sentTo(5010, "sendPhoto")).toHaveLength(0);
  });

  it("GIVEN the same update delivered twice THEN there is one job and one reply", async () => {
    const update = textMessageUpdate({
      chat: { id: 5002, type: "private" },
      from: { id: 5002, username: "bob" },
      text: "/meme double dip",
    });
    const requestsBefore = fixture.model.requestCount;
    fixture.telegram.pushUpdates([update, { ...update }]);
    const reply = await photoTo(5002);
    // The bot has handled both deliveries, and whatever they put on the queue has run to the end.
    await fixture.telegram.waitUntilConsumed(10_000);
    await fixture.settled(reply.at);
    expect(sentTo(5002, "sendPhoto")).toHaveLength(1);
    expect(fixture.model.requestCount - requestsBefore).toBe(1);
  });

  it("GIVEN a group member changing a setting THEN it is refused; an administrator's change holds", async () => {
    const group = { id: -4001, type: "supergroup" as const, title: "Degens" };
    fixture.telegram.setChatMember(-4001, 6001, "member");
    fixture.telegram.setChatMember(-4001, 6002, "administrator");
    fixture.telegram.pushUpdate(
      textMessageUpdate({
        chat: group,
        from: { id: 6001, username: "member" },
        text: "/config meme.enabled off",
      }),
    );
    const refusal = await fixture.telegram.waitForCall(
      "sendMessage",
      (call) => String(call.params.chat_id) === "-4001",
      20_000,
    );
    expect(refusal.params.text).toBe(
      "Only admins of this community can do that (Telegram chat administrators).",
    );

    fixture.telegram.pushUpdate(
      textMessageUpdate({
        chat: group,
        from: { id: 6002, username: "admin" },
        text: "/config@e2e_meme_bot meme.enabled off",
      }),
    );
    await fixture.telegram.waitForCall(
      "sendMessage",
      (call) => call.params.text === "meme.enabled is now off.",
      20_000,
    );
    fixture.telegram.pushUpdate(
      textMessageUpdate({ chat: group, from: { id: 6001, username: "member" }, text: "/meme moon" }),
    );
    await fixture.telegram.waitForCall(
      "sendMessage",
      (call) => call.params.text === "/meme is switched off in this community.",
      20_000,
    );
    expect(fixture.telegram.callsOf("getChatMember").length).toBeGreaterThanOrEqual(2);
  });

  it("GIVEN a model that hangs or answers nonsense THEN the offline engine answers and says so", async () => {
    fixture.model.setBehaviour({ kind: "hang" });
    fixture.telegram.pushUpdate(
      textMessageUpdate({
        chat: { id: 5003, type: "private" },
        from: { id: 5003 },
        text: "/meme slow model",
      }),
    );
    const timedOut = await photoTo(5003);
    expect(timedOut.params.caption).toContain("(offline meme: the model endpoint did not answer;");

    fixture.model.setBehaviour({ kind: "reply", content: "sure! here is a meme: top text, bottom text" });
    fixture.telegram.pushUpdate(
      textMessageUpdate({ chat: { id: 5004, type: "private" }, from: { id: 5004 }, text: "/meme bad json" }),
    );
    const invalid = await photoTo(5004);
    expect(invalid.params.caption).toContain("(offline meme: the model's answer was unusable;");
    fixture.model.setBehaviour(memeReply);
  });

  it("GIVEN Telegram refusing every attempt to answer THEN the user is told once that it failed", async () => {
    fixture.telegram.failNext("sendPhoto", { error_code: 502, description: "Bad Gateway" }, 3);
    fixture.telegram.pushUpdate(
      textMessageUpdate({ chat: { id: 5005, type: "private" }, from: { id: 5005 }, text: "/meme unlucky" }),
    );
    const apology = await fixture.telegram.waitForCall(
      "sendMessage",
      (call) => String(call.params.chat_id) === "5005" && call.error === undefined,
      30_000,
    );
    expect(apology.params.text).toBe("Sorry, that /meme failed on our side. Please try again in a minute.");
    await fixture.settled(apology.at);
    expect(sentTo(5005).filter((call) => call.error === undefined)).toHaveLength(1);
  });

  it("GIVEN commands ran THEN each run and its outcome is recorded in PostgreSQL", async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ status: string; outcome: string }>(
        `SELECT r.status, r.outcome FROM "CommandRun" r JOIN "Community" c ON c.id = r."communityId"
         WHERE c.platform = 'telegram' AND c."externalId" = '5001'`,
      );
      expect(rows).toEqual([{ status: "succeeded", outcome: "meme.model" }]);
      const failed = await client.query<{ status: string }>(
        `SELECT r.status FROM "CommandRun" r JOIN "Community" c ON c.id = r."communityId"
         WHERE c."externalId" = '5005'`,
      );
      expect(failed.rows).toEqual([{ status: "failed" }]);
    } finally {
      await client.end();
    }
  });

  it("GIVEN the running platform THEN /health is ok and /metrics counts commands and model latency", async () => {
    const port = await platform.port();
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", checks: { redis: "ok", database: "ok" } });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(
      /memebot_commands_total\{platform="telegram",command="meme",outcome="queued"\} \d+/,
    );
    expect(metrics).toMatch(
      /memebot_model_gateway_request_seconds_count\{provider="default",model="fake-model",task="meme-text"\} \d+/,
    );
    expect(metrics).toContain("memebot_jobs_total");
  });
});
