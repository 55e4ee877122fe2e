// Captions without any model: classic meme templates for token communities. Used when no
// model is configured or it fails, so a /meme command always gets a picture.
import { findUnsafeText, stripUnsafeText } from "@memebot/core";

export interface OfflineMemeText {
  top: string;
  bottom: string;
}

export interface OfflineEngine {
  write(topic: string): OfflineMemeText;
}

export interface OfflineEngineOptions {
  /** Returns [0, 1); inject a fixed sequence in tests. */
  random?: () => number;
}

interface Template {
  top: string;
  bottom: string;
}

const PLACEHOLDER = "{TOPIC}";
const MAX_LINE = 80;
const FALLBACK_TOPIC = "THIS TOKEN";

export const OFFLINE_TEMPLATES: readonly Template[] = [
  { top: "ONE DOES NOT SIMPLY", bottom: "SELL {TOPIC}" },
  { top: "BUY {TOPIC} THEY SAID", bottom: "IT WILL BE FUN THEY SAID" },
  { top: "I DON'T ALWAYS BUY THE DIP", bottom: "BUT WHEN I DO, IT'S {TOPIC}" },
  { top: "WHAT IF I TOLD YOU", bottom: "{TOPIC} IS A LIFESTYLE" },
  { top: "BRACE YOURSELVES", bottom: "{TOPIC} SEASON IS COMING" },
  { top: "{TOPIC}", bottom: "{TOPIC} EVERYWHERE" },
  { top: "SHUT UP AND TAKE MY", bottom: "{TOPIC}" },
  { top: "THIS IS FINE", bottom: "{TOPIC} HOLDERS DURING A DIP" },
  { top: "WEN MOON?", bottom: "{TOPIC} HOLDERS: SOON" },
  { top: "HODL {TOPIC}", bottom: "THEY SAID. I LISTENED." },
  { top: "MY PORTFOLIO", bottom: "100% {TOPIC} VIBES" },
  { top: "EVERYBODY IS A GENIUS", bottom: "UNTIL {TOPIC} DIPS 5%" },
  { top: "CHANGE MY MIND", bottom: "{TOPIC} HAS THE BEST COMMUNITY" },
  { top: "AIN'T NOBODY GOT TIME FOR", bottom: "FUD ABOUT {TOPIC}" },
  { top: "KEEP CALM", bottom: "AND HODL {TOPIC}" },
  { top: "SUCH {TOPIC}", bottom: "MUCH WOW" },
  { top: "FIRST TIME?", bottom: "{TOPIC} CANDLES HIT DIFFERENT" },
  { top: "WE'RE ALL GONNA MAKE IT", bottom: "{TOPIC} GANG" },
  { top: "SAY {TOPIC} ONE MORE TIME", bottom: "I DARE YOU" },
  { top: "YOU GET {TOPIC}", bottom: "EVERYBODY GETS {TOPIC}" },
  { top: "ME EXPLAINING {TOPIC}", bottom: "TO MY FAMILY AT DINNER" },
  { top: "IT'S NOT MUCH", bottom: "BUT IT'S MY {TOPIC} BAG" },
  { top: "THAT FEELING WHEN", bottom: "{TOPIC} GOES GREEN" },
  { top: "SO YOU'RE TELLING ME", bottom: "{TOPIC} NEVER SLEEPS" },
  { top: "{TOPIC} CHART AT 3 AM", bottom: "I'M IN THIS PICTURE AND I LIKE IT" },
  { top: "{TOPIC}", bottom: "STONKS" },
  { top: "NOT SURE IF DIP", bottom: "OR JUST {TOPIC} STRETCHING" },
  { top: "Y U NO", bottom: "PUMP {TOPIC}" },
  { top: "PAPER HANDS SOLD {TOPIC}", bottom: "DIAMOND HANDS ORDERED PIZZA" },
  { top: "IS THIS", bottom: "THE {TOPIC} BULL RUN?" },
  { top: "HOW IT STARTED: ONE {TOPIC}", bottom: "HOW IT'S GOING: WAGMI" },
  { top: "I SAW {TOPIC} ONCE", bottom: "NOW IT'S MY WHOLE PERSONALITY" },
];

export function createOfflineMemeEngine(options: OfflineEngineOptions = {}): OfflineEngine {
  const random = options.random ?? Math.random;
  return {
    write(topic) {
      const index = Math.min(OFFLINE_TEMPLATES.length - 1, Math.floor(random() * OFFLINE_TEMPLATES.length));
      const template = OFFLINE_TEMPLATES[Math.max(0, index)] as Template;
      const subject = fitTopic(sanitizeTopic(topic) || FALLBACK_TOPIC, template);
      const lines = { top: fill(template.top, subject), bottom: fill(template.bottom, subject) };
      // Shortening the topic or the template's own words can complete what the topic only began
      // ("SCAM.IOTA" cut to "SCAM.IO", "SCAM ." followed by " IS A LIFESTYLE"): never post that.
      if (findUnsafeText(`${lines.top}\n${lines.bottom}`) === undefined) return lines;
      return { top: fill(template.top, FALLBACK_TOPIC), bottom: fill(template.bottom, FALLBACK_TOPIC) };
    },
  };
}

// Keep letters, digits, spaces and punctuation a meme font can draw ($TICKER, #tag, 100%).
const UNDRAWABLE = /[^\p{L}\p{N}\p{M} '!?.,&$#%+:-]/gu;

/** Uppercase, one line, no links, domains, handles, mentions, addresses, emoji or control characters. */
export function sanitizeTopic(topic: string): string {
  const drawable = stripUnsafeText(topic).replace(/\s+/g, " ").replace(UNDRAWABLE, "");
  // Dropping an undrawable character can join what it kept apart ("scam🚀.io"): strip once more.
  return stripUnsafeText(drawable).replace(/ +/g, " ").trim().toUpperCase();
}

/** Shortens the topic (at a word boundary when it can) so every line stays within MAX_LINE. */
function fitTopic(topic: string, template: Template): string {
  let room = MAX_LINE;
  for (const line of [template.top, template.bottom]) {
    const uses = line.split(PLACEHOLDER).length - 1;
    if (uses > 0)
      room = Math.min(room, Math.floor((MAX_LINE - (line.length - uses * PLACEHOLDER.length)) / uses));
  }
  if (topic.length <= room) return topic;
  const cut = topic.slice(0, room);
  const lastSpace = cut.lastIndexOf(" ");
  return (lastSpace >= room / 2 ? cut.slice(0, lastSpace) : cut).trim();
}

function fill(line: string, topic: string): string {
  return line.replaceAll(PLACEHOLDER, topic).slice(0, MAX_LINE);
}
