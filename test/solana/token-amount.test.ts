import { formatTokenAmount, MAX_TOKEN_AMOUNT, parseTokenAmount } from "@memebot/solana";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const base = (text: string, decimals: number) => parseTokenAmount(text, decimals);

describe("parseTokenAmount", () => {
  it("reads whole and decimal amounts exactly into base units", () => {
    expect(base("1000", 6)).toEqual({ ok: true, value: 1_000_000_000n });
    expect(base("1.5", 6)).toEqual({ ok: true, value: 1_500_000n });
    expect(base("0.000001", 6)).toEqual({ ok: true, value: 1n });
    expect(base(" 42 ", 0)).toEqual({ ok: true, value: 42n });
    expect(base("0", 9)).toEqual({ ok: true, value: 0n });
    // 0.1 and 0.2 as floats do not add up to 0.3; as base units they do.
    expect(base("0.3", 9)).toEqual({ ok: true, value: 300_000_000n });
    // Zeros beyond the mint's decimals change nothing.
    expect(base("2.500000000", 6)).toEqual({ ok: true, value: 2_500_000n });
  });

  it("refuses more decimal places than the mint has", () => {
    expect(base("0.0000001", 6)).toEqual({ ok: false, reason: "amount_too_precise" });
    expect(base("1.5", 0)).toEqual({ ok: false, reason: "amount_too_precise" });
  });

  it("refuses negatives, exponents, signs, hex, stray points and garbage", () => {
    expect(base("-5", 6)).toEqual({ ok: false, reason: "amount_negative" });
    expect(base("-0.5", 6)).toEqual({ ok: false, reason: "amount_negative" });
    for (const text of [
      "",
      " ",
      "1e6",
      "1E6",
      "+5",
      "0x10",
      "1.",
      ".5",
      "1.2.3",
      "abc",
      "5 tokens",
      "Infinity",
      "NaN",
      "١٢٣",
    ]) {
      expect(base(text, 6), text).toEqual({ ok: false, reason: "amount_invalid" });
    }
  });

  it("refuses digit grouping rather than guessing whether the comma is a decimal point", () => {
    for (const text of ["1,000", "1,000,000.5", "1_000", "1 000", "1,5"]) {
      expect(base(text, 6), text).toEqual({ ok: false, reason: "amount_grouped" });
    }
  });

  it("refuses amounts beyond what a token account can hold (u64)", () => {
    expect(base("18446744073709551615", 0)).toEqual({ ok: true, value: MAX_TOKEN_AMOUNT });
    expect(base("18446744073709551616", 0)).toEqual({ ok: false, reason: "amount_too_large" });
    expect(base("18446744073.709551616", 9)).toEqual({ ok: false, reason: "amount_too_large" });
    expect(base("9".repeat(200), 0)).toEqual({ ok: false, reason: "amount_invalid" });
  });

  it("throws on decimals no mint can have (a bug, not a user's mistake)", () => {
    expect(() => base("1", -1)).toThrow(RangeError);
    expect(() => base("1", 256)).toThrow(RangeError);
    expect(() => base("1", 1.5)).toThrow(RangeError);
  });
});

describe("formatTokenAmount", () => {
  it("writes base units as a plain decimal without trailing zeros", () => {
    expect(formatTokenAmount(1_500_000n, 6)).toBe("1.5");
    expect(formatTokenAmount(1n, 6)).toBe("0.000001");
    expect(formatTokenAmount(1_000_000_000n, 6)).toBe("1000");
    expect(formatTokenAmount(0n, 9)).toBe("0");
    expect(formatTokenAmount(42n, 0)).toBe("42");
    expect(formatTokenAmount(-1_500_000n, 6)).toBe("-1.5");
  });

  it("round-trips with parseTokenAmount for every u64 and every decimals", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: MAX_TOKEN_AMOUNT }),
        fc.integer({ min: 0, max: 30 }),
        (amount, decimals) => {
          expect(parseTokenAmount(formatTokenAmount(amount, decimals), decimals)).toEqual({
            ok: true,
            value: amount,
          });
        },
      ),
    );
  });

  // Up to 8 whole digits and 10 decimals stays within u64.
  it("parses any plain decimal text to a value that formats back to the same number", () => {
    const decimalText = fc
      .tuple(fc.stringMatching(/^\d{1,8}$/), fc.stringMatching(/^\d{0,9}$/), fc.integer({ min: 9, max: 10 }))
      .map(([whole, fraction, decimals]) => ({ text: fraction ? `${whole}.${fraction}` : whole, decimals }));
    fc.assert(
      fc.property(decimalText, ({ text, decimals }) => {
        const parsed = parseTokenAmount(text, decimals);
        if (!parsed.ok) throw new Error(`${text} was refused: ${parsed.reason}`);
        const formatted = formatTokenAmount(parsed.value, decimals);
        // The same number: leading zeros of the whole part and trailing zeros of the fraction go.
        const [whole = "", fraction = ""] = text.split(".");
        const canonical = `${BigInt(whole)}${fraction.replace(/0+$/, "") ? `.${fraction.replace(/0+$/, "")}` : ""}`;
        expect(formatted).toBe(canonical);
      }),
    );
  });
});
