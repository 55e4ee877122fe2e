// /persona through the dispatcher as production composes it (createBotDispatch on the test
// PostgreSQL and Redis). The admin check is the invocation's own input, as each adapter supplies
// it; the adapter tests check it against the fake platforms' roles.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_PERSONA,
  type AdminCheckOptions,
  type CommandInvocation,
  type Platform,
} from "@memebot/core";
import { createBotCore, type BotCore } from "../../support/bot-core.ts";

let core: BotCore;
beforeAll(async () => {
  core = await createBotCore();
});
afterAll(() => core.close());

interface Chat {
  community: { platform: Platform; externalId: string };
  /** What the admin checks were asked, in order. */
  adminChecks: (AdminCheckOptions | undefined)[];
  /** Sends one command line as `user`; answers with the reply text. */
  send(text: string, options?: { admin?: boolean; user?: string; platform?: Platform }): Promise<string>;
}

let counter = 0;
function newChat(platform: Platform = "telegram"): Chat {
  const externalId = `persona-${randomUUID()}`;
  const adminChecks: (AdminCheckOptions | undefined)[] = [];
  return {
    community: { platform, externalId },
    adminChecks,
    async send(text, options = {}) {
      counter += 1;
      const match = /^\/(\S+)\s*([\s\S]*)$/.exec(text);
      const invocation: CommandInvocation = {
        key: `test:persona:${randomUUID()}`,
        platform,
        community: { platform, externalId, title: "Frog Pond", kind: "group" },
        actor: { platform, externalId: options.user ?? "admin-1", username: "ana" },
        name: match?.[1]?.toLowerCase() ?? null,
        args: { kind: "text", text: match?.[2] ?? "" },
        addressed: true,
        target:
          platform === "console"
            ? { platform: "console", sessionId: "s" }
            : { platform: "telegram", chatId: externalId, replyToMessageId: counter },
        receivedAt: Date.now(),
        isAdmin: async (check) => {
          adminChecks.push(check);
          return options.admin ?? false;
        },
      };
      const result = await core.dispatch(invocation);
      if (result.kind !== "reply") throw new Error(`expected a reply, got ${result.kind}`);
      await result.complete();
      return result.message.text;
    },
  };
}

const storedPersona = (chat: Chat) =>
  core.infrastructure.database.prisma.persona.findFirst({
    where: { community: chat.community },
    select: { data: true, updatedBy: true },
  });

describe("/persona show", () => {
  it("GIVEN a new community THEN anyone sees the default persona with its fields and how admins change it", async () => {
    const chat = newChat();
    const text = await chat.send("/persona");
    expect(text).toContain("The bot's persona in this community (the default):");
    expect(text).toContain(`Name: ${DEFAULT_PERSONA.name}`);
    expect(text).toContain(`Topics: ${DEFAULT_PERSONA.topics.join(", ")}`);
    expect(text).toContain(`Example exchanges: ${DEFAULT_PERSONA.examples.length}`);
    expect(text).toContain("• gm → gm gm");
    expect(text).toContain("Admins change it with /persona set <field> <value>");
    // Reading asks nobody whether the reader is an admin.
    expect(chat.adminChecks).toEqual([]);
    expect(await chat.send("/persona show")).toBe(text);
  });

  it("GIVEN a community that speaks Spanish THEN the labels are Spanish", async () => {
    const chat = newChat();
    await core.seedSettings(chat.community, { language: "es" });
    const text = await chat.send("/persona");
    expect(text).toContain("La personalidad del bot en esta comunidad (la predeterminada):");
    expect(text).toContain(`Nombre: ${DEFAULT_PERSONA.name}`);
    expect(text).toContain("Palabras que evitar:");
  });

  it("GIVEN a long list THEN the summary shortens it and /persona show <field> lists it whole", async () => {
    const chat = newChat();
    const words = Array.from({ length: 20 }, (_, index) => `word${index}`);
    await chat.send(`/persona set avoid ${words.join(", ")}`, { admin: true });

    const summary = await chat.send("/persona");
    expect(summary).toContain(`Words to avoid: ${words.slice(0, 8).join(", ")}`);
    expect(summary).toContain("…and 12 more: /persona show avoid");
    expect(await chat.send("/persona show AVOID")).toBe(`Words to avoid: ${words.join(", ")}`);
    expect(await chat.send("/persona show mood")).toBe(
      "There is no persona field called “mood”. Fields: name, bio, style, topics, examples, avoid.",
    );
  });
});

