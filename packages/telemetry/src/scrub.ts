/**
 * Keeps secrets out of everything the platform writes down: log lines (checked whole, just before they are
 * written) and stored text — a command run's `detail`, the failure reason and stack trace BullMQ keeps in Redis,
 * health check reasons.
 *
 * Working on the final log line (not on the object handed to the logger) also covers what serializers produce,
 * child-logger bindings and error properties — e.g. an HTTP client error whose `config.headers.Authorization`
 * holds the key, or node-fetch's "invalid json response body at https://api.telegram.org/bot123:ABC/getMe".
 *
 * Two kinds of secret are removed: the exact values the process was configured with (tokens, keys, passwords),
 * and values recognisable by their shape or place wherever they come from — Telegram bot tokens, Authorization
 * values, Discord interaction and webhook tokens in URLs, passwords in URLs and credential query parameters.
 */

export const REDACTED = "[redacted]";

/**
 * Keys whose values are always replaced, at any depth. Compared case-insensitively with `-` and `_` removed, so
 * `apiKey`, `api_key`, `x-api-key` and `API_KEY` all match.
 */
export const DEFAULT_SENSITIVE_KEYS = [
  "token",
  "accessToken",
  "refreshToken",
  "botToken",
  "apiKey",
  "xApiKey",
  "authorization",
  "proxyAuthorization",
  "password",
  "passwd",
  "secret",
  "clientSecret",
  "privateKey",
  "secretKey",
  "cookie",
  "setCookie",
] as const;

// A Telegram bot token: numeric bot id, colon, 35-ish url-safe characters.
const TELEGRAM_TOKEN = String.raw`\d{5,}:[A-Za-z0-9_-]{30,}`;
// An Authorization value. The scheme is matched case-sensitively and the credential must be long and contain a
// digit, so ordinary prose ("Bot started", "Bot memebot_helper") survives.
const AUTH_VALUE = String.raw`\b(Bot|Bearer|bearer)\s+(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{20,}`;
// Cheap pre-filter for lines that may hold a sensitive key; the exact key check happens on the parsed object.
const KEY_HINT = String.raw`"[\w-]*(?:token|key|authorization|passw|secret|cookie)[\w-]*":`;

// The characters that end a URL, or a part of one, inside free text (error messages quote URLs in '', "", <>).
const URL_END = String.raw`\s"'<>\\`;
// Discord puts the interaction or webhook token in the path: /interactions/<id>/<token>/callback and
// /webhooks/<application or webhook id>/<token>/messages/@original. Whatever follows the id is the token.
const DISCORD_PATH_TOKEN = String.raw`(/(?:interactions|webhooks)/\d+/)[^/?#${URL_END}]+`;
// The authority of a URL with user info. The greedy match runs to the last "@" before the path, as URL parsers
// do, so a password holding an unescaped "@" is still covered whole. Lengths are bounded so that text built to
// look like endless schemes or authorities cannot make matching slow.
const URL_USER_INFO = String.raw`\b([A-Za-z][A-Za-z0-9+.-]{0,30}://)([^/?#${URL_END}]{0,512})@`;
// A query parameter whose name says it carries a credential: key, api_key, x-api-key, token, access_token,
// password, client_secret, signature, sig, auth… (names are matched by their ending, case-insensitively).
const QUERY_CREDENTIAL = String.raw`([?&;][\w.~-]{0,40}?(?:key|token|passwd|password|pwd|secret|signature|sig|auth)=)[^&#${URL_END}]+`;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** `scheme://user:password@` keeps the scheme and the user name (they say which account), not the password. */
function withoutPassword(_match: string, scheme: string, userInfo: string): string {
  const colon = userInfo.indexOf(":");
  return colon === -1 ? `${scheme}${userInfo}@` : `${scheme}${userInfo.slice(0, colon)}:${REDACTED}@`;
}

function normalizeKey(key: string): string {
  return key.replace(/[-_]/g, "").toLowerCase();
}

export type Scrubber = {
  /** Replaces every secret and token-shaped substring in a plain string. */
  scrubText(text: string): string;
  /** Scrubs one serialized JSON log line, keeping it valid JSON and keeping its line ending. */
  scrubLine(line: string): string;
};

export function createScrubber(
  secrets: readonly string[],
  sensitiveKeys: readonly string[] = DEFAULT_SENSITIVE_KEYS,
): Scrubber {
  const keys = new Set(sensitiveKeys.map(normalizeKey));
  // Longest first so a secret that contains another is replaced whole.
  const values = [...new Set(secrets.filter((secret) => secret.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  const secretAlternatives = values.map(escapeRegExp);
  // Inside a JSON line a secret with quotes, backslashes or control characters appears escaped.
  const jsonAlternatives = values
    .map((secret) => JSON.stringify(secret).slice(1, -1))
    .filter((escaped, index) => escaped !== values[index])
    .map(escapeRegExp);

  const textPattern = new RegExp([...secretAlternatives, TELEGRAM_TOKEN].join("|"), "g");
  const authPattern = new RegExp(AUTH_VALUE, "g");
  const discordPathPattern = new RegExp(DISCORD_PATH_TOKEN, "g");
  const userInfoPattern = new RegExp(URL_USER_INFO, "g");
  const queryPattern = new RegExp(QUERY_CREDENTIAL, "gi");
  const linePattern = new RegExp(
    [
      ...secretAlternatives,
      ...jsonAlternatives,
      TELEGRAM_TOKEN,
      AUTH_VALUE,
      KEY_HINT,
      DISCORD_PATH_TOKEN,
      // The user info's tail alone: matching the scheme at every word boundary would double the cost of a clean line.
      String.raw`://[^/?#${URL_END}]{0,512}@`,
      QUERY_CREDENTIAL,
    ].join("|"),
    "i",
  );

  function scrubText(text: string): string {
    return (
      text
        // Exact secrets first: afterwards the shapes below meet "[redacted]" where a secret stood.
        .replace(textPattern, REDACTED)
        .replace(authPattern, `$1 ${REDACTED}`)
        .replace(discordPathPattern, `$1${REDACTED}`)
        .replace(userInfoPattern, withoutPassword)
        .replace(queryPattern, `$1${REDACTED}`)
    );
  }

  function scrubValue(value: unknown): unknown {
    if (typeof value === "string") return scrubText(value);
    if (Array.isArray(value)) return value.map(scrubValue);
    if (value !== null && typeof value === "object") {
      const scrubbed: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) {
        scrubbed[scrubText(key)] = keys.has(normalizeKey(key)) ? REDACTED : scrubValue(inner);
      }
      return scrubbed;
    }
    return value;
  }

  function scrubLine(line: string): string {
    // The common case: nothing to hide, so skip the parse/stringify round trip.
    if (!linePattern.test(line)) return line;
    const ending = line.endsWith("\n") ? "\n" : "";
    try {
      // Working on parsed values (not the raw text) keeps the output valid JSON even when a match would
      // otherwise cut through an escape sequence.
      return JSON.stringify(scrubValue(JSON.parse(line))) + ending;
    } catch {
      return scrubText(line);
    }
  }

  return { scrubText, scrubLine };
}
