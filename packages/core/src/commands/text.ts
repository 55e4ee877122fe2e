// What users type is cleaned before any command sees it. Format characters (\p{Cf}) are
// invisible: bidi overrides reorder what other members see, zero-width spaces split words
// past filters, tag characters carry hidden text. They are removed, except the joiners
// that emoji sequences (👨‍👩‍👧) and some scripts (Persian, Indic) need to be written right.

const FORMAT_OR_TAG = /[\p{Cf}\u{E0000}-\u{E007F}]/u;
const ZERO_WIDTH_NON_JOINER = 0x200c;
const ZERO_WIDTH_JOINER = 0x200d;

// Scripts whose spelling uses ZWJ/ZWNJ between letters (Arabic-script languages such as
// Persian and Urdu, the Brahmic scripts of South and South-East Asia, Mongolian).
const JOINING_SCRIPT =
  /[\p{M}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Myanmar}\p{Script=Khmer}\p{Script=Tibetan}]/u;
// An emoji ZWJ sequence joins a pictograph (maybe with a skin tone or VS16) to the next pictograph.
const EMOJI_BEFORE_JOINER = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]/u;
const EMOJI_AFTER_JOINER = /\p{Extended_Pictographic}/u;

// Half of a surrogate pair without its other half: not text, and refused by the platforms' JSON.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// Control characters other than tab and newline have no place in a topic or a setting.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const LETTER = /\p{L}/u;

function keepsJoiner(joiner: number, before: string | undefined, after: string | undefined): boolean {
  if (before === undefined) return false;
  // After a letter or mark of a joining script, before another one or at the end of a word (a
  // Malayalam chillu is spelled consonant, virama, ZWJ).
  if (
    JOINING_SCRIPT.test(before) &&
    (after === undefined || JOINING_SCRIPT.test(after) || !LETTER.test(after))
  ) {
    return true;
  }
  return (
    joiner === ZERO_WIDTH_JOINER &&
    after !== undefined &&
    EMOJI_BEFORE_JOINER.test(before) &&
    EMOJI_AFTER_JOINER.test(after)
  );
}

/** Removes format and tag characters, keeping joiners inside emoji sequences and joining scripts. */
export function stripFormatCharacters(text: string): string {
  if (!FORMAT_OR_TAG.test(text)) return text;
  const characters = [...text];
  let out = "";
  for (let index = 0; index < characters.length; index += 1) {
    const character = characters[index] as string;
    if (!FORMAT_OR_TAG.test(character)) {
      out += character;
      continue;
    }
    const code = character.codePointAt(0);
    if (
      (code === ZERO_WIDTH_JOINER || code === ZERO_WIDTH_NON_JOINER) &&
      keepsJoiner(code, characters[index - 1], characters[index + 1])
    ) {
      out += character;
    }
  }
  return out;
}

/**
 * A typed value made safe to store and show: well-formed UTF-16 (a lone surrogate becomes U+FFFD),
 * composed (NFC), without invisible format characters, and trimmed.
 */
export function cleanText(text: string): string {
  const wellFormed = text.replace(LONE_SURROGATE, "\uFFFD");
  return stripFormatCharacters(wellFormed.normalize("NFC")).trim();
}

export const hasControlCharacter = (text: string): boolean => CONTROL_CHARACTER.test(text);
