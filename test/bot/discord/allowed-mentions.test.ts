// The bot's own Discord answers echo what users typed (a setting value, a command name), so every
// request that carries message content must allow no mentions: @everyone, roles and members
// typed into a command are shown, never pinged. One test per way the adapter answers.
import type { Dispatch } from "@memebot/core";
import { MessageFlags, PermissionFlagsBits } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDiscordAdapter, type DiscordAdapter } from "../../../apps/bot/src/discord/adapter.ts";
import { chatInputInteraction } from "../../fakes/discord/interactions.ts";
import { startFakeDiscord, type DiscordCall, type FakeDiscord } from "../../fakes/discord/server.ts";
import { createBotCore, type BotCore } from "../../support/bot-core.ts";
import { uniqueSnowflake } from "../../support/unique-ids.ts";

const PINGS = "@everyone <@&123>";
const manageServer = PermissionFlagsBits.ManageGuild.toString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let fake: FakeDiscord;
let core: BotCore;
let adapter: DiscordAdapter | undefined;
let guildId: string;

beforeEach(async () => {
  guildId = uniqueSnowflake();
  fake = await startFakeDiscord({ heartbeatIntervalMs: 200, ackDeadlineMs: 3000 });
  core = await createBotCore();
  adapter = undefined;
});
afterEach(async () => {
  await adapter?.stop();
  await fake.close();
  await core.close();
});

async function startAdapter(extra: { dispatch?: Dispatch; deferAfterMs?: number } = {}) {
  adapter = createDiscordAdapter({
    token: "fake-bot-token",
    apiBase: fake.apiBase,
    dispatch: extra.dispatch ?? core.dispatch,
    registry: core.registry,
    logger: core.logger,
    registerCommands: false,
    ...(extra.deferAfterMs ? { deferAfterMs: extra.deferAfterMs } : {}),
  });
  await adapter.start();
}

const slowly =
  (ms: number): Dispatch =>
  async (invocation) => {
    await sleep(ms);
    return core.dispatch(invocation);
  };

/** A command from a member whose display name is full of mentions. */
function command(name: string, options: Record<string, string> = {}) {
  return chatInputInteraction({
    id: uniqueSnowflake(),
    applicationId: fake.applicationId,
    guildId,
    user: { id: uniqueSnowflake(), username: "alice", global_name: PINGS },
    permissions: manageServer,
    commandName: name,
    options: Object.entries(options).map(([key, value]) => ({ name: key, type: 3, value })),
  });
}

/** Delivers the interaction and returns, once it was answered, every request it led to. */
async function answersTo(interaction: ReturnType<typeof command>) {
  expect(fake.dispatchInteraction(interaction)).toBe(1);
  await fake.waitForCall(
    (call) => call.path.includes(interaction.token) && typeof messageOf(call)?.content === "string",
    10_000,
  );
  // Room for anything sent after the answer, which would have to pass the same checks.
  await sleep(150);
  return fake.calls.filter((call) => call.path.includes(interaction.token));
}

/** The message part of a request: a callback's `data`, or a webhook request's body. */
function messageOf(call: DiscordCall): Record<string, unknown> | undefined {
  const body = call.body as Record<string, unknown> | undefined;
  if (call.path.endsWith("/callback")) return body?.data as Record<string, unknown> | undefined;
  return body;
}

/**
 * The requests that answered a member whose name (or typed value) is full of mentions: belt and
 * braces, the text quotes none of them and the message allows no mentions anyway.
 */
function answersWithPings(calls: DiscordCall[]): Array<DiscordCall & { message: Record<string, unknown> }> {
  const answers = calls.flatMap((call) => {
    const message = messageOf(call);
    return typeof message?.content === "string" ? [{ ...call, message }] : [];
  });
  expect(answers).toHaveLength(1);
  for (const answer of answers) {
    expect(answer.message.content).not.toMatch(/@everyone|<@&/);
    expect(answer.message.allowed_mentions).toEqual({ parse: [] });
  }
  return answers;
}

const flagsOf = (message: Record<string, unknown>) => Number(message.flags ?? 0);

describe("the bot's Discord answers allow no mentions", () => {
  it("in a public reply", async () => {
    await startAdapter();
    // "gm {name}!" would greet the member by a display name that reads "@everyone <@&123>".
    const [answer] = answersWithPings(await answersTo(command("start")));

    expect(answer?.path).toMatch(/\/callback$/);
    expect(flagsOf(answer!.message) & MessageFlags.Ephemeral).toBe(0);
  });

  it("in an ephemeral reply", async () => {
    await startAdapter();
    // The refusal would quote the value as typed.
    const calls = await answersTo(command("config", { key: "language", value: PINGS }));

    const [answer] = answersWithPings(calls);
    expect(answer?.path).toMatch(/\/callback$/);
    expect(flagsOf(answer!.message) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  });

  it("in the edit of a deferred public reply", async () => {
    await startAdapter({ dispatch: slowly(300), deferAfterMs: 50 });
    const calls = await answersTo(command("start"));

    const [edit] = answersWithPings(calls);
    expect(edit?.method).toBe("PATCH");
    // The deferral itself carries no content that could ping.
    const deferral = calls.find((call) => call.path.endsWith("/callback"));
    expect(deferral?.body).toMatchObject({ type: 5 });
    expect(messageOf(deferral!)?.content).toBeUndefined();
  });

  it("in the ephemeral follow-up that replaces a deferral", async () => {
    await startAdapter({ dispatch: slowly(300), deferAfterMs: 50 });
    const calls = await answersTo(command("config", { key: "language", value: PINGS }));

    const [followUp] = answersWithPings(calls);
    expect(followUp?.method).toBe("POST");
    expect(followUp?.path).toMatch(/^\/webhooks\/\d+\/[^/]+$/);
    expect(flagsOf(followUp!.message) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(calls.some((call) => call.method === "DELETE")).toBe(true);
  });
});
