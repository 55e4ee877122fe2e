// Long answers go out as several messages, each within the platform's limit (Telegram 4,096,
// Discord 2,000 characters). A part ends at the best boundary that still fills at least half of
// it: a paragraph, else a line, else a sentence, else a word, else a character (a grapheme: an
// emoji sequence or a letter with its accents is never cut, nor is a surrogate pair). Lengths are
// UTF-16 units, which is what Telegram counts and never less than what Discord counts.

/** The most one message may hold, per platform; the console takes any length. */
export const MESSAGE_LIMITS = { telegram: 4_096, discord: 2_000, console: Number.POSITIVE_INFINITY } as const;

const sentences = new Intl.Segmenter(undefined, { granularity: "sentence" });
const words = new Intl.Segmenter(undefined, { granularity: "word" });
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Enough text past the limit to see the whole character (and its joiner) there. */
const LOOKAHEAD = 16;
const PARAGRAPH_BREAK = /\r?\n[ \t]*\r?\n/g;
const LINE_BREAK = /\r?\n/g;

/** The last match of `pattern` starting in [min, max], as a cut position. */
function lastBreak(window: string, pattern: RegExp, min: number): number | undefined {
  let found: number | undefined;
  for (const match of window.matchAll(pattern)) {
    if (match.index >= min) found = match.index;
  }
  return found;
}

/**
 * The last segment boundary in [min, max] (segment starts). The window reaches a little past
 * `max`: whether a boundary lies at `max` depends on the whole character found there, and a
 * window cut inside it (half a surrogate pair) would show a boundary that is not one.
 */
function lastBoundary(
  window: string,
  segmenter: Intl.Segmenter,
  min: number,
  max: number,
): number | undefined {
  let found: number | undefined;
  for (const { index } of segmenter.segment(window)) {
    if (index > max) break;
    if (index >= min && index > 0) found = index;
  }
  return found;
}

/** Where to end the first part of `text` (longer than `max`). */
function cutPoint(text: string, max: number): number {
  const window = text.slice(0, max + LOOKAHEAD);
  const min = Math.floor(max / 2);
  const cut =
    lastBreak(text.slice(0, max), PARAGRAPH_BREAK, min) ??
    lastBreak(text.slice(0, max), LINE_BREAK, min) ??
    lastBoundary(window, sentences, min, max) ??
    lastBoundary(window, words, min, max) ??
    lastBoundary(window, graphemes, 1, max);
  if (cut !== undefined && cut <= max) return cut;
  // A single grapheme longer than the limit (thousands of combining marks) is cut where it must
  // be, still not between the two halves of a surrogate pair.
  const high = text.charCodeAt(max - 1);
  return high >= 0xd800 && high <= 0xdbff ? max - 1 : max;
}

/** `text` as messages of at most `max` UTF-16 units each, in order; empty text gives no parts. */
export function splitMessage(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    const part = rest.slice(0, cut).trimEnd();
    if (part !== "") parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== "") parts.push(rest);
  return parts;
}
