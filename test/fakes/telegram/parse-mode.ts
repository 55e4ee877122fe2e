import { badRequest, type BotApiError } from "./errors.ts";

/**
 * Telegram rejects badly formatted text instead of sending it ("can't parse entities"). The fake
 * does the same for parse_mode HTML, MarkdownV2 and Markdown, so escaping bugs fail in tests the
 * way they would fail in production. It returns the plain text Telegram would store; entities
 * themselves are not rebuilt.
 */

function parseError(text: string, index: number, reason: string): BotApiError {
  const byteOffset = Buffer.byteLength(text.slice(0, index));
  return badRequest(`can't parse entities: ${reason.replace("{offset}", String(byteOffset))}`);
}

const HTML_TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "span",
  "tg-spoiler",
  "a",
  "tg-emoji",
  "code",
  "pre",
  "blockquote",
]);

const HTML_ENTITY = /^&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-f]{1,6});/i;

function decodeEntity(entity: string): string {
  const name = entity.slice(1, -1).toLowerCase();
  if (name === "lt") return "<";
  if (name === "gt") return ">";
  if (name === "amp") return "&";
  if (name === "quot") return '"';
  const code = name.startsWith("#x")
    ? Number.parseInt(name.slice(2), 16)
    : Number.parseInt(name.slice(1), 10);
  return String.fromCodePoint(Math.min(code, 0x10ffff));
}

function parseHtml(text: string): string {
  const open: Array<{ name: string; index: number }> = [];
  let plain = "";
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === "&") {
      const entity = HTML_ENTITY.exec(text.slice(index, index + 12));
      if (entity !== null) {
        plain += decodeEntity(entity[0]);
        index += entity[0].length;
        continue;
      }
      plain += char;
      index += 1;
      continue;
    }
    if (char !== "<") {
      plain += char;
      index += 1;
      continue;
    }
    const close = text.indexOf(">", index);
    if (close === -1) throw parseError(text, index, "Unclosed start tag at byte offset {offset}");
    const inside = text.slice(index + 1, close);
    if (inside.startsWith("/")) {
      const name = inside.slice(1).trim().toLowerCase();
      const top = open.pop();
      if (top === undefined) throw parseError(text, index, "Unexpected end tag at byte offset {offset}");
      if (name !== "" && name !== top.name) {
        throw parseError(
          text,
          index,
          `Unmatched end tag at byte offset {offset}, expected "</${top.name}>", found "</${name}>"`,
        );
      }
    } else {
      const name = (/^[a-zA-Z][a-zA-Z0-9-]*/.exec(inside)?.[0] ?? "").toLowerCase();
      if (!HTML_TAGS.has(name)) {
        throw parseError(text, index, `Unsupported start tag "${name}" at byte offset {offset}`);
      }
      open.push({ name, index });
    }
    index = close + 1;
  }
  const unclosed = open.pop();
  if (unclosed !== undefined) {
    throw parseError(
      text,
      unclosed.index,
      `Can't find end tag corresponding to start tag "${unclosed.name}"`,
    );
  }
  return plain;
}

const MARKDOWN_V2_RESERVED = new Set([
  "_",
  "*",
  "[",
  "]",
  "(",
  ")",
  "~",
  "`",
  ">",
  "#",
  "+",
  "-",
  "=",
  "|",
  "{",
  "}",
  ".",
  "!",
]);

const V2_TOGGLES: Record<string, string> = {
  "*": "Bold",
  _: "Italic",
  __: "Underline",
  "~": "Strikethrough",
  "||": "Spoiler",
};

function reservedError(text: string, index: number, char: string): BotApiError {
  return parseError(
    text,
    index,
    `Character '${char}' is reserved and must be escaped with the preceding '\\'`,
  );
}

