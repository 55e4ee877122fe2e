// Which tokens a chat message mentions: cashtags ($BONK), Solana mint addresses (base58 that
// decodes to exactly 32 bytes) and the community's own aliases ("bonk inu" → BONK). Pure and
// allocation-light: it runs for every message of a tracking community.

/** A token a community tracks: `/track add <symbol> [mint] [aliases…]`. */
export interface TrackedTokenRef {
  /** Upper-case, without the $: "BONK". */
  symbol: string;
  mint?: string | null;
  /** Lower-case words or phrases: "bonk", "bonk inu". */
  aliases: readonly string[];
}

/** At most this many mentions are kept per message (a list of 40 tickers is spam, not mood). */
export const MAX_MENTIONS_PER_MESSAGE = 10;

/** A symbol as admins and cashtags write it: 2–10 letters or digits, starting with a letter. */
export const SYMBOL_PATTERN = /^[A-Z][A-Z0-9]{1,9}$/;

// "$" not glued to a word before it (US$5), then a letter and 1–9 letters or digits, then no
// letter, digit or decimal point: "$5", "$5.20" and "$100k" start with a digit and never match.
const CASHTAG = /(?<![\p{L}\p{N}_$])\$([A-Za-z][A-Za-z0-9]{1,9})(?![\p{L}\p{N}_]|\.\d)/gu;
// Base58 (Bitcoin's alphabet: no 0, O, I, l) runs of a mint's length, not inside a longer word.
const BASE58_RUN = /(?<![\p{L}\p{N}_])[1-9A-HJ-NP-Za-km-z]{32,44}(?![\p{L}\p{N}_])/gu;

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const DIGIT = new Int8Array(128).fill(-1);
for (let index = 0; index < ALPHABET.length; index++) DIGIT[ALPHABET.charCodeAt(index)] = index;

/**
 * How many bytes a base58 string decodes to, or -1 when it is not base58. Written out (no
 * dependency): the classic big-number-in-bytes conversion, with leading "1"s as zero bytes.
 */
export function base58ByteLength(text: string): number {
  const bytes: number[] = [];
  let zeros = 0;
  while (zeros < text.length && text[zeros] === "1") zeros++;
  for (let index = zeros; index < text.length; index++) {
    const code = text.charCodeAt(index);
    let carry = code < 128 ? (DIGIT[code] ?? -1) : -1;
    if (carry < 0) return -1;
    for (let position = 0; position < bytes.length; position++) {
      carry += (bytes[position] ?? 0) * 58;
      bytes[position] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  return zeros + bytes.length;
}

/** A Solana public key (a mint's address): 32–44 base58 characters that decode to exactly 32 bytes. */
export const isMintAddress = (text: string): boolean =>
  text.length >= 32 && text.length <= 44 && base58ByteLength(text) === 32;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A community's tokens, compiled once per load for extractMentions. */
export interface MentionMatcher {
  /** Symbol by mint address. */
  byMint: ReadonlyMap<string, string>;
  /** Symbol by lower-case alias (inner spaces collapsed to one). */
  byAlias: ReadonlyMap<string, string>;
  /** One pattern for every alias, whole words only; undefined when the community has none. */
  aliases?: RegExp;
}

export function createMentionMatcher(tokens: readonly TrackedTokenRef[]): MentionMatcher {
  const byMint = new Map<string, string>();
  const byAlias = new Map<string, string>();
  for (const token of tokens) {
    if (token.mint) byMint.set(token.mint, token.symbol);
    for (const alias of token.aliases) {
      const key = normalizeAlias(alias);
      // The first token to claim an alias keeps it.
      if (key !== "" && !byAlias.has(key)) byAlias.set(key, token.symbol);
    }
  }
  if (byAlias.size === 0) return { byMint, byAlias };
  // Longest first, so "bonk inu" wins over "bonk" where both fit.
  const alternatives = [...byAlias.keys()]
    .sort((a, b) => b.length - a.length)
    .map((alias) => escapeRegExp(alias).replace(/ /g, "\\s+"));
  const aliases = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}_])`, "giu");
  return { byMint, byAlias, aliases };
}

export const normalizeAlias = (alias: string): string => alias.trim().toLowerCase().replace(/\s+/g, " ");

const NO_TOKENS: MentionMatcher = { byMint: new Map(), byAlias: new Map() };

/**
 * The tokens `text` mentions, each once, in order of first appearance: a tracked symbol where the
 * community knows the token (by cashtag, mint or alias), otherwise the cashtag's symbol in upper
 * case or the mint address itself.
 */
export function extractMentions(text: string, matcher: MentionMatcher = NO_TOKENS): string[] {
  const found: Array<{ at: number; token: string }> = [];
  // Cheap guards first: most messages have no "$" and no run long enough to be a mint.
  if (text.includes("$")) {
    for (const match of text.matchAll(CASHTAG)) {
      found.push({ at: match.index, token: (match[1] ?? "").toUpperCase() });
    }
  }
  if (text.length >= 32) {
    for (const match of text.matchAll(BASE58_RUN)) {
      const address = match[0];
      if (isMintAddress(address))
        found.push({ at: match.index, token: matcher.byMint.get(address) ?? address });
    }
  }
  if (matcher.aliases) {
    for (const match of text.matchAll(matcher.aliases)) {
      const symbol = matcher.byAlias.get(normalizeAlias(match[0]));
      if (symbol) found.push({ at: match.index, token: symbol });
    }
  }
  if (found.length === 0) return [];
  found.sort((a, b) => a.at - b.at);
  const tokens: string[] = [];
  for (const { token } of found) {
    if (!tokens.includes(token)) tokens.push(token);
    if (tokens.length === MAX_MENTIONS_PER_MESSAGE) break;
  }
  return tokens;
}
