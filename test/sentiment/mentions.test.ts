// Mention extraction: cashtags (not prices), Solana mints recognised by decoding, community aliases
// as whole words, several per message, each once.
import {
  base58ByteLength,
  createMentionMatcher,
  extractMentions,
  isMintAddress,
  MAX_MENTIONS_PER_MESSAGE,
} from "@memebot/core";
import { describe, expect, it } from "vitest";

const BONK_MINT = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
const USDC_MINT = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";

describe("cashtags", () => {
  it("finds cashtags in any case, upper-cased", () => {
    expect(extractMentions("$BONK to the moon")).toEqual(["BONK"]);
    expect(extractMentions("aping into $wif and $Popcat, not $bonk.")).toEqual(["WIF", "POPCAT", "BONK"]);
    expect(extractMentions("($SOL/$USDC)")).toEqual(["SOL", "USDC"]);
    expect(extractMentions("$JUP2 launch")).toEqual(["JUP2"]);
  });

  it("does not take prices and other dollar signs for tokens", () => {
    for (const text of ["only $5 left", "$5.20 each", "mcap $100k", "US$50", "$ bonk", "a$BONK", "$B", "$"]) {
      expect(extractMentions(text), text).toEqual([]);
    }
    // Too long to be a symbol: no part of it is taken either.
    expect(extractMentions("$ABCDEFGHIJK")).toEqual([]);
  });

  it("lists each token once, in order of first appearance", () => {
    expect(extractMentions("$BONK $bonk $WIF $BONK")).toEqual(["BONK", "WIF"]);
  });

  it("keeps at most a handful per message", () => {
    const many = Array.from(
      { length: 30 },
      (_, index) => `$T${String.fromCharCode(65 + (index % 26))}${index}`,
    );
    expect(extractMentions(many.join(" "))).toHaveLength(MAX_MENTIONS_PER_MESSAGE);
  });
});

describe("mint addresses", () => {
  it("decodes base58 to count bytes", () => {
    expect(base58ByteLength(BONK_MINT)).toBe(32);
    expect(base58ByteLength(USDC_MINT)).toBe(32);
    expect(base58ByteLength("11111111111111111111111111111111")).toBe(32);
    expect(base58ByteLength("z".repeat(44))).toBe(33);
    expect(base58ByteLength("0OIl")).toBe(-1);
  });

  it("takes addresses that decode to exactly 32 bytes, and nothing else of that shape", () => {
    expect(isMintAddress(BONK_MINT)).toBe(true);
    expect(isMintAddress("z".repeat(44))).toBe(false);
    expect(isMintAddress("abcdefghijkmnopqrstuvwxyzABCDEFG")).toBe(false);
    expect(extractMentions(`ca: ${BONK_MINT}`)).toEqual([BONK_MINT]);
    expect(extractMentions(`${"z".repeat(44)} and abcdefghijkmnopqrstuvwxyzABCDEFG`)).toEqual([]);
    // Glued into a longer word (a URL path segment is fine, a longer run is not an address).
    expect(extractMentions(`x${BONK_MINT}`)).toEqual([]);
    expect(extractMentions(`https://dexscreener.com/solana/${USDC_MINT}`)).toEqual([USDC_MINT]);
  });

  it("names a tracked token by its mint", () => {
    const matcher = createMentionMatcher([{ symbol: "BONK", mint: BONK_MINT, aliases: [] }]);
    expect(extractMentions(`buy ${BONK_MINT} now, also $BONK`, matcher)).toEqual(["BONK"]);
  });
});

describe("aliases", () => {
  const matcher = createMentionMatcher([
    { symbol: "BONK", mint: BONK_MINT, aliases: ["bonk", "bonk inu"] },
    { symbol: "WIF", aliases: ["dogwifhat", "the hat"] },
  ]);

  it("matches whole words and phrases, in any case", () => {
    expect(extractMentions("BONK is pumping", matcher)).toEqual(["BONK"]);
    expect(extractMentions("Bonk   Inu holders rise up", matcher)).toEqual(["BONK"]);
    expect(extractMentions("the HAT stays on", matcher)).toEqual(["WIF"]);
    expect(extractMentions("bonkers market, bonking around", matcher)).toEqual([]);
  });

  it("finds several tokens by different means in one message", () => {
    expect(extractMentions("dogwifhat > bonk, and $POPCAT too", matcher)).toEqual(["WIF", "BONK", "POPCAT"]);
    expect(extractMentions("$BONK bonk bonk inu", matcher)).toEqual(["BONK"]);
  });

  it("finds nothing in a message without mentions", () => {
    expect(extractMentions("gm everyone, what a day", matcher)).toEqual([]);
  });
});
