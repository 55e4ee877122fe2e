// Downloads the files users send with commands (a persona JSON today, meme pictures next), from
// the platform that holds them and nowhere else: Telegram through its Bot API (getFile, then the
// file route), Discord only from its CDN. Every download is capped in bytes and in time, and a
// failure says why in our own words: the Telegram URL carries the bot token, so no URL is ever
// put into an error, a detail or a log line.
import type { AttachmentFetcher, AttachmentProblem, AttachmentRef, Result } from "@memebot/core";
import { networkProblemOf } from "./errors.ts";

/** Hosts Discord serves attachments from; `url` options of other hosts are refused. */
export const DISCORD_ATTACHMENT_HOSTS: readonly string[] = ["cdn.discordapp.com", "media.discordapp.net"];

export const DEFAULT_ATTACHMENT_TIMEOUT_MS = 10_000;

export interface AttachmentFetcherOptions {
  /** Where Telegram files come from: the bot's own token and Bot API root. Without it, Telegram files are unavailable. */
  telegram?: { token: string; apiRoot: string };
  /** More origins ("http://127.0.0.1:4000") a Discord attachment may come from: a test's fake Discord. */
  discordOrigins?: readonly string[];
  /** For the whole fetch, lookups and redirects included. */
  timeoutMs?: number;
  logger?: { warn(object: object, message: string): void };
}

class FetchProblem extends Error {
  constructor(readonly problem: AttachmentProblem) {
    super(problem.detail);
  }
}

const problem = (reason: AttachmentProblem["reason"], detail: string) => new FetchProblem({ reason, detail });

/** Reads a response body up to `maxBytes`, stopping (and cancelling the rest) as soon as it is more. */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw problem("too_large", `the file is ${declared} bytes, more than ${maxBytes}`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw problem("too_large", `the file is more than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function request(url: string, signal: AbortSignal, what: string): Promise<Response> {
  let response: Response;
  try {
    // No redirects: a file host that sends us elsewhere is not one we chose to trust.
    response = await fetch(url, { signal, redirect: "error" });
  } catch (error) {
    throw problem("unavailable", `${what}: ${networkProblemOf(error)}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw problem("unavailable", `${what}: HTTP ${response.status}`);
  }
  return response;
}

type TelegramRef = Extract<AttachmentRef, { platform: "telegram" }>;
type DiscordRef = Extract<AttachmentRef, { platform: "discord" }>;

export function createAttachmentFetcher(options: AttachmentFetcherOptions = {}): AttachmentFetcher {
  const timeoutMs = options.timeoutMs ?? DEFAULT_ATTACHMENT_TIMEOUT_MS;
  const extraOrigins = new Set(options.discordOrigins ?? []);

  async function fromTelegram(ref: TelegramRef, maxBytes: number, signal: AbortSignal) {
    const telegram = options.telegram;
    if (!telegram) throw problem("unavailable", "no Telegram bot token is configured");
    const root = telegram.apiRoot.replace(/\/+$/, "");
    const lookup = await request(
      `${root}/bot${telegram.token}/getFile?file_id=${encodeURIComponent(ref.fileId)}`,
      signal,
      "getFile",
    );
    const answer = (await lookup.json().catch(() => undefined)) as
      { ok?: boolean; result?: { file_path?: unknown; file_size?: unknown } } | undefined;
    const path = answer?.result?.file_path;
    if (answer?.ok !== true || typeof path !== "string" || path === "") {
      throw problem("unavailable", "getFile gave no file path");
    }
    const size = answer.result?.file_size;
    if (typeof size === "number" && size > maxBytes) {
      throw problem("too_large", `the file is ${size} bytes, more than ${maxBytes}`);
    }
    const encodedPath = path.split("/").map(encodeURIComponent).join("/");
    return readCapped(
      await request(`${root}/file/bot${telegram.token}/${encodedPath}`, signal, "download"),
      maxBytes,
    );
  }

  async function fromDiscord(ref: DiscordRef, maxBytes: number, signal: AbortSignal) {
    let url: URL;
    try {
      url = new URL(ref.url);
    } catch {
      throw problem("not_allowed", "the attachment URL is not a URL");
    }
    const onDiscordCdn = url.protocol === "https:" && DISCORD_ATTACHMENT_HOSTS.includes(url.hostname);
    if (!onDiscordCdn && !extraOrigins.has(url.origin)) {
      throw problem("not_allowed", `attachments are only fetched from Discord's CDN, not ${url.hostname}`);
    }
    return readCapped(await request(url.href, signal, "download"), maxBytes);
  }

  return {
    async fetch(ref, { maxBytes }): Promise<Result<Uint8Array, AttachmentProblem>> {
      if (ref.size !== undefined && ref.size > maxBytes) {
        return {
          ok: false,
          error: { reason: "too_large", detail: `the file is ${ref.size} bytes, more than ${maxBytes}` },
        };
      }
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const bytes =
          ref.platform === "telegram"
            ? await fromTelegram(ref, maxBytes, signal)
            : await fromDiscord(ref, maxBytes, signal);
        return { ok: true, value: bytes };
      } catch (error) {
        const found =
          error instanceof FetchProblem
            ? error.problem
            : { reason: "unavailable" as const, detail: networkProblemOf(error) };
        if (found.reason !== "too_large") {
          options.logger?.warn(
            { platform: ref.platform, reason: found.reason, detail: found.detail },
            "attachment not fetched",
          );
        }
        return { ok: false, error: found };
      }
    },
  };
}
