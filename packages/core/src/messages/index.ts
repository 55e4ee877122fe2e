import { en, type MessageId, type Messages } from "./en.ts";
import { es } from "./es.ts";

export type { MessageId, Messages };
export type MessageParams = Readonly<Record<string, string | number>>;

export const catalogs = { en, es } as const satisfies Record<string, Messages>;
export type Language = keyof typeof catalogs;
export const languages = Object.keys(catalogs) as Language[];

/** Looks a message up in the language's catalog and fills its `{name}` parameters. */
export function translate(language: Language, id: MessageId, params: MessageParams = {}): string {
  const template = catalogs[language][id];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

export type Translator = (id: MessageId, params?: MessageParams) => string;
export const translator =
  (language: Language): Translator =>
  (id, params) =>
    translate(language, id, params);
