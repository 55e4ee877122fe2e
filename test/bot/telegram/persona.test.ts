// /persona on Telegram: the fake Bot API decides who is a chat administrator (getChatMember)
// and holds the files users send (getFile and the file route); the bot's core is real.
import type { Update } from "telegraf/types";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_PERSONA } from "@memebot/core";
import { startFakeTelegram } from "../../fakes/telegram/server.ts";
import {
  documentMessageUpdate,
  textMessageUpdate,
  type ChatInput,
  type UserInput,
} from "../../fakes/telegram/updates.ts";
import { uniqueTelegramBot, uniqueTelegramGroupId, uniqueTelegramUserId } from "../../support/unique-ids.ts";
import { startHarness, type Harness } from "./harness.ts";

let harness: Harness;
let admin: UserInput;
let member: UserInput;
let group: ChatInput;
beforeEach(async () => {
  admin = { id: uniqueTelegramUserId(), username: "ana", first_name: "Ana" };
  member = { id: uniqueTelegramUserId(), username: "bo", first_name: "Bo" };
  group = { id: uniqueTelegramGroupId(), type: "supergroup", title: "Frog Pond" };
  const fake = await startFakeTelegram({ bot: uniqueTelegramBot(), pollHoldMs: 200 });
  // The bot downloads files with its own token from its own Bot API root, as configured.
  harness = await startHarness({
    fake,
    env: { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot },
  });
  harness.fake.setChatMember(group.id, admin.id, "administrator");
  await harness.adapter.start();
  await harness.fake.waitForCall("getUpdates");
});
afterEach(async () => {
  await harness.close();
  await harness.fake.close();
});

async function deliver(...updates: Update[]) {
  const expected = harness.samples.length + updates.length;
  harness.fake.pushUpdates(updates);
  await harness.fake.waitUntilConsumed();
  await vi.waitFor(() => expect(harness.samples.length).toBeGreaterThanOrEqual(expected));
}

const lastReply = () => harness.fake.callsOf("sendMessage").at(-1)?.params.text;
const storedPersona = () =>
  harness.core.infrastructure.database.prisma.persona.findFirst({
    where: { community: { platform: "telegram", externalId: String(group.id) } },
    select: { data: true, updatedBy: true },
  });

const personaFile = (persona: object, name = "persona.json") =>
  harness.fake.addFile(JSON.stringify(persona, null, 2), { name, mimeType: "application/json" });

