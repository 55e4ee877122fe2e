// What the bot may post on its own authority: captions, whether a model wrote them or the
// offline templates echo a user's topic. A caption must not advertise anything or ping anyone:
// no links, no domains, no @handles, no Discord mentions, no wallet addresses.
//
// The rules, judged on the text as a reader (or a linkifier) would see it, after NFKC
// normalisation (fullwidth "ｓｃａｍ．ｉｏ" and "＠dev" count) and without invisible format
// characters (a zero-width space or soft hyphen cannot hide "scam.io"):
// - link: any "scheme://", and anything starting with "www.";
// - domain: letters/digits labels joined by dots ending in a known top-level domain: every
//   country code, the common and scam-favoured generic ones, crypto name services (.eth, .sol,
//   .ton…) and punycode "xn--". The dot may be a Unicode full stop ("。", "．", "․"), have space
//   before it ("scam .io", "scam . io") or be written "[.]", "(.)", "[dot]". Not a domain: a dot
//   followed only by a space ("buy the dip. me?" is how sentences end), a one-letter or unknown
//   ending ("e.g.", "lol.jk", "node.js"), digits ("3.5x", "v2.0");
// - mention: Discord's "<@123>", "<@!123>", "<@&123>", "<#123>", "</cmd:123>";
// - handle: "@" directly followed by a letter, digit or underscore ("@dev", "@everyone",
//   "@here"); "meet @ 5" is left alone;
// - address: "0x" and 16+ hex digits (EVM addresses are 40, hashes 64), or 32+ ASCII letters and
//   digits in a row with at least one digit (Solana base58 is 32-44, Bitcoin bech32 42-62): no
//   ordinary word is that long with a digit in it ("pneumonoultramicroscopicsilicovolcanoconiosis"
//   passes). Tickers ("$PEPE") and hashtags are fine.
// A domain with a top-level domain missing from the list below is not caught; "https://" always is.
// Meant for chat-sized text (captions, topics): a few thousand characters of "a . b . c …" take
// milliseconds, longer pathological input more.

export type UnsafeTextKind = "link" | "domain" | "mention" | "handle" | "address";

export interface UnsafeText {
  kind: UnsafeTextKind;
  /** The offending piece, as found in the normalised text. */
  text: string;
}

const COUNTRY_CODES =
  "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz " +
  "ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk fm " +
  "fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it " +
  "je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn " +
  "mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps " +
  "pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj " +
  "tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw";

const GENERIC =
  "com net org edu gov mil int info biz name pro mobi asia tel travel xxx app dev page xyz top site online " +
  "store shop club live link links click fun wtf lol win bet vip art cloud tech world today life news blog " +
  "chat digital global group network zone space website finance financial money cash exchange trade " +
  "trading market markets capital fund investments claims gold ltd inc llc icu buzz cyou cfd sbs bond rest " +
  "bar best bid cam casino codes company cool design email energy expert foundation game games guru host ink " +
  "love media men ninja one party pics pink plus promo pub red review rocks run sale social software " +
  "solutions stream studio support systems team tools tokyo wang wiki work works xin agency academy bank " +
  "blue box buy cafe center city community computer credit deals direct download earth events express " +
  "fan fans free fyi gallery gift gifts gratis help house how kim land limited loan loans luxury marketing " +
  "moe mom monster now ooo partners photo photos place poker porn press rip school science services sexy " +
  "show ski surf tax tips town toys tube uno video vision vote watch webcam zip ventures holdings";

// Names that resolve to wallets rather than websites: ENS, Solana Name Service, TON DNS, Unstoppable.
const CRYPTO_NAMES = "eth sol ton crypto nft wallet dao bitcoin blockchain bnb arb";

const TOP_LEVEL_DOMAINS = [...new Set(`${COUNTRY_CODES} ${GENERIC} ${CRYPTO_NAMES}`.split(/\s+/))]
  .filter(Boolean)
  // Longest first, so "com" is tried before "co" (the lookahead after it would reject "co" anyway).
  .sort((a, b) => b.length - a.length);

