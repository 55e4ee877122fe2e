// Telegram's command menus and fallback answers come from the language files alone: one menu per
// language, so a language added as one file shows up here with no edit to the adapter.
import { DEFAULT_LANGUAGE, languagePacks, translate } from "@memebot/core";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { textMessageUpdate } from "../../fakes/telegram/updates.ts";
import { startDatabaseProxy } from "../../support/tcp-proxy.ts";
import { uniqueTelegramUserId } from "../../support/unique-ids.ts";
import { startHarness, type Harness } from "./harness.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("telegram command menus", () => {
  it("GIVEN each language THEN sets its menu once: the default for everyone, the others for apps in them", async () => {
    harness = await startHarness();
    await harness.adapter.start();

    const menus = harness.fake.callsOf("setMyCommands").map((call) => call.params);

    expect(menus).toEqual(
      languagePacks.map((pack) => ({
        commands: harness!.core.registry.all.map((command) => ({
          command: command.name,
          description: translate(pack.code, command.description),
        })),
        ...(pack.code === DEFAULT_LANGUAGE ? {} : { language_code: pack.telegramLanguageCode }),
      })),
    );
  });

  it("GIVEN a user whose app speaks a regional Spanish THEN the sorry text of a failed dispatch is Spanish", async () => {
    const database = await startDatabaseProxy();
    onTestFinished(() => database.close());
    harness = await startHarness({ databaseUrl: database.url });
    await harness.adapter.start();
    await harness.fake.waitForCall("getUpdates");
    const user = { id: uniqueTelegramUserId(), first_name: "Lucía", language_code: "es-mx" };

    // The community's settings cannot be read, so the user's own language is all there is.
    database.cut();
    harness.fake.pushUpdates([
      textMessageUpdate({ chat: { id: user.id, type: "private" }, from: user, text: "/help" }),
    ]);
    const reply = await harness.fake.waitForCall("sendMessage");

    expect(reply.params.text).toBe(translate("es", "error.internal"));
    expect(reply.params.text).toBe("Algo salió mal de nuestro lado. Inténtalo de nuevo.");
  });
});