describe("/persona set", () => {
  it("GIVEN a member THEN refuses every change, asking the platform afresh, and stores nothing", async () => {
    const chat = newChat();
    for (const line of ["/persona set name Wojak", '/persona import {"name": "Wojak"}', "/persona reset"]) {
      expect(await chat.send(line, { admin: false })).toBe(
        "Only admins of this community can do that (Telegram chat administrators).",
      );
    }
    expect(chat.adminChecks).toEqual([{ fresh: true }, { fresh: true }, { fresh: true }]);
    expect(await storedPersona(chat)).toBeNull();
  });

  it("GIVEN an admin THEN each field is set, stored in PostgreSQL with who set it, and shown", async () => {
    const chat = newChat();
    const admin = { admin: true, user: "admin-42" };
    expect(await chat.send("/persona set name Pepe the Degen", admin)).toBe("Persona updated: name changed.");
    await chat.send("/persona set bio A frog who has\nseen every cycle.", admin);
    await chat.send("/persona set style dry, short, lowercase", admin);
    await chat.send("/persona set topics frogs,  charts ,, ponds", admin);
    await chat.send("/persona set avoid rug, to the moon", admin);
    await chat.send("/persona set examples gm => gm fren; wen moon? => ser, patience", admin);

    const stored = await storedPersona(chat);
    expect(stored).toEqual({
      data: {
        name: "Pepe the Degen",
        bio: "A frog who has\nseen every cycle.",
        style: "dry, short, lowercase",
        topics: ["frogs", "charts", "ponds"],
        avoid: ["rug", "to the moon"],
        examples: [
          { user: "gm", bot: "gm fren" },
          { user: "wen moon?", bot: "ser, patience" },
        ],
      },
      updatedBy: "admin-42",
    });
    const shown = await chat.send("/persona");
    expect(shown).toContain("The bot's persona in this community:");
    expect(shown).toContain("Name: Pepe the Degen");
    expect(shown).toContain("• wen moon? → ser, patience");
  });

  it("GIVEN “-” THEN clears a list or a text, and a name cannot be cleared", async () => {
    const chat = newChat();
    expect(await chat.send("/persona set topics -", { admin: true })).toBe(
      "Persona updated: topics changed.",
    );
    await chat.send("/persona set bio -", { admin: true });
    expect((await storedPersona(chat))?.data).toMatchObject({ topics: [], bio: "" });
    expect(await chat.send("/persona set name -", { admin: true })).toBe("Persona updated: name changed.");
    expect(await chat.send("/persona set name \u200b", { admin: true })).toContain("Give a value for name.");
  });

  it("GIVEN the value already set THEN says nothing changed", async () => {
    const chat = newChat();
    expect(await chat.send(`/persona set name ${DEFAULT_PERSONA.name}`, { admin: true })).toBe(
      "name already says that: nothing changed.",
    );
  });

  it("GIVEN mistakes THEN answers with what is wrong and how to do it, and stores nothing", async () => {
    const chat = newChat();
    const admin = { admin: true };
    expect(await chat.send("/persona set mood happy", admin)).toBe(
      "There is no persona field called “mood”. Fields: name, bio, style, topics, examples, avoid.",
    );
    expect(await chat.send("/persona set topics", admin)).toBe(
      "Give a value for topics. Separate items with commas, e.g. /persona set topics memes, gm, cats. “-” clears the list.",
    );
    expect(await chat.send("/persona set", admin)).toContain("How to use /persona:");
    expect(await chat.send("/persona set examples gm => gm; wen moon", admin)).toBe(
      "Exchange 2 must look like “user text => bot text”.",
    );
    expect(await chat.send(`/persona set name ${"n".repeat(41)}`, admin)).toBe(
      "name is too long: at most 40 characters.",
    );
    expect(
      await chat.send(
        `/persona set topics ${Array.from({ length: 13 }, (_, i) => `t${i}`).join(",")}`,
        admin,
      ),
    ).toBe("topics has too many items: at most 12.");
    expect(await chat.send("/persona set bio follow @degen_calls", admin)).toBe(
      "bio can't contain an @handle: the bot never posts links, domains, @handles, mentions or wallet addresses.",
    );
    expect(await chat.send("/persona set style shill pump.fun daily", admin)).toContain(
      "style can't contain a domain name",
    );
    expect(await chat.send("/persona dance", admin)).toMatch(
      /^I don't know “dance”\.\nHow to use \/persona:/,
    );
    expect(await storedPersona(chat)).toBeNull();
  });
});