const DOT = "[.\\u3002\\uFF0E\\uFF61\\u2024\\uFE52]";
// "scam.io", "scam .io", "scam . io", "scam[.]io", "scam (dot) io"; not "scam. io".
const SEPARATOR = `(?:${DOT}|\\s+${DOT}\\s*|\\s*[[({]\\s*(?:${DOT}|dot)\\s*[\\])}]\\s*)`;
const LABEL = "[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?";
const TLD = `(?:${TOP_LEVEL_DOMAINS.join("|")}|xn--[a-z0-9-]{2,59})`;
// A port and a path belong to the domain, so stripping takes them along ("t.me/pump").
const HOST_TAIL = "(?::\\d{1,5})?(?:[/?#]\\S*)?";

const PATTERNS: ReadonlyArray<{ kind: UnsafeTextKind; source: string }> = [
  { kind: "link", source: `(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\\/\\/\\S*` },
  { kind: "link", source: `(?<![\\p{L}\\p{N}])www${SEPARATOR}\\S*` },
  { kind: "mention", source: "<(?:@[!&]?|#)\\d+>|<\\/[^<>:\\n]{1,100}:\\d+>" },
  // Before handles, so findUnsafeText calls "dev@scam.io" a domain.
  {
    kind: "domain",
    source: `(?<![\\p{L}\\p{N}-])(?:${LABEL}${SEPARATOR})+${TLD}(?![\\p{L}\\p{N}-])${HOST_TAIL}`,
  },
  { kind: "handle", source: "@[\\p{L}\\p{N}_](?:[\\p{L}\\p{N}_.]*[\\p{L}\\p{N}_])?" },
  { kind: "address", source: "(?<![\\p{L}\\p{N}])0x[0-9a-f]{16,}" },
  { kind: "address", source: "(?<![a-z0-9])(?=[a-z0-9]*[0-9])[a-z0-9]{32,}(?![a-z0-9])" },
];

const FINDERS = PATTERNS.map(({ kind, source }) => ({ kind, pattern: new RegExp(source, "iu") }));
const ANY_UNSAFE = new RegExp(PATTERNS.map(({ source }) => `(?:${source})`).join("|"), "giu");

const FORMAT_CHARACTERS = /\p{Cf}/gu;

/** The text as the rules see it: NFKC-normalised, without invisible format characters. */
export function normalizeForSafety(text: string): string {
  return text.normalize("NFKC").replace(FORMAT_CHARACTERS, "");
}

/** The first link, domain, mention, handle or address in `text`, if any. */
export function findUnsafeText(text: string): UnsafeText | undefined {
  const normalized = normalizeForSafety(text);
  for (const { kind, pattern } of FINDERS) {
    const match = pattern.exec(normalized);
    if (match) return { kind, text: match[0] };
  }
  return undefined;
}

/**
 * Text with nothing unsafe in it, unchanged (a family emoji keeps its zero-width joiners).
 * Otherwise the text NFKC-normalised, without format characters, and with every link, domain,
 * mention, handle and address replaced by a space (callers collapse spaces as they like).
 */
export function stripUnsafeText(text: string): string {
  if (findUnsafeText(text) === undefined) return text;
  let current = normalizeForSafety(text);
  // Removing one piece can expose another (a handle inside a link's remains); each pass only
  // shortens the text, so this ends.
  for (;;) {
    const next = current.replace(ANY_UNSAFE, " ");
    if (next === current) return current;
    current = next;
  }
}

/**
 * What the bot may quote back of a user's own words (a setting name they typed, their display
 * name): the text when it is safe, else what is left once the unsafe pieces are gone, else
 * `placeholder`. A reply must not become a way to make the bot post someone's link.
 */
export function quotable(text: string, placeholder = "…"): string {
  const safe = stripUnsafeText(text);
  if (safe === text) return text;
  return safe.replace(/\s+/g, " ").trim() || placeholder;
}
