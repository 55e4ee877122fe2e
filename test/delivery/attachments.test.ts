// The attachment fetcher against the fake Telegram and Discord, and a few misbehaving file hosts
// (a plain local HTTP server each) for the limits: bytes, time, redirects.
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createAttachmentFetcher } from "@memebot/delivery";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord/server.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";

let telegram: FakeTelegram;
let discord: FakeDiscord;
beforeAll(async () => {
  [telegram, discord] = await Promise.all([startFakeTelegram(), startFakeDiscord()]);
});
afterAll(async () => {
  await Promise.all([telegram.close(), discord.close()]);
});

const KB = 1024;
const warnings: object[] = [];
const logger = { warn: (object: object) => void warnings.push(object) };

/** A file host of the test's own, its origin allowed like the fake Discord's. */
async function startHost(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("Telegram files", () => {
  const fetcher = () =>
    createAttachmentFetcher({ telegram: { token: telegram.token, apiRoot: telegram.apiRoot }, logger });

  it("GIVEN a file id THEN asks getFile for its path and downloads the bytes from the file route", async () => {
    const file = telegram.addFile('{"name": "Pepe"}', { name: "persona.json", mimeType: "application/json" });

    const fetched = await fetcher().fetch(
      { platform: "telegram", fileId: file.file_id },
      { maxBytes: 64 * KB },
    );

    expect(fetched.ok && Buffer.from(fetched.value).toString("utf8")).toBe('{"name": "Pepe"}');
    expect(telegram.callsOf("getFile").at(-1)?.params).toEqual({ file_id: file.file_id });
    expect(telegram.calls.at(-1)?.method).toBe("downloadFile");
    expect(telegram.calls.at(-1)?.error).toBeUndefined();
  });

  it("GIVEN a file larger than the cap THEN refuses it from getFile's size without downloading", async () => {
    const file = telegram.addFile(Buffer.alloc(65 * KB, 0x20));
    const downloadsBefore = telegram.callsOf("downloadFile").length;

    const fetched = await fetcher().fetch(
      { platform: "telegram", fileId: file.file_id },
      { maxBytes: 64 * KB },
    );

    expect(fetched).toMatchObject({ ok: false, error: { reason: "too_large" } });
    expect(telegram.callsOf("downloadFile")).toHaveLength(downloadsBefore);
  });

  it("GIVEN a size the platform declared above the cap THEN refuses it without any request", async () => {
    const callsBefore = telegram.calls.length;
    const fetched = await fetcher().fetch(
      { platform: "telegram", fileId: "AgACunknown", size: 10 * 1024 * KB },
      { maxBytes: 64 * KB },
    );
    expect(fetched).toMatchObject({ ok: false, error: { reason: "too_large" } });
    expect(telegram.calls).toHaveLength(callsBefore);
  });

  it("GIVEN an unknown file id, no configured bot, or a Bot API that is down THEN says unavailable without the token", async () => {
    const unknown = await fetcher().fetch({ platform: "telegram", fileId: "AgACunknown" }, { maxBytes: KB });
    expect(unknown).toMatchObject({
      ok: false,
      error: { reason: "unavailable", detail: "getFile: HTTP 400" },
    });

    const unconfigured = await createAttachmentFetcher().fetch(
      { platform: "telegram", fileId: "AgACx" },
      { maxBytes: KB },
    );
    expect(unconfigured).toMatchObject({ ok: false, error: { reason: "unavailable" } });

    const down = await createAttachmentFetcher({
      telegram: { token: telegram.token, apiRoot: "http://127.0.0.1:1" },
      logger,
    }).fetch({ platform: "telegram", fileId: "AgACx" }, { maxBytes: KB });
    expect(down).toMatchObject({ ok: false, error: { reason: "unavailable" } });
    expect(JSON.stringify([unknown, down, warnings])).not.toContain(telegram.token);
  });
});

describe("Discord files", () => {
  it("GIVEN an attachment on an allowed origin THEN downloads it", async () => {
    const attachment = discord.hostAttachment("persona.json", '{"name": "Wojak"}', "application/json");
    const fetcher = createAttachmentFetcher({ discordOrigins: [discord.attachmentOrigin] });

    const fetched = await fetcher.fetch({ platform: "discord", url: attachment.url }, { maxBytes: 64 * KB });

    expect(fetched.ok && Buffer.from(fetched.value).toString("utf8")).toBe('{"name": "Wojak"}');
  });

  it("GIVEN a URL off Discord's CDN THEN refuses it without a request; plain http to the CDN host is refused too", async () => {
    const attachment = discord.hostAttachment("persona.json", "{}");
    const callsBefore = discord.calls.length;
    const fetcher = createAttachmentFetcher({ logger });

    expect(await fetcher.fetch({ platform: "discord", url: attachment.url }, { maxBytes: KB })).toMatchObject(
      {
        ok: false,
        error: { reason: "not_allowed" },
      },
    );
    expect(
      await fetcher.fetch(
        { platform: "discord", url: "http://cdn.discordapp.com/attachments/1/2/persona.json" },
        { maxBytes: KB },
      ),
    ).toMatchObject({ ok: false, error: { reason: "not_allowed" } });
    expect(discord.calls).toHaveLength(callsBefore);
  });

  it("GIVEN a body longer than the cap without a length header THEN stops reading at the cap", async () => {
    let sent = 0;
    const total = 4 * 1024 * KB;
    const origin = await startHost((_request, response) => {
      // Chunked, no content-length: only counting what arrives can tell. The stream waits on the reader.
      async function* chunks() {
        while (sent < total) {
          sent += 16 * KB;
          yield Buffer.alloc(16 * KB, 0x61);
        }
      }
      Readable.from(chunks()).pipe(response);
    });
    const fetcher = createAttachmentFetcher({ discordOrigins: [origin] });

    const fetched = await fetcher.fetch(
      { platform: "discord", url: `${origin}/big.json` },
      { maxBytes: 64 * KB },
    );

    expect(fetched).toMatchObject({ ok: false, error: { reason: "too_large" } });
    // The download was cut short, not read to its end.
    expect(sent).toBeLessThan(total);
  });

  it("GIVEN a length header above the cap THEN refuses before reading the body", async () => {
    const origin = await startHost((_request, response) => {
      response.writeHead(200, { "content-length": String(10 * 1024 * KB) });
      response.write("{");
    });
    const fetched = await createAttachmentFetcher({ discordOrigins: [origin] }).fetch(
      { platform: "discord", url: `${origin}/big.json` },
      { maxBytes: 64 * KB },
    );
    expect(fetched).toMatchObject({ ok: false, error: { reason: "too_large" } });
  });

  it("GIVEN a host that never answers THEN gives up after the timeout", async () => {
    const origin = await startHost(() => undefined);
    const started = Date.now();
    const fetched = await createAttachmentFetcher({ discordOrigins: [origin], timeoutMs: 300 }).fetch(
      { platform: "discord", url: `${origin}/slow.json` },
      { maxBytes: KB },
    );
    expect(fetched).toMatchObject({
      ok: false,
      error: { reason: "unavailable", detail: "download: request timed out" },
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("GIVEN an allowed host that redirects elsewhere THEN does not follow", async () => {
    let followed = false;
    const elsewhere = await startHost((_request, response) => {
      followed = true;
      response.end("{}");
    });
    const origin = await startHost((_request, response) => {
      response.writeHead(302, { location: `${elsewhere}/persona.json` });
      response.end();
    });
    const fetched = await createAttachmentFetcher({ discordOrigins: [origin] }).fetch(
      { platform: "discord", url: `${origin}/persona.json` },
      { maxBytes: KB },
    );
    expect(fetched).toMatchObject({ ok: false, error: { reason: "unavailable" } });
    expect(followed).toBe(false);
  });
});
