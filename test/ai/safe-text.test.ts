import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import {
  createMemeDraftWriter,
  createOfflineMemeEngine,
  OFFLINE_TEMPLATES,
  sanitizeTopic,
  type MemeDraftWriter,
} from "@memebot/ai";
import { DEFAULT_PERSONA, findUnsafeText, stripUnsafeText } from "@memebot/core";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai/server.ts";
import { gatewayFactory, modelsConfig, provider } from "./gateway/support.ts";

const EVM_ADDRESS = "0x52908400098527886E0F7030069857D2E4169EE7";
const SOLANA_ADDRESS = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";

/** Each unsafe piece, what it counts as, and a word that must not survive stripping. */
const UNSAFE: ReadonlyArray<[text: string, kind: string]> = [
  ["scam.io", "domain"],
  ["t.me/pump", "domain"],
  ["example.com", "domain"],
  ["pump.fun/coin/abc", "domain"],
  ["discord.gg/invite", "domain"],
  ["vitalik.eth", "domain"],
  ["SCAM.IO", "domain"],
  ["scam。io", "domain"],
  ["scam．io", "domain"],
  ["ｓｃａｍ．ｉｏ", "domain"],
  ["scam . io", "domain"],
  ["scam .io", "domain"],
  ["scam[.]io", "domain"],
  ["scam(dot)io", "domain"],
  ["scam\u200B.io", "domain"],
  ["scam.\u00ADio", "domain"],
  ["dev@scam.io", "domain"],
  ["https://x.y", "link"],
  ["tg://resolve?domain=pump", "link"],
  ["www.scam", "link"],
  ["@dev", "handle"],
  ["@everyone", "handle"],
  ["@here", "handle"],
  ["＠dev", "handle"],
  ["@\u200Beveryone", "handle"],
  ["<@123456789012345678>", "mention"],
  ["<@!123456789012345678>", "mention"],
  ["<@&123>", "mention"],
  ["<#123>", "mention"],
  ["</meme:123>", "mention"],
  [EVM_ADDRESS, "address"],
  [EVM_ADDRESS.toLowerCase(), "address"],
  [SOLANA_ADDRESS, "address"],
  ["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "address"],
];

/** Ordinary text that must pass untouched: the judgment calls of safe-text.ts. */
const ORDINARY = [
  "3.5x",
  "e.g. this",
  "i.e. that",
  "U.S.A.",
  "Ph.D.",
  "$PEPE to the moon",
  "lol.jk",
  "node.js",
  "v2.0",
  "buy the dip. me? never.",
  "wait... so",
  "meet @ 5",
  "#bonk 100% + 50%",
  "café au lait",
  "pneumonoultramicroscopicsilicovolcanoconiosis",
  "WEN LAMBO, SER?",
  "ONE DOES NOT SIMPLY SELL BONK",
  "नमस्ते दुनिया",
  "میم کوین",
  "می\u200Cخواهم",
  "👨‍👩‍👧 family",
];

describe("findUnsafeText", () => {
  it.each(UNSAFE)("GIVEN %j THEN finds a %s", (text, kind) => {
    expect(findUnsafeText(text)?.kind).toBe(kind);
    expect(findUnsafeText(`buy ${text} now`)?.kind).toBe(kind);
  });

  it.each(ORDINARY)("GIVEN ordinary text %j THEN finds nothing", (text) => {
    expect(findUnsafeText(text)).toBeUndefined();
  });
});

describe("stripUnsafeText", () => {
  it.each(UNSAFE)("GIVEN %j THEN removes it and keeps the words around it", (text) => {
    const stripped = stripUnsafeText(`buy ${text} now`);
    expect(stripped.replace(/\s+/g, " ")).toMatch(/^buy (dev )?now$/);
    expect(findUnsafeText(stripped)).toBeUndefined();
  });

  it.each(ORDINARY)("GIVEN ordinary text %j THEN leaves it as it is", (text) => {
    expect(stripUnsafeText(text)).toBe(text);
  });

  it("GIVEN any text THEN leaves nothing unsafe", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (text) => {
        expect(findUnsafeText(stripUnsafeText(text))).toBeUndefined();
      }),
      { numRuns: 2_000 },
    );
  });

  it("GIVEN sentences of plain words THEN changes nothing", () => {
    const word = fc.stringMatching(/^[a-zA-Z']{1,12}$/);
    const gap = fc.constantFrom(" ", ". ", ", ", "! ", "? ", " - ", "... ");
    const sentence = fc
      .array(fc.tuple(word, gap), { minLength: 1, maxLength: 20 })
      .map((parts) => parts.map(([w, g]) => w + g).join(""));
    fc.assert(
      fc.property(sentence, (text) => {
        expect(stripUnsafeText(text)).toBe(text);
      }),
      { numRuns: 1_000 },
    );
  });
});

// Topics with an unsafe piece among ordinary words, glued by whatever a user might type.
const unsafePiece = fc.constantFrom(...UNSAFE.map(([text]) => text));
const glue = fc.constantFrom(" ", "", "\n", "🚀", "\u200B", ".", "/", "@", "-");
const topicWithUnsafe = fc
  .tuple(fc.string({ maxLength: 40 }), glue, unsafePiece, glue, fc.string({ maxLength: 40 }))
  .map((parts) => parts.join(""));