function parseMarkdownV2(text: string): string {
  const openSince = new Map<string, number>();
  let linkTextStart: number | undefined;
  let plain = "";
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === "\\") {
      plain += text[index + 1] ?? "";
      index += 2;
      continue;
    }
    if (char === "`") {
      const fence = text.startsWith("```", index) ? "```" : "`";
      const end = findUnescaped(text, fence, index + fence.length);
      if (end === -1) {
        throw parseError(
          text,
          index,
          `Can't find end of ${fence === "```" ? "Pre" : "Code"} entity at byte offset {offset}`,
        );
      }
      let code = text.slice(index + fence.length, end).replace(/\\([`\\])/g, "$1");
      // A pre block may open with its language ("```ts\n"), which is not part of the text.
      if (fence === "```") code = code.replace(/^[\w+#-]*\n/, "");
      plain += code;
      index = end + fence.length;
      continue;
    }
    const pair = text.slice(index, index + 2);
    const marker =
      pair === "__" || pair === "||" ? pair : char in V2_TOGGLES && char !== "|" ? char : undefined;
    if (marker !== undefined) {
      if (openSince.has(marker)) openSince.delete(marker);
      else openSince.set(marker, index);
      index += marker.length;
      continue;
    }
    if (char === "[") {
      if (linkTextStart !== undefined) throw reservedError(text, index, char);
      linkTextStart = index;
      index += 1;
      continue;
    }
    if (char === "]" && linkTextStart !== undefined && text[index + 1] === "(") {
      const urlEnd = findUnescaped(text, ")", index + 2);
      if (urlEnd === -1)
        throw parseError(text, linkTextStart, "Can't find end of a URL at byte offset {offset}");
      linkTextStart = undefined;
      index = urlEnd + 1;
      continue;
    }
    if (char === ">" && (index === 0 || text[index - 1] === "\n")) {
      index += 1;
      continue;
    }
    if (MARKDOWN_V2_RESERVED.has(char)) throw reservedError(text, index, char);
    plain += char;
    index += 1;
  }
  if (linkTextStart !== undefined) {
    throw parseError(text, linkTextStart, "Can't find end of TextUrl entity at byte offset {offset}");
  }
  for (const [marker, since] of openSince) {
    throw parseError(text, since, `Can't find end of ${V2_TOGGLES[marker]} entity at byte offset {offset}`);
  }
  return plain;
}

function findUnescaped(text: string, needle: string, from: number): number {
  let index = from;
  while (index < text.length) {
    if (text[index] === "\\") {
      index += 2;
      continue;
    }
    if (text.startsWith(needle, index)) return index;
    index += 1;
  }
  return -1;
}

/** Legacy Markdown: only * _ ` [ are special, and an unpaired one is an error. */
function parseLegacyMarkdown(text: string): string {
  let plain = "";
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === "\\" && "*_`[".includes(text[index + 1] ?? "")) {
      plain += text[index + 1];
      index += 2;
      continue;
    }
    if (char === "*" || char === "_" || char === "`") {
      const fence = char === "`" && text.startsWith("```", index) ? "```" : char;
      const end = text.indexOf(fence, index + fence.length);
      if (end === -1) {
        throw parseError(text, index, "Can't find end of the entity starting at byte offset {offset}");
      }
      plain += text.slice(index + fence.length, end);
      index = end + fence.length;
      continue;
    }
    if (char === "[") {
      const match = /^\[([^\]]*)\]\(([^)]*)\)/.exec(text.slice(index));
      if (match === null) {
        throw parseError(text, index, "Can't find end of the entity starting at byte offset {offset}");
      }
      plain += match[1];
      index += match[0].length;
      continue;
    }
    plain += char;
    index += 1;
  }
  return plain;
}

/** Returns the text as Telegram would store it, or throws the 400 Telegram would answer. */
export function applyParseMode(text: string, parseMode: unknown): string {
  if (parseMode === undefined || parseMode === null || parseMode === "") return text;
  const mode = String(parseMode).toLowerCase();
  if (mode === "html") return parseHtml(text);
  if (mode === "markdownv2") return parseMarkdownV2(text);
  if (mode === "markdown") return parseLegacyMarkdown(text);
  throw badRequest(`unsupported parse_mode`);
}
