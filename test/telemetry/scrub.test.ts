import { describe, expect, it } from "vitest";
import { createScrubber } from "@memebot/telemetry";

// Shaped like the real ones: an interaction token is base64 of "interaction:<id>:<random>".
const INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTI4NzY1NDMyMTA5ODc2NTQzMjpxV2VSdFl1SW9QYVNkRmdIaktsWnhDdkJuTQ";
const WEBHOOK_TOKEN = "Xy9_kLmN0pQrStUvWxYz-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefGhIjKl";

// No configured secrets: what is removed here is found by its shape or place alone.
const { scrubText, scrubLine } = createScrubber([]);

describe("createScrubber: secrets found by their place in a URL", () => {
  it("removes the interaction token from an interaction callback URL and keeps the rest readable", () => {
    expect(
      scrubText(
        `POST https://discord.com/api/v10/interactions/1287654321098765432/${INTERACTION_TOKEN}/callback failed`,
      ),
    ).toBe("POST https://discord.com/api/v10/interactions/1287654321098765432/[redacted]/callback failed");
  });

  it("removes the token from interaction webhook and webhook URLs, encoded @original included", () => {
    expect(
      scrubText(
        `PATCH /api/v10/webhooks/111222333444555666/${INTERACTION_TOKEN}/messages/%40original?wait=true`,
      ),
    ).toBe("PATCH /api/v10/webhooks/111222333444555666/[redacted]/messages/%40original?wait=true");
    expect(scrubText(`https://discord.com/api/webhooks/111/${WEBHOOK_TOKEN}`)).toBe(
      "https://discord.com/api/webhooks/111/[redacted]",
    );
    expect(scrubText(`"url":"https://discord.com/api/v10/webhooks/111/${WEBHOOK_TOKEN}"`)).toBe(
      `"url":"https://discord.com/api/v10/webhooks/111/[redacted]"`,
    );
  });

  it("leaves Discord routes without a token alone", () => {
    for (const route of [
      "GET /api/v10/channels/123/webhooks",
      "GET /api/v10/webhooks/123",
      "PUT /api/v10/applications/123/commands",
    ]) {
      expect(scrubText(route)).toBe(route);
    }
  });

  it("removes the password of any URL, keeping scheme, user, host, path and query", () => {
    expect(
      scrubText("connect to postgres://memebot:Sup3r-Secret@db.internal:5432/memebot?sslmode=require"),
    ).toBe("connect to postgres://memebot:[redacted]@db.internal:5432/memebot?sslmode=require");
    expect(scrubText("redis://:only-a-password@127.0.0.1:6379/0 is down")).toBe(
      "redis://:[redacted]@127.0.0.1:6379/0 is down",
    );
    expect(scrubText("rediss://default:pw@cache.example.com")).toBe(
      "rediss://default:[redacted]@cache.example.com",
    );
    // Up to the last "@" of the authority, as URL parsers read it.
    expect(scrubText("postgresql://app:p@ss:w@rd@db/x")).toBe("postgresql://app:[redacted]@db/x");
    expect(scrubText("at 'http://llm:key-123@127.0.0.1:8000/v1'.")).toBe(
      "at 'http://llm:[redacted]@127.0.0.1:8000/v1'.",
    );
  });

  it("keeps a user name without password, e-mail addresses and @ after the host", () => {
    for (const text of [
      "ssh://git@github.com/org/repo",
      "mail alice@example.com about http://example.com/@alice",
      "https://example.com/path?who=@bob",
    ]) {
      expect(scrubText(text)).toBe(text);
    }
  });

  it("removes credential query values and keeps the other parameters", () => {
    expect(
      scrubText(
        "GET http://127.0.0.1:8000/v1/models?key=AIzaSyD-abc123&alt=json&api_key=k2&access_token=t3#frag",
      ),
    ).toBe(
      "GET http://127.0.0.1:8000/v1/models?key=[redacted]&alt=json&api_key=[redacted]&access_token=[redacted]#frag",
    );
    expect(scrubText("https://x.test/a?Token=abc&password=hunter2&client_secret=s&sig=AbC%3D&page=2")).toBe(
      "https://x.test/a?Token=[redacted]&password=[redacted]&client_secret=[redacted]&sig=[redacted]&page=2",
    );
    expect(scrubText("https://x.test/a?design=flat&tokenCount=3&keyboard=us")).toBe(
      "https://x.test/a?design=flat&tokenCount=3&keyboard=us",
    );
  });

  it("scrubs these inside a JSON log line and keeps it valid JSON", () => {
    const line = `${JSON.stringify({
      err: {
        message: "Unknown Webhook",
        url: `http://127.0.0.1:4000/api/v10/webhooks/42/${INTERACTION_TOKEN}/messages/@original`,
      },
      target: "redis://worker:s3cr3t@cache:6379",
      msg: "reply failed for http://h/v1?token=abc",
    })}\n`;
    const scrubbed = scrubLine(line);
    expect(scrubbed.endsWith("\n")).toBe(true);
    expect(JSON.parse(scrubbed)).toEqual({
      err: {
        message: "Unknown Webhook",
        url: "http://127.0.0.1:4000/api/v10/webhooks/42/[redacted]/messages/@original",
      },
      target: "redis://worker:[redacted]@cache:6379",
      msg: "reply failed for http://h/v1?token=[redacted]",
    });
  });

  it("stays fast on text built to look like endless URLs", () => {
    const hostile = [
      "a.".repeat(100_000),
      "x://".repeat(50_000),
      "?a".repeat(100_000),
      "&tokenx".repeat(50_000),
    ];
    const started = performance.now();
    for (const text of hostile) scrubText(text);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("createScrubber: configured secrets", () => {
  it("removes a configured value wherever it appears, also when it would not be found by shape", () => {
    const scrubber = createScrubber(["plain-api-key-77"]);
    expect(scrubber.scrubText("model said: key plain-api-key-77 is invalid")).toBe(
      "model said: key [redacted] is invalid",
    );
  });
});
