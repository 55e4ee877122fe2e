import { describe, expect, it } from "vitest";
import { createOfflineMemeEngine, OFFLINE_TEMPLATES, sanitizeTopic } from "@memebot/ai";

/** Picks template `index` on every call. */
function fixedRandom(index: number): () => number {
  return () => (index + 0.5) / OFFLINE_TEMPLATES.length;
}

describe("createOfflineMemeEngine", () => {
  it("ships about thirty templates, each using the topic at least once", () => {
    expect(OFFLINE_TEMPLATES.length).toBeGreaterThanOrEqual(28);
    for (const template of OFFLINE_TEMPLATES) {
      expect(`${template.top} ${template.bottom}`).toContain("{TOPIC}");
    }
  });

  it("fills the chosen template with the uppercased topic", () => {
    const engine = createOfflineMemeEngine({ random: fixedRandom(0) });
    expect(engine.write("  bonk  ")).toEqual({ top: "ONE DOES NOT SIMPLY", bottom: "SELL BONK" });
  });

  it("uses the injected random number to choose the template", () => {
    const first = createOfflineMemeEngine({ random: () => 0 }).write("doge");
    const last = createOfflineMemeEngine({ random: () => 0.999999 }).write("doge");
    const lastTemplate = OFFLINE_TEMPLATES.at(-1);
    expect(first.top).toBe("ONE DOES NOT SIMPLY");
    expect(last.top).toBe(lastTemplate?.top.replaceAll("{TOPIC}", "DOGE"));
  });

  it("varies the template with the default random source", () => {
    const engine = createOfflineMemeEngine();
    const captions = new Set(Array.from({ length: 60 }, () => JSON.stringify(engine.write("pepe"))));
    expect(captions.size).toBeGreaterThan(5);
  });

  it("keeps every line of every template within 80 characters for a very long topic", () => {
    const topic =
      "the most incredibly long winded community token name anyone has ever typed into a chat box ".repeat(3);
    OFFLINE_TEMPLATES.forEach((_, index) => {
      const { top, bottom } = createOfflineMemeEngine({ random: fixedRandom(index) }).write(topic);
      expect(top.length).toBeLessThanOrEqual(80);
      expect(bottom.length).toBeLessThanOrEqual(80);
      expect(`${top} ${bottom}`).toContain("THE MOST");
      expect(top).toBe(top.toUpperCase());
    });
  });

  it("falls back to a generic subject when the topic has nothing printable", () => {
    const engine = createOfflineMemeEngine({ random: fixedRandom(0) });
    expect(engine.write(" \n🚀🚀 ").bottom).toBe("SELL THIS TOKEN");
  });
});

describe("sanitizeTopic", () => {
  it("removes links, addresses, emoji and line breaks but keeps tickers and accents", () => {
    const topic =
      "$BONK 🚀 to café\nsee https://pump.fun/abc 7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU 0x52908400098527886E0F7030069857D2E4169EE7";
    expect(sanitizeTopic(topic)).toBe("$BONK TO CAFÉ SEE");
  });

  it("keeps long ordinary words that only look like addresses by length", () => {
    expect(sanitizeTopic("pneumonoultramicroscopicsilicovolcanoconiosis")).toBe(
      "PNEUMONOULTRAMICROSCOPICSILICOVOLCANOCONIOSIS",
    );
  });
});
