// The persona as members read it in a reply: labels in the community's language. Discord shows
// at most 2000 characters, so the summary shortens long texts and lists and says how to see them
// whole; `/persona show <field>` shows one field in full, or as many of its items as the
// platform's message holds (six full-length examples run to ~3,700 characters) with a note.
import type { MessageId, Translator } from "../messages/index.ts";
import { DEFAULT_PERSONA, samePersona, type Persona, type PersonaField } from "./persona.ts";

const SUMMARY_TEXT_LENGTH = 160;
const SUMMARY_LIST_ITEMS = 8;
const SUMMARY_EXAMPLES = 2;
const SUMMARY_EXAMPLE_LENGTH = 80;

const LABELS = {
  name: "persona.label.name",
  bio: "persona.label.bio",
  style: "persona.label.style",
  topics: "persona.label.topics",
  examples: "persona.label.examples",
  avoid: "persona.label.avoid",
} as const satisfies Record<PersonaField, MessageId>;

function clip(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join("")}…`;
}

/** One line per field in the summary; the field's full text or list otherwise. */
function fieldLines(persona: Persona, field: PersonaField, t: Translator, whole: boolean): string[] {
  const line = (value: string) => t("persona.line", { label: t(LABELS[field]), value });
  const more = (count: number) => t("persona.more", { count, field });
  switch (field) {
    case "name":
      return [line(persona.name)];
    case "bio":
    case "style": {
      const text = persona[field];
      if (!text) return [line(t("persona.none"))];
      // A multi-line bio reads as one paragraph in the summary.
      return [line(whole ? text : clip(text.replace(/\s+/g, " "), SUMMARY_TEXT_LENGTH))];
    }
    case "topics":
    case "avoid": {
      const items = persona[field];
      if (items.length === 0) return [line(t("persona.none"))];
      const shown = whole ? items : items.slice(0, SUMMARY_LIST_ITEMS);
      const hidden = items.length - shown.length;
      return [line(shown.join(", ")), ...(hidden > 0 ? [more(hidden)] : [])];
    }
    case "examples": {
      const examples = persona.examples;
      if (examples.length === 0) return [line(t("persona.none"))];
      const shown = whole ? examples : examples.slice(0, SUMMARY_EXAMPLES);
      const hidden = examples.length - shown.length;
      const text = (value: string) =>
        whole ? value : clip(value.replace(/\s+/g, " "), SUMMARY_EXAMPLE_LENGTH);
      return [
        line(String(examples.length)),
        ...shown.map((example) => t("persona.example", { user: text(example.user), bot: text(example.bot) })),
        ...(hidden > 0 ? [more(hidden)] : []),
      ];
    }
  }
}

const FIELDS_SHOWN: readonly PersonaField[] = ["name", "bio", "style", "topics", "avoid", "examples"];

/** Every field, shortened where long, with how admins change it. */
export function personaSummary(persona: Persona, t: Translator): string {
  const header = t(samePersona(persona, DEFAULT_PERSONA) ? "persona.headerDefault" : "persona.header");
  const lines = FIELDS_SHOWN.flatMap((field) => fieldLines(persona, field, t, false));
  return [header, ...lines, "", t("persona.footer")].join("\n");
}

/** `text` cut to at most `max` UTF-16 units (how message limits count), ending in "…". */
function clipToUnits(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = "";
  for (const character of text) {
    if (kept.length + character.length + 1 > max) break;
    kept += character;
  }
  return `${kept}…`;
}

/** A list field's lines with whole items, only the first `count` of them. */
function firstItemsLines(
  persona: Persona,
  field: "topics" | "avoid" | "examples",
  t: Translator,
  count: number,
): string[] {
  const line = (value: string) => t("persona.line", { label: t(LABELS[field]), value });
  if (field !== "examples") return [line(persona[field].slice(0, count).join(", "))];
  return [
    line(String(persona.examples.length)),
    ...persona.examples
      .slice(0, count)
      .map((example) => t("persona.example", { user: example.user, bot: example.bot })),
  ];
}

/**
 * One field in full, or, when that is longer than `maxLength` characters (the platform's message
 * limit), as many whole items as fit and a note of how many were left out: a reply the platform
 * would clip mid-word, or refuse, helps nobody.
 */
export function personaField(
  persona: Persona,
  field: PersonaField,
  t: Translator,
  maxLength: number = Number.POSITIVE_INFINITY,
): string {
  const whole = fieldLines(persona, field, t, true).join("\n");
  if (whole.length <= maxLength) return whole;
  if (field === "topics" || field === "avoid" || field === "examples") {
    const total = persona[field].length;
    for (let count = total - 1; count > 0; count -= 1) {
      const note = t("persona.shortened", { count: total - count, limit: maxLength });
      const text = [...firstItemsLines(persona, field, t, count), note].join("\n");
      if (text.length <= maxLength) return text;
    }
  }
  // A single item or text longer than the message (limits far below today's): cut it.
  return clipToUnits(whole, maxLength);
}
