// Property tests: random Unicode, huge arguments and malformed updates thrown at the invocation
// and listened-message parsers, at the dispatcher and at the listener pipeline as production
// composes them (real Redis and PostgreSQL). Nothing may throw, and every input ends in a reply, a
// queued job, or being ignored.
import { randomUUID } from "node:crypto";
import { ChatInputCommandInteraction, Client } from "discord.js";
import fc from "fast-check";
import type { Update } from "telegraf/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCommandLine, type CommandInvocation } from "@memebot/core";
import { invocationFrom } from "../../apps/bot/src/discord/invocation.ts";
import { invocationFromUpdate } from "../../apps/bot/src/telegram/invocation.ts";
import { listenedMessageFromUpdate } from "../../apps/bot/src/telegram/listen.ts";
import { createBotCore, type BotCore } from "../support/bot-core.ts";
import { chatInputInteraction } from "../fakes/discord/interactions.ts";

let core: BotCore;
let discord: Client;
beforeAll(async () => {
  core = await createBotCore();
  // Never logged in: it only gives the interaction structures their client.
  discord = new Client({ intents: [] });
});
afterAll(async () => {
  await discord.destroy();
  await core.close();
});

const BOT = { id: 4242, username: "meme_bot" };

// Characters that have broken text handling before: format and bidi controls, joiners, tags,
// lone surrogates, control characters, emoji sequences, right-to-left and Indic scripts.
const TRICKY = [
  "\u200b",
  "\u200c",
  "\u200d",
  "\u200e",
  "\u202e",
  "\u2066",
  "\ufeff",
  "\u00ad",
  "\u{e0041}",
  "\u{e007f}",
  "\ud800",
  "\udfff",
  "\u0000",
  "\u0007",
  "\u001b",
  "\u2028",
  "\n",
  "\t",
  " ",
  "@",
  "/",
  "<@&1>",
  "👨‍👩‍👧",
  "🏳️‍🌈",
  "👩🏽‍💻",
  "می‌خواهم",
  "क्‍ष",
  "مرحبا",
  "שלום",
  "\u0301",
  "ß",
  "ﬃ",
];
const trickyText = fc.string({
  unit: fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })),
  maxLength: 60,
});
/** Mostly tricky, sometimes enormous. */
const argumentText = fc.oneof(
  { weight: 8, arbitrary: trickyText },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((length) => "x".repeat(length)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((length) => "👨‍👩‍👧".repeat(length)) },
);
const commandName = fc.oneof(
  fc.constantFrom("meme", "help", "start", "config", "MEME", "nope"),
  fc.stringMatching(/^[A-Za-z0-9_]{1,32}$/),
);

/** A Telegram message update with a command (or any text), possibly with broken fields. */
const telegramUpdate = fc
  .record({
    updateId: fc.oneof(fc.integer(), fc.constant(Number.MAX_SAFE_INTEGER)),
    privateChat: fc.boolean(),
    userId: fc.integer({ min: 1, max: 2 ** 40 }),
    name: commandName,
    mention: fc.option(fc.constantFrom("meme_bot", "MEME_BOT", "other_bot", ""), { nil: undefined }),
    args: argumentText,
    entityLength: fc.option(fc.integer({ min: -5, max: 500 }), { nil: undefined }),
    mangle: fc.option(
      fc.constantFrom("chat", "from", "text", "entities", "message", "sender_chat", "chat.id", "from.id"),
      { nil: undefined },
    ),
    junk: fc.anything(),
  })
  .map((input) => {
    const text = `/${input.name}${input.mention === undefined ? "" : `@${input.mention}`} ${input.args}`;
    const chatId = input.privateChat ? input.userId : -1_000_000 - (input.userId % 1000);
    const message: Record<string, unknown> = {
      message_id: 1,
      date: 1_700_000_000,
      chat: input.privateChat
        ? { id: chatId, type: "private", first_name: "F" }
        : { id: chatId, type: "supergroup", title: "G" },
      from: { id: input.userId, is_bot: false, first_name: "F" },
      text,
      entities: [{ type: "bot_command", offset: 0, length: input.entityLength ?? text.indexOf(" ") }],
    };
    const update: Record<string, unknown> = { update_id: input.updateId, message };
    switch (input.mangle) {
      case undefined:
        break;
      case "message":
        update.message = input.junk;
        break;
      case "chat.id":
        message.chat = { ...(message.chat as object), id: input.junk };
        break;
      case "from.id":
        message.from = { ...(message.from as object), id: input.junk };
        break;
      default:
        message[input.mangle] = input.junk;
    }
    return update;
  });

/** Any entity, well formed or not: a mention or text_mention of us or of someone else, spans anywhere. */
const telegramEntity = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constantFrom("mention", "text_mention", "bold", "url"),
      offset: fc.oneof(fc.integer({ min: -5, max: 80 }), fc.anything()),
      length: fc.oneof(fc.integer({ min: -5, max: 80 }), fc.anything()),
      user: fc.option(
        fc.oneof(
          fc.constant({ id: BOT.id, is_bot: true, first_name: "Meme" }),
          fc.record({ id: fc.anything() }),
          fc.anything(),
        ),
        { nil: undefined },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.anything() },
);

