// The offline sentiment scorer: VADER's rules (Hutto & Gilbert 2014) written for this project,
// over VADER's English lexicon with a crypto and market layer and emoji as tokens of their own.
// It answers when no model is configured or a model fails, and it must keep up with a busy chat
// on one core (the benchmark asks 50,000 messages/s), so it makes one pass over each message.
import { readFileSync } from "node:fs";
import { CHAT_PHRASES, CHAT_WORDS } from "./lexicon/chat.ts";
import { CRYPTO_PHRASES, CRYPTO_WORDS } from "./lexicon/crypto.ts";
import { EMOJI_VALENCE } from "./lexicon/emoji.ts";
import { BOOST, CONTRASTS, DAMPENERS, INTENSIFIERS, NEGATIONS } from "./lexicon/rules.ts";
import type { SentimentLabel, SentimentScore } from "./types.ts";

/**
 * Compound scores at or above `bullish` are bullish, at or below `bearish` bearish, neutral between.
 * Calibrated on TweetEval's validation split (macro recall) and TFNS's (weighted F1); see
 * test/ai/sentiment/calibrate.ts, which prints both figures for a grid of thresholds.
 */
export interface SentimentThresholds {
  bullish: number;
  bearish: number;
}

export const OFFLINE_THRESHOLDS: Readonly<SentimentThresholds> = Object.freeze({
  bullish: 0.375,
  bearish: -0.1,
});

// VADER's constants: an ALL-CAPS word among lower-case ones, a negation's flip, the normaliser.
const CAPS_BOOST = 0.733;
const NEGATION_SCALAR = -0.74;
const NORMALISER = 15;
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;
const BOOST_DECAY = [1, 0.95, 0.9] as const;
// "never so good": VADER's stress for a "never" that does not turn what follows.
const NEVER_SO = 1.25;
// Capitalised words together inside a sentence are most likely a name ("Red Sox", "The Walking
// Dead", "Black Friday", "Miss USA"): a negative word there keeps none of its valence, a positive
// one half, as tweets also capitalise what they celebrate ("wish her a Happy Birthday"). A message
// that capitalises most of its words is a headline, where capitals are style; a short one (up to
// SHORT_MESSAGE words) is not judged a headline.
const NAME_NEGATIVE = 0;
const NAME_POSITIVE = 0.5;
const SHORT_MESSAGE = 6;
// A question asks rather than states: what it holds weighs less ("is it good?").
const QUESTION_SCALAR = 0.8;
const HEDGES: ReadonlySet<string> = new Set(["kind", "sort"]);
const AFTER_PRETTY: ReadonlySet<string> = new Set([
  "much",
  "sure",
  "well",
  "soon",
  "close",
  "far",
  "hard",
  "big",
]);

interface Phrase {
  words: readonly string[];
  valence: number;
}

/** Word → valence: VADER's lexicon, the crypto layer over it, and the emoji. Built once. */
const LEXICON: ReadonlyMap<string, number> = (() => {
  // Read rather than imported: a JSON module's keys become bindings, and "arguments" is not one.
  const vader = JSON.parse(
    readFileSync(new URL("./lexicon/vader-lexicon.json", import.meta.url), "utf8"),
  ) as Record<string, number>;
  const lexicon = new Map<string, number>();
  for (const [word, valence] of Object.entries(vader)) {
    lexicon.set(word.toLowerCase(), valence);
  }
  for (const [word, valence] of Object.entries(CHAT_WORDS)) lexicon.set(word, valence);
  for (const [word, valence] of Object.entries(CRYPTO_WORDS)) lexicon.set(word, valence);
  for (const [emoji, valence] of Object.entries(EMOJI_VALENCE)) lexicon.set(emoji, valence);
  return lexicon;
})();

/** Phrases by their first word, longest first so "rug pulled" wins over "rug". */
const PHRASES: ReadonlyMap<string, readonly Phrase[]> = (() => {
  const byFirst = new Map<string, Phrase[]>();
  for (const [text, valence] of Object.entries({ ...CHAT_PHRASES, ...CRYPTO_PHRASES })) {
    const words = text.split(" ");
    const first = words[0] as string;
    const list = byFirst.get(first) ?? [];
    list.push({ words, valence });
    byFirst.set(first, list);
  }
  for (const list of byFirst.values()) list.sort((a, b) => b.words.length - a.words.length);
  return byFirst;
})();