describe("/persona show <field> within the platform's message limit", () => {
  // Every limit at its maximum: 6 examples of 300 + 300 characters, 50 words to avoid of 40.
  const longExamples = Array.from({ length: 6 }, (_, index) => ({
    user: `question ${index + 1} `.padEnd(300, "q"),
    bot: `answer ${index + 1} `.padEnd(300, "a"),
  }));
  const longAvoid = Array.from({ length: 50 }, (_, index) => `avoided phrase ${index + 1} `.padEnd(40, "z"));
  const fullPersona = JSON.stringify({ name: "Wojak", examples: longExamples, avoid: longAvoid });

  it("GIVEN every example and word to avoid at full length on Discord THEN each reply fits in 2,000 characters and says what it left out", async () => {
    const chat = newChat("discord");
    expect(await chat.send(`/persona import ${fullPersona}`, { admin: true })).toBe(
      "Persona imported: I am Wojak now.",
    );
    const examples = await chat.send("/persona show examples");
    expect(examples.length).toBeLessThanOrEqual(2_000);
    expect(examples).toContain(`• ${longExamples[0]?.user} → ${longExamples[0]?.bot}`);
    const shownExamples = longExamples.filter((example) => examples.includes(example.bot)).length;
    expect(shownExamples).toBeGreaterThan(0);
    expect(shownExamples).toBeLessThan(6);
    expect(examples).toContain(`(shortened: ${6 - shownExamples} more not shown`);

    const avoid = await chat.send("/persona show avoid");
    expect(avoid.length).toBeLessThanOrEqual(2_000);
    const shownAvoid = longAvoid.filter((phrase) => avoid.includes(phrase)).length;
    expect(shownAvoid).toBeLessThan(50);
    expect(avoid).toContain(`(shortened: ${50 - shownAvoid} more not shown`);
  });

  it("GIVEN the same persona on Telegram THEN its 4,096 characters hold every example whole", async () => {
    const chat = newChat("telegram");
    await chat.send(`/persona import ${fullPersona}`, { admin: true });
    const examples = await chat.send("/persona show examples");
    expect(examples.length).toBeLessThanOrEqual(4_096);
    for (const example of longExamples) expect(examples).toContain(`• ${example.user} → ${example.bot}`);
    expect(examples).not.toContain("shortened");
  });
});

describe("/persona import and reset", () => {
  it("GIVEN JSON with some fields THEN imports them with the rest from the default", async () => {
    const chat = newChat();
    const json = JSON.stringify({ name: "Wojak", topics: ["feels", "charts"] });
    expect(await chat.send(`/persona import ${json}`, { admin: true })).toBe(
      "Persona imported: I am Wojak now.",
    );
    expect((await storedPersona(chat))?.data).toEqual({
      ...DEFAULT_PERSONA,
      name: "Wojak",
      topics: ["feels", "charts"],
    });
  });

  it("GIVEN JSON typed with curly quotes THEN reads it as the straight quotes meant", async () => {
    const chat = newChat();
    expect(await chat.send("/persona import {“name”: “Wojak”}", { admin: true })).toBe(
      "Persona imported: I am Wojak now.",
    );
  });

  it("GIVEN malformed JSON THEN says where it broke; GIVEN bad fields THEN names each one", async () => {
    const chat = newChat();
    const admin = { admin: true };
    expect(await chat.send('/persona import {"name": "Wojak",\n "bio" "sad"}', admin)).toBe(
      "That isn't valid JSON (line 2, column 8). Check the quotes, commas and brackets.",
    );
    expect(await chat.send("/persona import {name: Wojak", admin)).toBe(
      "That isn't valid JSON (line 1, column 2). Check the quotes, commas and brackets.",
    );
    expect(await chat.send('/persona import ["Wojak"]', admin)).toBe(
      'The persona must be a JSON object, like {"name": "Pepe", "topics": ["memes"]}.',
    );
    expect(
      await chat.send('/persona import {"name": "Wojak", "mood": "sad", "topics": "feels"}', admin),
    ).toBe(
      [
        "That persona can't be saved:",
        '• topics must be a list of texts, like ["memes", "gm"].',
        "• “mood” is not a persona field. Fields: name, bio, style, topics, examples, avoid.",
      ].join("\n"),
    );
    expect(
      await chat.send('/persona import {"examples": [{"user": "gm", "bot": "https://x.example"}]}', admin),
    ).toContain("examples[0].bot can't contain a link");
    expect(await chat.send("/persona import", admin)).toBe(
      "Put the persona as JSON after /persona import, or attach a .json file to the command.",
    );
    expect(await storedPersona(chat)).toBeNull();
  });

  it("GIVEN JSON longer than a command may carry THEN answers with the limit, not a crash", async () => {
    const chat = newChat();
    const text = await chat.send(`/persona import {"bio": "${"a ".repeat(3500)}"}`, { admin: true });
    expect(text).toBe("<rest> is too long: at most 6000 characters.\nUsage: /persona [action] [rest]");
  });

  it("GIVEN the console THEN /persona import without JSON says the console cannot attach files", async () => {
    const chat = newChat("console");
    expect(await chat.send("/persona import", { admin: true })).toBe(
      "Put the persona as JSON after /persona import (the console cannot attach files).",
    );
  });

  it("GIVEN a reset THEN the stored persona is deleted and the default is shown again", async () => {
    const chat = newChat();
    await chat.send('/persona import {"name": "Wojak"}', { admin: true });
    expect(await chat.send("/persona reset", { admin: true })).toBe("Persona reset to the default.");
    expect(await storedPersona(chat)).toBeNull();
    expect(await chat.send("/persona")).toContain(`(the default):\nName: ${DEFAULT_PERSONA.name}`);
  });
});
