// The bot's composition (createBotDispatch) as production wires it, on the real Redis and PostgreSQL.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandInvocation } from "@memebot/core";
import { createBotCore, type BotCore } from "../support/bot-core.ts";

let core: BotCore;
beforeAll(async () => {
  core = await createBotCore();
});
afterAll(async () => {
  await core.close();
});

/** A command typed in a user's private chat with the bot. */
function privateCommand(chat: string, name: string, sequence: number): CommandInvocation {
  return {
    key: `test:${chat}:${sequence}`,
    platform: "telegram",
    community: { platform: "telegram", externalId: chat, kind: "private" },
    actor: { platform: "telegram", externalId: chat },
    name,
    args: { kind: "text", text: "" },
    addressed: true,
    target: { platform: "telegram", chatId: chat },
    receivedAt: Date.now(),
    isAdmin: async () => true,
  };
}

async function commandSeries(): Promise<string[]> {
  const { body } = await core.infrastructure.metrics.render();
  return body.split("\n").filter((line) => line.startsWith("memebot_commands_total{"));
}

describe("bot metrics", () => {
  it("GIVEN 5,000 distinct unknown commands THEN the number of command series stays the same", async () => {
    const chat = randomUUID();
    let sequence = 0;
    // Warm-up: every outcome an unknown command can have (answered, then the user's limit).
    for (let n = 0; n < 50; n += 1) await core.dispatch(privateCommand(chat, `warm${n}`, ++sequence));
    const before = await commandSeries();
    expect(before.length).toBeGreaterThan(0);

    for (let n = 0; n < 5_000; n += 1) await core.dispatch(privateCommand(chat, `x${n}`, ++sequence));
    const after = await commandSeries();
    expect(after.map((line) => line.replace(/ \d+$/, ""))).toEqual(
      before.map((line) => line.replace(/ \d+$/, "")),
    );
    // Only registered names and "unknown" ever appear as the command label.
    const commands = new Set(after.map((line) => /command="([^"]*)"/.exec(line)?.[1]));
    expect([...commands]).toEqual(["unknown"]);
  });

  it("GIVEN registered commands THEN they are counted under their own names", async () => {
    const chat = randomUUID();
    await core.dispatch(privateCommand(chat, "help", 1));
    await core.dispatch(privateCommand(chat, "HELP", 2));
    const help = (await commandSeries()).filter((line) => line.includes('command="help"'));
    expect(help).toEqual([expect.stringMatching(/outcome="help.listed"\} 2$/)]);
  });
});
