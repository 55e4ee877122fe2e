import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_LANGUAGE,
  languagePacks,
  languages,
  loadLanguagePacks,
  translate,
  type MessageId,
} from "@memebot/core";

const messagesFolder = new URL("../../packages/core/src/messages/", import.meta.url);
const fixture = (name: string) => new URL(`./fixtures/${name}/`, import.meta.url);
const defaultPack = languagePacks[0]!;
const parametersOf = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe("languages", () => {
  it("GIVEN the messages folder THEN every file but index.ts is a language, the default first", () => {
    const files = readdirSync(messagesFolder)
      .filter((name) => name !== "index.ts")
      .map((name) => name.replace(/\.ts$/, ""));

    expect([...languages].sort()).toEqual(files.sort());
    expect(languages).toContain("es");
    expect(languages[0]).toBe(DEFAULT_LANGUAGE);
  });

  it("GIVEN each language THEN it has every message, with the default language's {parameters}", () => {
    const ids = Object.keys(defaultPack.messages) as MessageId[];
    for (const pack of languagePacks) {
      expect(Object.keys(pack.messages).sort(), pack.code).toEqual([...ids].sort());
      for (const id of ids) {
        expect(parametersOf(pack.messages[id]), `${pack.code} ${id}`).toEqual(
          parametersOf(defaultPack.messages[id]),
        );
      }
    }
  });

  it("GIVEN each language THEN it names its own Discord locales and a two-letter Telegram code", () => {
    for (const pack of languagePacks) {
      expect(pack.discordLocales.length, pack.code).toBeGreaterThan(0);
      expect(pack.telegramLanguageCode, pack.code).toMatch(/^[a-z]{2}$/);
    }
    // One Discord locale or Telegram code answers in one language only.
    const locales = languagePacks.flatMap((pack) => pack.discordLocales);
    expect(new Set(locales).size).toBe(locales.length);
    const telegramCodes = languagePacks.map((pack) => pack.telegramLanguageCode);
    expect(new Set(telegramCodes).size).toBe(telegramCodes.length);
  });

  it("GIVEN a folder with one more language file THEN it is loaded, with no list to add it to", async () => {
    const packs = await loadLanguagePacks(fixture("languages"));

    expect(packs.map((pack) => pack.code)).toEqual(["en", "fr"]);
    expect(packs[1]?.messages["command.meme.description"]).toBe("Écrire un mème sur un sujet");
  });

  it("GIVEN a file whose code is not its name THEN loading refuses it and names the file", async () => {
    await expect(loadLanguagePacks(fixture("misnamed-language"))).rejects.toThrow(
      /pt\.ts is not a language file: its code is "br"/,
    );
  });

  it("GIVEN a file with missing messages THEN loading refuses it and names what is missing", async () => {
    await expect(loadLanguagePacks(fixture("incomplete-language"))).rejects.toThrow(
      /de\.ts is not a language file: no text for command\.help\.description, .*value\.off/,
    );
  });

  it("GIVEN a language code no file has THEN translate answers in the default language", () => {
    expect(translate("xx", "value.on")).toBe(translate(DEFAULT_LANGUAGE, "value.on"));
    expect(translate("es", "value.on")).toBe("activado");
  });
});
