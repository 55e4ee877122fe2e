// Whole-word matching of a blocked-word list, ignoring case and accents: "Désnudo", "DESNUDO" and
// "desnudo" are one word, "sextant" and "Essex" do not contain "sex". Text is normalised the way the
// safety rules see it first (NFKC: fullwidth letters count; invisible characters cannot split a word).
import { normalizeForSafety } from "../safe-text.ts";
import { DEFAULT_IMAGE_BLOCKLIST } from "./blocklist-words.ts";

export { DEFAULT_IMAGE_BLOCKLIST };

const COMBINING_MARKS = /\p{M}/gu;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Lower case, accents stripped, NFKC: how both the list and the text are compared. */
export function foldForBlocklist(text: string): string {
  return normalizeForSafety(text).normalize("NFD").replace(COMBINING_MARKS, "").toLowerCase();
}

const compiled = new WeakMap<readonly string[], RegExp | undefined>();

/** One pattern for the whole list: a word is not matched inside a longer one; a phrase's spaces match any separator run. */
function patternOf(words: readonly string[]): RegExp | undefined {
  if (compiled.has(words)) return compiled.get(words);
  const alternatives = words
    .map((word) => foldForBlocklist(word).trim())
    .filter((word) => word !== "")
    // Longest first, so the phrase "heil hitler" is reported rather than "hitler".
    .sort((a, b) => b.length - a.length)
    .map((word) => word.split(/\s+/).map(escapeRegExp).join("[\\s_\\-.]+"));
  const pattern =
    alternatives.length === 0
      ? undefined
      : new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}_])`, "u");
  compiled.set(words, pattern);
  return pattern;
}

/**
 * The first blocked word or phrase `text` uses, as it appears after folding, or undefined. For logs
 * and tests: users are told only that a word was refused, never which (it may be a slur).
 */
export function findBlockedWord(
  text: string,
  words: readonly string[] = DEFAULT_IMAGE_BLOCKLIST,
): string | undefined {
  const pattern = patternOf(words);
  if (!pattern) return undefined;
  return pattern.exec(foldForBlocklist(text))?.[0];
}