// Variation selectors, joiners and skin tones carry no sentiment; dropping them leaves each emoji
// one code point, so "💎🙌🏽" is the tokens 💎 and 🙌.
const EMOJI_NOISE = /\uFE0F|\u200D|\p{Emoji_Modifier}/gu;
const TOKEN = /\p{Extended_Pictographic}|[^\s\p{Extended_Pictographic}]+/gu;
const WORD_SPLIT = /[^\p{L}\p{N}'-]+/u;
const EDGE = /^['-]+|['-]+$/g;
const REPEATS = /(.)\1{2,}/u;
const LETTER = /\p{L}/u;
const ESCAPED = /\\u([0-9a-fA-F]{4})/g;
const ENTITY = /&(?:amp|lt|gt|quot|#39);/g;
const ENTITIES: Readonly<Record<string, string>> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};
// "#GoodTimes" → "Good Times": a hashtag's capitals mark where its words meet.
const CAMEL_JOIN = /(?<=\p{Ll})(?=\p{Lu})/gu;
// An emoticon with its last stroke repeated (":)))", ":DDD") means what the emoticon means.
const EMOTICON_REPEAT = /^([:;=8][-'^o]?)([)(\][dDpP3*/\\|])\2+$/u;
const EYES: ReadonlySet<number> = new Set([58, 59, 61, 56]); // : ; = 8
// Laughter typed at any length: "hahahah", "ahaha", "hehehe", "lolol", "loool", "lmaooo".
const LAUGHTER = /^(?:a?(?:h+a+){2,}h*|(?:h+e+){2,}h*|l+o+l+(?:o*l+)*|lmf?a+o+|rofl+)$/u;
const LAUGH = "haha";

/** Could `word` be laughter? A cheap look at its first two letters before the regular expression. */
function mayLaugh(word: string): boolean {
  const a = word.charCodeAt(0);
  const b = word.charCodeAt(1);
  // ha he, ah, lo lm, ro
  return (
    (a === 104 && (b === 97 || b === 101)) ||
    (a === 97 && b === 104) ||
    (a === 108 && (b === 111 || b === 109)) ||
    (a === 114 && b === 111)
  );
}

/** "Sox", "Dead": a capital, then a small letter (ASCII; other scripts' names are left alone). */
function isTitleCase(part: string): boolean {
  const a = part.charCodeAt(0);
  const b = part.charCodeAt(1);
  return a >= 65 && a <= 90 && b >= 97 && b <= 122;
}

/** A token that ends a sentence, so the next word's capital is grammar, not a name. */
function endsSentence(raw: string): boolean {
  const last = raw.charCodeAt(raw.length - 1);
  // . ! ? : ; " …
  return (
    last === 46 || last === 33 || last === 63 || last === 58 || last === 59 || last === 34 || last === 8230
  );
}

// How a word was capitalised: not at all, at a sentence's start or in capitals, or inside a sentence.
const CAPITAL = 1;
const MID_CAPITAL = 2;

interface Tokens {
  words: string[];
  /** The word was written in capitals (ALL CAPS, two letters or more). */
  caps: boolean[];
  /** 0, CAPITAL or MID_CAPITAL: capitalised words together inside a sentence are a name ("Red Sox"). */
  names: number[];
  /** How many words were capitalised inside sentences: a headline capitalises most of them. */
  titleCount: number;
}

function tokenize(text: string): Tokens {
  const words: string[] = [];
  const caps: boolean[] = [];
  const names: number[] = [];
  let titleCount = 0;
  let clean = text.replace(EMOJI_NOISE, "").replace(/’/g, "'");
  // Exports of chat logs sometimes keep JSON escapes as text ("don\u2019t").
  if (clean.includes("\\u"))
    clean = clean.replace(ESCAPED, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  if (clean.includes("&")) clean = clean.replace(ENTITY, (entity) => ENTITIES[entity] ?? entity);
  let sentenceStart = true;
  for (const match of clean.matchAll(TOKEN)) {
    let raw = match[0];
    const first = raw.charCodeAt(0);
    // Links, @mentions and $cashtags name things; they hold no sentiment.
    if (first === 64 /* @ */ || (first === 36 /* $ */ && raw.length > 1) || raw.startsWith("http")) continue;
    const atStart = sentenceStart;
    sentenceStart = endsSentence(raw);
    const lower = raw.toLowerCase();
    const isCaps = raw.length > 1 && raw === raw.toUpperCase() && LETTER.test(raw);
    // Emoticons (":)", ":-(", "<3") are in the lexicon as typed; punctuation would split them.
    if (LEXICON.has(lower)) {
      const title = isTitleCase(raw);
      if (title && !atStart) titleCount += 1;
      words.push(lower);
      caps.push(isCaps);
      names.push(title ? (atStart ? CAPITAL : MID_CAPITAL) : isCaps ? CAPITAL : 0);
      continue;
    }
    const emoticon = raw.length > 2 && EYES.has(first) ? EMOTICON_REPEAT.exec(raw) : null;
    if (emoticon) {
      const single = `${emoticon[1] as string}${emoticon[2] as string}`.toLowerCase();
      if (LEXICON.has(single)) {
        words.push(single);
        caps.push(false);
        names.push(0);
        continue;
      }
    }
    // A hashtag is words run together; its capitals, when it has them, say where they meet.
    const hashtag = first === 35; /* # */
    if (hashtag) raw = raw.replace(CAMEL_JOIN, " ");
    // Split in lower case; a token typed with capitals is split as typed too, to see which words
    // are capitalised (most tokens have none, and are split once).
    const parts = (hashtag ? raw.toLowerCase() : lower).split(WORD_SPLIT);
    const typed = !hashtag && raw !== lower ? raw.split(WORD_SPLIT) : undefined;
    const aligned = typed !== undefined && typed.length === parts.length;
    let partIndex = 0;
    for (let p = 0; p < parts.length; p += 1) {
      let word = (parts[p] as string).replace(EDGE, "");
      if (word.length < 2 && !LEXICON.has(word)) continue;
      if (!LEXICON.has(word)) {
        if (REPEATS.test(word)) word = unstretched(word);
        if (mayLaugh(word) && !LEXICON.has(word) && LAUGHTER.test(word)) word = LAUGH;
      }
      const title = aligned && isTitleCase(typed[p] as string);
      const start = atStart && partIndex === 0;
      if (title && !start) titleCount += 1;
      words.push(word);
      caps.push(isCaps);
      names.push(title ? (start ? CAPITAL : MID_CAPITAL) : isCaps ? CAPITAL : 0);
      partIndex += 1;
    }
  }
  return { words, caps, names, titleCount };
}

/** "goooood" → "good" or "god", whichever the lexicon knows (the doubled form first). */
function unstretched(word: string): string {
  const doubled = word.replace(/(.)\1{2,}/gu, "$1$1");
  if (LEXICON.has(doubled)) return doubled;
  const single = word.replace(/(.)\1{2,}/gu, "$1");
  return LEXICON.has(single) ? single : doubled;
}

/** "pretty" before a word with a valence, or before "much", "sure", "well"…, is an adverb. */
const isAdverbialPretty = (next: string) => (LEXICON.get(next) ?? 0) !== 0 || AFTER_PRETTY.has(next);

const isNegation = (word: string) => NEGATIONS.has(word) || word.endsWith("n't");

/** The phrase starting at `index`, if one does. */
function phraseAt(words: readonly string[], index: number): Phrase | undefined {
  const candidates = PHRASES.get(words[index] as string);
  if (!candidates) return undefined;
  for (const phrase of candidates) {
    let matches = index + phrase.words.length <= words.length;
    for (let k = 1; matches && k < phrase.words.length; k += 1)
      matches = words[index + k] === phrase.words[k];
    if (matches) return phrase;
  }
  return undefined;
}

/** VADER's compound score of a text: -1 (most negative) .. 1 (most positive). */
export function compoundScore(text: string): number {
  const { words, caps, names, titleCount } = tokenize(text);
  const count = words.length;
  if (count === 0) return 0;
  let capsCount = 0;
  for (const cap of caps) if (cap) capsCount += 1;
  // Capitals stress a word only when the rest of the message is not shouted too.
  const capsStress = capsCount > 0 && capsCount < count;
  // A headline capitalises its words; elsewhere capitalised words inside a sentence are a name.
  const namesCount = titleCount * 2 <= Math.max(count, SHORT_MESSAGE);

  const valences = new Array<number>(count).fill(0);
  let contrastAt = -1;
  for (let i = 0; i < count; i += 1) {
    const word = words[i] as string;
    if (contrastAt < 0 && CONTRASTS.has(word)) contrastAt = i;
    const phrase = phraseAt(words, i);
    let valence: number;
    let span = 1;
    if (phrase) {
      valence = phrase.valence;
      span = phrase.words.length;
    } else {
      if (INTENSIFIERS.has(word) || DAMPENERS.has(word)) continue;
      // "kind of", "sort of" hedge what follows (VADER); "kind" there is no kindness.
      if ((word === "kind" || word === "sort") && words[i + 1] === "of") continue;
      // "pretty good", "pretty much": an adverb that stresses, not a compliment.
      if (word === "pretty" && i + 1 < count && isAdverbialPretty(words[i + 1] as string)) continue;
      valence = LEXICON.get(word) ?? 0;
    }
    if (valence !== 0) {
      if (namesCount && names[i] === MID_CAPITAL && ((names[i - 1] ?? 0) > 0 || (names[i + 1] ?? 0) > 0))
        valence *= valence < 0 ? NAME_NEGATIVE : NAME_POSITIVE;
      const sign = valence > 0 ? 1 : -1;
      if (capsStress && caps[i]) valence += sign * CAPS_BOOST;
      // The three words before: intensifiers and dampeners (fading with distance), negations.
      for (let back = 1; back <= 3 && i - back >= 0; back += 1) {
        const before = words[i - back] as string;
        if (CONTRASTS.has(before)) break;
        const decay = BOOST_DECAY[back - 1] as number;
        if (INTENSIFIERS.has(before) || (before === "pretty" && back === 1))
          valence += sign * BOOST * decay * (capsStress && caps[i - back] ? 2 : 1);
        else if (DAMPENERS.has(before) || (before === "of" && HEDGES.has(words[i - back - 1] as string)))
          valence -= sign * BOOST * decay;
        else if (isNegation(before)) {
          // "never so good", "never this happy": the negation stresses, it does not turn (VADER).
          const next = words[i - back + 1] as string;
          valence *=
            back > 1 && before === "never" && (next === "so" || next === "this") ? NEVER_SO : NEGATION_SCALAR;
        } else if (before === "least") {
          // "the least helpful" turns; "at least", "very least" do not (VADER).
          const prior = words[i - back - 1];
          if (prior !== "at" && prior !== "very") valence *= NEGATION_SCALAR;
        }
      }
      valences[i] = valence;
    }
    i += span - 1;
  }

  let sum = 0;
  for (let i = 0; i < count; i += 1) {
    const valence = valences[i] as number;
    if (contrastAt < 0) sum += valence;
    else sum += valence * (i < contrastAt ? BEFORE_CONTRAST : i > contrastAt ? AFTER_CONTRAST : 1);
  }
  if (sum !== 0) sum += Math.sign(sum) * punctuationEmphasis(text);
  if (text.includes("?")) sum *= QUESTION_SCALAR;
  const compound = sum / Math.sqrt(sum * sum + NORMALISER);
  return Math.max(-1, Math.min(1, compound));
}

/** "!" and "??" strengthen whatever the message says (VADER's amounts, capped as VADER caps them). */
function punctuationEmphasis(text: string): number {
  let exclamations = 0;
  let questions = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 33) exclamations += 1;
    else if (code === 63) questions += 1;
  }
  const exclaim = Math.min(exclamations, 4) * 0.292;
  const question = questions <= 1 ? 0 : questions <= 3 ? questions * 0.18 : 0.96;
  return exclaim + question;
}

/** The label of a compound score under these thresholds. */
export function labelOf(score: number, thresholds: SentimentThresholds = OFFLINE_THRESHOLDS): SentimentLabel {
  if (score >= thresholds.bullish) return "bullish";
  if (score <= thresholds.bearish) return "bearish";
  return "neutral";
}

/**
 * How sure the label is, 0.5..1: a polar label by how far past its threshold the score is, a
 * neutral one by how far from both thresholds. A lexicon never knows more than that.
 */
function confidenceOf(score: number, label: SentimentLabel, thresholds: SentimentThresholds): number {
  let margin: number;
  if (label === "bullish") margin = (score - thresholds.bullish) / (1 - thresholds.bullish);
  else if (label === "bearish") margin = (thresholds.bearish - score) / (1 + thresholds.bearish);
  else margin = 1 - (score >= 0 ? score / thresholds.bullish : score / thresholds.bearish);
  return round(0.5 + 0.5 * Math.max(0, Math.min(1, margin)));
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** Scores one message offline: deterministic, no I/O. */
export function scoreOffline(
  text: string,
  thresholds: SentimentThresholds = OFFLINE_THRESHOLDS,
): SentimentScore {
  const score = compoundScore(text);
  const label = labelOf(score, thresholds);
  return { label, score: round(score), confidence: confidenceOf(score, label, thresholds) };
}
