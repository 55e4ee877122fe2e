// The languages the bot speaks: every other file in this folder is one language, named after its
// code (es.ts is "es"), whose default export is a `LanguagePack`. They are found by listing the
// folder when this module loads, as Sapphire's i18next plugin finds its `languages/` folder, so
// adding a language is adding a file: settings, Discord's slash-command localisations and
// Telegram's command menus all read `languagePacks`. Each file is type-checked against English's
// keys (`satisfies LanguagePack`) and checked again here at load.
import { readdirSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import english, { type MessageId, type Messages } from "./en.ts";

export type { MessageId, Messages };
/** A parameter may itself be a message, said in the same language (e.g. a setting's allowed values). */
export type MessageParams = Readonly<{ [name: string]: string | number | Message }>;

/** A message kept as data until it is said in someone's language. */
export interface Message {
  id: MessageId;
  params?: MessageParams;
}

/** A language code such as "en" or "es": the name of a file in this folder. */
export type Language = string;

export interface LanguagePack {
  /** The `language` setting's value; the file is named after it (es.ts). */
  code: Language;
  /**
   * Discord's locales for this language (discord.com/developers/docs/reference#locales): a member's
   * client locale picks the reply language, and slash commands get descriptions in each.
   */
  discordLocales: readonly string[];
  /** Telegram's two-letter ISO 639-1 `language_code`: the command menu shown to apps in this language. */
  telegramLanguageCode: string;
  messages: Messages;
}

/** Replies fall back to it, and it is the default command menu and slash-command description. */
export const DEFAULT_LANGUAGE: Language = english.code;

/** Reads every language file in `folder`; the default language first, the others by code. */
export async function loadLanguagePacks(folder: URL): Promise<LanguagePack[]> {
  const files = readdirSync(fileURLToPath(folder)).filter(
    (name) => name.endsWith(".ts") && !name.endsWith(".d.ts") && name !== "index.ts",
  );
  const packs = await Promise.all(
    files.map(async (name) => {
      const module = (await import(pathToFileURL(`${fileURLToPath(folder)}/${name}`).href)) as {
        default?: LanguagePack;
      };
      return checkedPack(module.default, basename(name, ".ts"));
    }),
  );
  return packs.sort((a, b) =>
    a.code === DEFAULT_LANGUAGE ? -1 : b.code === DEFAULT_LANGUAGE ? 1 : a.code.localeCompare(b.code),
  );
}

// The type checker already demands all this of each file; a file it never saw (or a stray file in
// the folder) must still stop the process at start rather than answer with holes.
function checkedPack(pack: LanguagePack | undefined, fileCode: string): LanguagePack {
  const problem = (what: string) =>
    new Error(`packages/core/src/messages/${fileCode}.ts is not a language file: ${what}`);
  if (!pack || typeof pack !== "object" || typeof pack.messages !== "object") {
    throw problem("its default export must be a LanguagePack");
  }
  if (pack.code !== fileCode) throw problem(`its code is "${String(pack.code)}", not its file name`);
  const missing = Object.keys(english.messages).filter(
    (id) => typeof pack.messages[id as MessageId] !== "string",
  );
  if (missing.length > 0) throw problem(`no text for ${missing.join(", ")}`);
  return pack;
}

export const languagePacks: readonly LanguagePack[] = await loadLanguagePacks(new URL(".", import.meta.url));
export const languages: readonly Language[] = languagePacks.map((pack) => pack.code);
const packByCode = new Map(languagePacks.map((pack) => [pack.code, pack]));

/** Looks a message up in the language's catalog and fills its `{name}` parameters. */
export function translate(language: Language, id: MessageId, params: MessageParams = {}): string {
  // Languages reach here validated (settings, job payloads); an unknown one answers in the default.
  return translateIn(packByCode.get(language) ?? english, id, params);
}

/** `translate` with the language pack itself, for callers handed their own list of packs. */
export function translateIn(pack: LanguagePack, id: MessageId, params: MessageParams = {}): string {
  return pack.messages[id].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "object" ? translateIn(pack, value.id, value.params) : String(value);
  });
}

export type Translator = (id: MessageId, params?: MessageParams) => string;
export const translator =
  (language: Language): Translator =>
  (id, params) =>
    translate(language, id, params);
