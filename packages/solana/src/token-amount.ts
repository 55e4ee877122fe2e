// Token amounts as the chain counts them: bigint base units, parsed exactly with the mint's decimals.
// Never a float: 0.1 + 0.2 is not 0.3, and a float cannot hold every u64.

/** The largest amount a token account or mint supply can hold (u64). */
export const MAX_TOKEN_AMOUNT = 2n ** 64n - 1n;

export type TokenAmountProblem =
  /** Not digits with an optional decimal point ("abc", "1e6", "+5", "1.", ".5", "0x10", ""). */
  | "amount_invalid"
  | "amount_negative"
  /** "1,000" or "1_000" or "1 000": refused rather than guessed, since "1,5" means 1.5 in much of the world. */
  | "amount_grouped"
  /** More decimal places than the mint has (trailing zeros beyond them are fine: they change nothing). */
  | "amount_too_precise"
  /** More base units than a u64 holds. */
  | "amount_too_large";

export type TokenAmountResult = { ok: true; value: bigint } | { ok: false; reason: TokenAmountProblem };

const PLAIN = /^(\d+)(?:\.(\d+))?$/;
// Long inputs are refused before any work: no real amount needs more digits than this.
const MAX_LENGTH = 100;

/**
 * Parses "1000", "1.5" or "0.000001" into base units of a mint with `decimals` decimals, exactly.
 * Digits (ASCII) and at most one decimal point; surrounding spaces are ignored.
 */
export function parseTokenAmount(text: string, decimals: number): TokenAmountResult {
  assertDecimals(decimals);
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_LENGTH) return { ok: false, reason: "amount_invalid" };
  if (/^-\s*\d/.test(trimmed) || /^-\s*\.\d/.test(trimmed)) return { ok: false, reason: "amount_negative" };
  if (/^\d{1,3}([,_ ]\d{3})+(\.\d+)?$/.test(trimmed) || /^\d+,\d+$/.test(trimmed)) {
    return { ok: false, reason: "amount_grouped" };
  }
  const match = PLAIN.exec(trimmed);
  if (!match) return { ok: false, reason: "amount_invalid" };
  const whole = match[1] as string;
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > decimals) return { ok: false, reason: "amount_too_precise" };
  const value = BigInt(whole + fraction.padEnd(decimals, "0"));
  if (value > MAX_TOKEN_AMOUNT) return { ok: false, reason: "amount_too_large" };
  return { ok: true, value };
}

/**
 * Writes base units as a decimal amount: "1.5", "0.000001", "1000" (no grouping, no trailing zeros),
 * which parseTokenAmount reads back to the same value.
 */
export function formatTokenAmount(amount: bigint, decimals: number): string {
  assertDecimals(decimals);
  if (amount < 0n) return `-${formatTokenAmount(-amount, decimals)}`;
  if (decimals === 0) return amount.toString();
  const digits = amount.toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, -decimals);
  const fraction = digits.slice(-decimals).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

function assertDecimals(decimals: number): void {
  // A mint's decimals field is a u8.
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 255) {
    throw new RangeError(`Token decimals must be a whole number from 0 to 255, not ${decimals}`);
  }
}