describe("/persona on Telegram", () => {
  it("GIVEN a group member THEN shows the persona but refuses a change; GIVEN an administrator THEN applies it", async () => {
    await deliver(textMessageUpdate({ chat: group, from: member, text: "/persona" }));
    expect(lastReply()).toContain(`Name: ${DEFAULT_PERSONA.name}`);

    await deliver(textMessageUpdate({ chat: group, from: member, text: "/persona set name Wojak" }));
    expect(lastReply()).toBe("Only admins of this community can do that (Telegram chat administrators).");
    expect(await storedPersona()).toBeNull();

    await deliver(textMessageUpdate({ chat: group, from: admin, text: "/persona set name Pepe" }));
    expect(lastReply()).toBe("Persona updated: name changed.");
    expect(await storedPersona()).toEqual({
      data: { ...DEFAULT_PERSONA, name: "Pepe" },
      updatedBy: String(admin.id),
    });
    // The change was checked against Telegram's own roles, for each of the two writers.
    expect(harness.fake.callsOf("getChatMember").map((call) => call.params)).toEqual([
      { chat_id: group.id, user_id: member.id },
      { chat_id: group.id, user_id: admin.id },
    ]);
  });

  it("GIVEN an administrator's document captioned /persona import THEN downloads it and imports the persona", async () => {
    const file = personaFile({ name: "Pepe", topics: ["ponds", "frogs"] });

    await deliver(
      documentMessageUpdate({ chat: group, from: admin, document: file, caption: "/persona import" }),
    );

    expect(lastReply()).toBe("Persona imported: I am Pepe now.");
    expect((await storedPersona())?.data).toEqual({
      ...DEFAULT_PERSONA,
      name: "Pepe",
      topics: ["ponds", "frogs"],
    });
    expect(harness.fake.callsOf("getFile").map((call) => call.params)).toEqual([{ file_id: file.file_id }]);
    expect(harness.fake.callsOf("downloadFile")).toHaveLength(1);
  });

  it("GIVEN /persona import replying to a document THEN imports that document", async () => {
    const file = personaFile({ name: "Wojak" });
    const upload = documentMessageUpdate({ chat: group, from: member, document: file });
    const command = textMessageUpdate({ chat: group, from: admin, text: "/persona import" });
    Object.assign(command.message, { reply_to_message: upload.message });

    await deliver(command);

    expect(lastReply()).toBe("Persona imported: I am Wojak now.");
    expect((await storedPersona())?.data).toMatchObject({ name: "Wojak" });
  });

  it("GIVEN a member's persona file THEN refuses it without downloading anything", async () => {
    const file = personaFile({ name: "Wojak" });
    await deliver(
      documentMessageUpdate({ chat: group, from: member, document: file, caption: "/persona import" }),
    );
    expect(lastReply()).toBe("Only admins of this community can do that (Telegram chat administrators).");
    expect(harness.fake.callsOf("getFile")).toHaveLength(0);
    expect(await storedPersona()).toBeNull();
  });

  it("GIVEN a broken, unreadable or oversized file THEN says what is wrong with it and keeps the persona", async () => {
    const broken = harness.fake.addFile('{\n  "name": "Pepe",\n  "bio": "a frog"\n  "style": "dry"\n}', {
      name: "persona.json",
    });
    await deliver(
      documentMessageUpdate({ chat: group, from: admin, document: broken, caption: "/persona import" }),
    );
    expect(lastReply()).toBe(
      "That isn't valid JSON (line 4, column 3). Check the quotes, commas and brackets.",
    );

    const invalid = personaFile({ name: "Pepe", avoid: "rug" });
    await deliver(
      documentMessageUpdate({ chat: group, from: admin, document: invalid, caption: "/persona import" }),
    );
    expect(lastReply()).toBe('avoid must be a list of texts, like ["memes", "gm"].');

    const binary = harness.fake.addFile(Buffer.from([0xff, 0xfe, 0x00, 0x7b]), { name: "persona.json" });
    await deliver(
      documentMessageUpdate({ chat: group, from: admin, document: binary, caption: "/persona import" }),
    );
    expect(lastReply()).toBe("That file isn't JSON text (UTF-8).");

    const huge = harness.fake.addFile(Buffer.alloc(70 * 1024, 0x20), { name: "persona.json" });
    await deliver(
      documentMessageUpdate({ chat: group, from: admin, document: huge, caption: "/persona import" }),
    );
    expect(lastReply()).toBe("That file is too large: a persona file may be at most 64 KB.");
    // Its declared size was enough: the big file was never asked for.
    expect(harness.fake.callsOf("getFile")).toHaveLength(3);
    expect(await storedPersona()).toBeNull();
  });

  it("GIVEN a file that begins with a byte order mark THEN reads the JSON after it", async () => {
    const file = harness.fake.addFile(`\uFEFF${JSON.stringify({ name: "Pepe" })}`, { name: "persona.json" });
    await deliver(
      documentMessageUpdate({ chat: group, from: admin, document: file, caption: "/persona import" }),
    );
    expect(lastReply()).toBe("Persona imported: I am Pepe now.");
  });

  it("GIVEN a reset by an administrator THEN the default is back", async () => {
    await deliver(textMessageUpdate({ chat: group, from: admin, text: '/persona import {"name": "Pepe"}' }));
    await deliver(textMessageUpdate({ chat: group, from: admin, text: "/persona reset" }));
    expect(lastReply()).toBe("Persona reset to the default.");
    expect(await storedPersona()).toBeNull();
  });
});
