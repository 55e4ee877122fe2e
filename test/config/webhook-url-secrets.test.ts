// A Telegram webhook URL's path often holds a hard-to-guess segment: with the secret header, it keeps
// strangers off the webhook, so it is kept out of logs like the other secrets.
import { describe, expect, it } from "vitest";
import { parseEnv, secretsOf } from "@memebot/config";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const SECRET = "webhook_secret_1-of-32-characters";

describe("secretsOf with a webhook URL", () => {
  it("lists a key-like segment of the webhook's path", () => {
    const env = parseEnv({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_WEBHOOK_URL: "https://bot.example.com/telegram/Hq7rT2xW9kLm4Np8Vb3Z",
    });
    expect(secretsOf(env)).toContain("Hq7rT2xW9kLm4Np8Vb3Z");
  });

  it("leaves ordinary path words alone, so log lines naming them stay readable", () => {
    const env = parseEnv({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_WEBHOOK_URL: "https://bot.example.com/telegram/webhook",
    });
    expect(secretsOf(env)).not.toContain("telegram");
    expect(secretsOf(env)).not.toContain("webhook");
  });
});