/** A Telegram text message that is no command (what the listener reads), possibly with broken fields. */
const telegramChatUpdate = fc
  .record({
    updateId: fc.integer({ min: 1 }),
    privateChat: fc.boolean(),
    userId: fc.integer({ min: 1, max: 2 ** 40 }),
    text: fc.oneof(
      trickyText,
      trickyText.map((tail) => `@meme_bot ${tail}`),
      trickyText.map((tail) => `Meme ${tail}`),
    ),
    entities: fc.option(fc.array(telegramEntity, { maxLength: 4 }), { nil: undefined }),
    replyTo: fc.option(fc.anything(), { nil: undefined }),
    threadId: fc.option(fc.oneof(fc.integer(), fc.anything()), { nil: undefined, freq: 3 }),
    mangle: fc.option(
      fc.constantFrom("chat", "from", "text", "entities", "sender_chat", "reply_to_message", "from.id"),
      { nil: undefined, freq: 3 },
    ),
    junk: fc.anything(),
  })
  .map((input) => {
    const chatId = input.privateChat ? input.userId : -1_000_000 - (input.userId % 1000);
    const message: Record<string, unknown> = {
      message_id: 1,
      date: 1_700_000_000,
      chat: input.privateChat
        ? { id: chatId, type: "private", first_name: "F" }
        : { id: chatId, type: "supergroup", title: "G", is_forum: true },
      from: { id: input.userId, is_bot: false, first_name: "F" },
      text: input.text,
      ...(input.entities ? { entities: input.entities } : {}),
      ...(input.replyTo === undefined ? {} : { reply_to_message: input.replyTo }),
      ...(input.threadId === undefined ? {} : { is_topic_message: true, message_thread_id: input.threadId }),
    };
    if (input.mangle === "from.id") message.from = { ...(message.from as object), id: input.junk };
    else if (input.mangle !== undefined) message[input.mangle] = input.junk;
    return { update_id: input.updateId, message };
  });

function expectWellFormed(invocation: CommandInvocation) {
  expect(invocation.key).toMatch(/\S/);
  expect(invocation.community.externalId).toMatch(/\S/);
  expect(invocation.actor.externalId).toMatch(/\S/);
  if (invocation.name !== null) expect(invocation.name).toMatch(/^[a-z0-9_]{1,32}$/);
}

async function expectHandled(invocation: CommandInvocation) {
  const result = await core.dispatch(invocation);
  expect(["reply", "queued", "ignored"]).toContain(result.kind);
  if (result.kind === "reply") {
    expect(result.message.text.length).toBeGreaterThan(0);
    await result.complete();
  }
}

describe("invocation parsers and dispatcher under random input", () => {
  it("GIVEN any line of text THEN the console's command-line parser never throws", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          argumentText,
          fc.tuple(commandName, argumentText).map(([n, a]) => `/${n} ${a}`),
        ),
        (line) => {
          const parsed = parseCommandLine(line);
          if (parsed) expect(parsed.name).toMatch(/^[a-z0-9_]{1,32}$/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("GIVEN random and malformed Telegram updates THEN each is ignored or handled, never thrown", async () => {
    await fc.assert(
      fc.asyncProperty(telegramUpdate, async (update) => {
        const invocation = invocationFromUpdate(
          update as unknown as Update,
          BOT,
          Date.now(),
          async () => false,
        );
        if (!invocation) return;
        expectWellFormed(invocation);
        await expectHandled({ ...invocation, key: `${invocation.key}:${randomUUID()}` });
      }),
      { numRuns: 150 },
    );
  });

  it("GIVEN random and malformed Telegram chat messages THEN the listener reads each or ignores it, never throws", async () => {
    await fc.assert(
      fc.asyncProperty(telegramChatUpdate, async (update) => {
        const message = listenedMessageFromUpdate(update as unknown as Update, BOT, Date.now());
        if (!message) return;
        expect(message.key).toMatch(/\S/);
        expect(message.community.externalId).toMatch(/\S/);
        expect(message.author.externalId).toMatch(/\S/);
        expect(typeof message.text).toBe("string");
        const report = await core.listener.receive({ ...message, key: `${message.key}:${randomUUID()}` });
        expect(report.handled.every((handled) => handled.outcome !== "failed")).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("GIVEN slash commands with random option values THEN each is handled, never thrown", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          name: fc.constantFrom("meme", "help", "start", "config", "nope"),
          topic: fc.option(argumentText, { nil: undefined }),
          key: fc.option(trickyText, { nil: undefined }),
          value: fc.option(argumentText, { nil: undefined }),
          inGuild: fc.boolean(),
        }),
        async (input) => {
          const options = (
            [
              ["topic", input.topic],
              ["key", input.key],
              ["value", input.value],
            ] as const
          )
            .filter(([, value]) => value !== undefined)
            .map(([name, value]) => ({ name, type: 3, value }));
          const raw = chatInputInteraction({
            applicationId: "1",
            ...(input.inGuild ? { guildId: "77" } : {}),
            user: { id: String(100 + Math.floor(Math.random() * 1e9)), username: "u" },
            commandName: input.name,
            options,
          });
          const interaction = Reflect.construct(ChatInputCommandInteraction, [
            discord,
            raw,
          ]) as ChatInputCommandInteraction;
          const invocation = invocationFrom(interaction, Date.now());
          expectWellFormed(invocation);
          await expectHandled(invocation);
        },
      ),
      { numRuns: 100 },
    );
  });
});