describe("the offline engine", () => {
  it("GIVEN a topic with a link, handle, mention or address THEN echoes none of it", () => {
    fc.assert(
      fc.property(topicWithUnsafe, fc.nat(OFFLINE_TEMPLATES.length - 1), (topic, index) => {
        const engine = createOfflineMemeEngine({ random: () => (index + 0.5) / OFFLINE_TEMPLATES.length });
        const { top, bottom } = engine.write(topic);
        expect(findUnsafeText(`${top}\n${bottom}`)).toBeUndefined();
      }),
      { numRuns: 3_000 },
    );
  });

  it("GIVEN any topic THEN no template line holds anything unsafe", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: "grapheme", maxLength: 200 }), topicWithUnsafe),
        fc.nat(OFFLINE_TEMPLATES.length - 1),
        (topic, index) => {
          const engine = createOfflineMemeEngine({ random: () => (index + 0.5) / OFFLINE_TEMPLATES.length });
          const { top, bottom } = engine.write(topic);
          expect(findUnsafeText(`${top}\n${bottom}`)).toBeUndefined();
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it("GIVEN the topic 'buy scam.io @dev <@&123> @everyone' THEN keeps only the words", () => {
    expect(sanitizeTopic(`buy scam.io @dev <@&123> @everyone t.me/pump ${EVM_ADDRESS} now`)).toBe("BUY NOW");
  });

  it("GIVEN a topic whose cut to fit would end on a domain THEN falls back to the generic subject", () => {
    // "{TOPIC} CHART AT 3 AM" leaves 64 characters for the topic; cutting there leaves "…SCAM.IO".
    const index = OFFLINE_TEMPLATES.findIndex((template) => template.top === "{TOPIC} CHART AT 3 AM");
    const engine = createOfflineMemeEngine({ random: () => (index + 0.5) / OFFLINE_TEMPLATES.length });
    const room = 80 - " CHART AT 3 AM".length;
    const topic = `${"x".repeat(room - "scam.io".length)}scam.iotaiota`;
    expect(findUnsafeText(topic)).toBeUndefined();

    expect(engine.write(topic)).toEqual({
      top: "THIS TOKEN CHART AT 3 AM",
      bottom: "I'M IN THIS PICTURE AND I LIKE IT",
    });
  });

  it("GIVEN a topic the template's words complete into a domain THEN falls back to the generic subject", () => {
    const index = OFFLINE_TEMPLATES.findIndex((template) => template.bottom === "{TOPIC} IS A LIFESTYLE");
    const engine = createOfflineMemeEngine({ random: () => (index + 0.5) / OFFLINE_TEMPLATES.length });

    expect(engine.write("scam .").bottom).toBe("THIS TOKEN IS A LIFESTYLE");
  });
});

describe("the meme writer", () => {
  let fake: FakeOpenAI;
  const community = { platform: "console", externalId: "local", kind: "group" } as const;
  const templates = [
    {
      name: "classic",
      description: "A setup and a punchline.",
      tags: [],
      layout: "classic",
      width: 1024,
      height: 1024,
      boxes: [
        { id: "top", label: "setup", x: 0, y: 0, width: 1024, height: 200, style: "outlined" },
        { id: "bottom", label: "punchline", x: 0, y: 824, width: 1024, height: 200, style: "outlined" },
      ],
    },
  ] as const;
  const request = (topic: string) => ({
    topic,
    language: "en",
    persona: DEFAULT_PERSONA,
    community,
    templates,
  });
  const reply = (top: string, bottom: string) =>
    JSON.stringify({ template: "classic", texts: { top, bottom }, caption: "gm" });
  /** A writer over the real gateway whose one provider is the fake. */
  const writerFor = (context: TestContext): MemeDraftWriter =>
    createMemeDraftWriter({
      gateway: gatewayFactory(context).open(modelsConfig([provider("fake", fake.baseURL)])).gateway,
    });
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake.close();
  });

  const BAD_ANSWERS: ReadonlyArray<[top: string, bottom: string]> = [
    ["BUY NOW", "AT SCAM.IO"],
    ["JOIN US", "t.me/pump"],
    ["ASK", "@dev"],
    ["PING <@&123>", "WAGMI"],
    ["@everyone", "WAKE UP"],
    ["SEND SOL TO", SOLANA_ADDRESS],
    ["SEND ETH TO", EVM_ADDRESS],
    ["BUY AT SCAM", ".IO TODAY"],
  ];

  it.for(BAD_ANSWERS)(
    "GIVEN a model that answers %j / %j THEN asks once more and then uses the offline captions",
    async ([top, bottom], context) => {
      const before = fake.requests.length;
      fake.setBehaviour({ kind: "reply", content: reply(top, bottom) });
      const draft = await writerFor(context).write(request("bonk scam.io @dev <@&123>"));

      expect(fake.requests.length - before).toBe(2);
      expect(draft).toMatchObject({ engine: "offline", fallbackReason: "invalid_response" });
      const drawn = Object.values(draft.texts).join("\n");
      expect(findUnsafeText(`${drawn}\n${draft.caption}`)).toBeUndefined();
      expect(drawn).toContain("BONK");
    },
  );

  it("GIVEN a model that answers cleanly the second time THEN posts the second answer", async (context) => {
    let calls = 0;
    fake.setBehaviour(() => ({
      kind: "reply",
      content: ++calls === 1 ? reply("FOLLOW", "@dev") : reply("NOBODY:", "BONK HOLDERS"),
    }));
    const draft = await writerFor(context).write(request("bonk"));
    expect(draft).toMatchObject({ texts: { top: "NOBODY:", bottom: "BONK HOLDERS" }, engine: "model" });
  });
});
