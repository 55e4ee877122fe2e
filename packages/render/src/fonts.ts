// The fonts the renderer draws with. They ship as npm packages (OFL, each with its LICENSE_FONT) and
// are handed to libvips' fontconfig once per process; afterwards pango picks them by family name and
// falls back along the family list for scripts and emoji the first family lacks.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import sharp from "sharp";
import { decompress } from "wawoff2";

const require = createRequire(import.meta.url);

function packageFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

interface ShippedFont {
  family: string;
  pkg: string;
  file: string;
}

/**
 * Only the bold cut of each Noto family is registered, so the family name alone finds it. Anton
 * (Latin) and Oswald (Latin, Cyrillic) are the condensed meme faces; Noto covers Greek and the other
 * scripts. CJK is Noto Sans JP (kana and kanji in Japanese shapes) then Noto Sans SC (Simplified
 * Chinese hanzi outside JIS); Korean hangul and Traditional-only forms are not covered (Noto Sans KR
 * and TC would add 10 MB or more each; the bold cuts alone are 5.5 + 10.5 MB for JP + SC).
 */
const SHIPPED: readonly ShippedFont[] = [
  { family: "Anton", pkg: "@expo-google-fonts/anton", file: "400Regular/Anton_400Regular.ttf" },
  { family: "Oswald", pkg: "@expo-google-fonts/oswald", file: "700Bold/Oswald_700Bold.ttf" },
  { family: "Noto Sans", pkg: "@expo-google-fonts/noto-sans", file: "700Bold/NotoSans_700Bold.ttf" },
  {
    family: "Noto Sans Arabic",
    pkg: "@expo-google-fonts/noto-sans-arabic",
    file: "700Bold/NotoSansArabic_700Bold.ttf",
  },
  {
    family: "Noto Sans Hebrew",
    pkg: "@expo-google-fonts/noto-sans-hebrew",
    file: "700Bold/NotoSansHebrew_700Bold.ttf",
  },
  {
    family: "Noto Sans Devanagari",
    pkg: "@expo-google-fonts/noto-sans-devanagari",
    file: "700Bold/NotoSansDevanagari_700Bold.ttf",
  },
  {
    family: "Noto Sans Thai",
    pkg: "@expo-google-fonts/noto-sans-thai",
    file: "700Bold/NotoSansThai_700Bold.ttf",
  },
  { family: "Noto Sans JP", pkg: "@expo-google-fonts/noto-sans-jp", file: "700Bold/NotoSansJP_700Bold.ttf" },
  { family: "Noto Sans SC", pkg: "@expo-google-fonts/noto-sans-sc", file: "700Bold/NotoSansSC_700Bold.ttf" },
];

const EMOJI_PKG = "@fontsource/noto-color-emoji";
const EMOJI_WOFF2 = "files/noto-color-emoji-emoji-400-normal.woff2";
export const EMOJI_FAMILY = "Noto Color Emoji";

const SCRIPT_FALLBACKS =
  "Noto Sans Arabic, Noto Sans Hebrew, Noto Sans Devanagari, Noto Sans Thai, Noto Sans JP, Noto Sans SC, Noto Color Emoji";

/** Pango family lists: the meme face first, then the scripts, then emoji. */
export const FAMILIES = {
  /** Classic lettering: Anton for Latin, Oswald for Cyrillic, Noto Sans for Greek and the rest. */
  impact: `Anton, Oswald, Noto Sans, ${SCRIPT_FALLBACKS}`,
  /** Caption bars and panels in dark letters: a plain bold sans. */
  plain: `Noto Sans, ${SCRIPT_FALLBACKS}`,
} as const;

export interface FontFile {
  family: string;
  path: string;
}

/** Paths of the shipped TTFs (for the canvas baseline and tests). */
export function shippedFontFiles(): FontFile[] {
  return SHIPPED.map((font) => ({ family: font.family, path: packageFile(font.pkg, font.file) }));
}

/**
 * fontconfig reads fonts from files, and the colour emoji font (COLRv1, the only colour format this
 * cairo draws; Twemoji's COLRv0 comes out blank) ships as WOFF2, which this freetype cannot open. It is
 * decoded once per machine into the temp folder under a content hash, written atomically, and reused.
 */
export async function emojiFontFile(cacheDir = join(tmpdir(), "memebot-render-fonts")): Promise<FontFile> {
  const woff2 = await readFile(packageFile(EMOJI_PKG, EMOJI_WOFF2));
  const hash = createHash("sha256").update(woff2).digest("hex").slice(0, 16);
  const path = join(cacheDir, `NotoColorEmoji-${hash}.ttf`);
  const existing = await stat(path).catch(() => undefined);
  if (!existing?.isFile() || existing.size === 0) {
    await mkdir(cacheDir, { recursive: true });
    const ttf = await decompress(woff2);
    const partial = `${path}.${process.pid}.partial`;
    await writeFile(partial, ttf);
    await rename(partial, path);
  }
  return { family: EMOJI_FAMILY, path };
}

let registered: Promise<void> | undefined;

/** Registers every shipped font with libvips' fontconfig, once per process. */
export function registerFonts(): Promise<void> {
  registered ??= (async () => {
    const files = [...shippedFontFiles(), await emojiFontFile()];
    // libvips adds a fontfile to its fontconfig set the first time a text image names it; a one-letter
    // render per file is the public way to do that.
    for (const font of files) {
      await sharp({ text: { text: "x", font: `${font.family} 8`, fontfile: font.path } })
        .raw()
        .toBuffer();
    }
  })();
  registered.catch(() => {
    registered = undefined;
  });
  return registered;
}
