// Reply buttons on Discord: the worker's answer carries a button (through the real sender), a
// member presses it (a MESSAGE_COMPONENT interaction over the fake gateway), and the command the
// button names runs as that member, answered with a new message through the press's own token.
import type { APIMessage } from "discord.js";
import { jobIdFor } from "@memebot/jobs";
import type { ReplyButton } from "@memebot/core";
import { createPlatformSender } from "@memebot/delivery";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDiscordAdapter, type DiscordAdapter } from "../../../apps/bot/src/discord/adapter.ts";
import { startFakeDiscord, type FakeDiscord } from "../../fakes/discord/server.ts";
import { deferredDiscordInteraction } from "../../delivery/support.ts";
import { createBotCore, LEVEL, type BotCore } from "../../support/bot-core.ts";
import { uniqueSnowflake } from "../../support/unique-ids.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const HELP: ReplyButton = { label: "❓ Help", command: "help", args: "" };
/** Answered by a job: the press is deferred and the worker answers later. */
const MEME: ReplyButton = { label: "🔁 Another one", command: "meme", args: "wen lambo" };

describe("Discord reply buttons", () => {
  let fake: FakeDiscord;
  let core: BotCore;
  let adapter: DiscordAdapter;
  let guildId: string;
  let member: { id: string; username: string; global_name: string };

  beforeEach(async () => {
    guildId = uniqueSnowflake();
    member = { id: uniqueSnowflake(), username: "alice", global_name: "Alice" };
    fake = await startFakeDiscord({ heartbeatIntervalMs: 200, ackDeadlineMs: 3000 });
    core = await createBotCore();
    adapter = createDiscordAdapter({
      token: "fake-bot-token",
      apiBase: fake.apiBase,
      dispatch: core.dispatch,
      registry: core.registry,
      logger: core.logger,
      registerCommands: false,
    });
    await adapter.start();
  });
  afterEach(async () => {
    await adapter.stop();
    await fake.close();
    await core.close();
  });

  /** An answer with `buttons`, posted as the worker posts it (editing a deferred reply); returns it as Discord keeps it. */
  async function answerWithButtons(buttons: readonly ReplyButton[]): Promise<APIMessage> {
    const target = await deferredDiscordInteraction(fake);
    await createPlatformSender({ discord: { apiBase: fake.apiBase } }).send(target, {
      text: "WHEN THE DIP",
      buttons,
    });
    const message = fake.originalMessage(target.interactionToken);
    if (!message) throw new Error("the answer with buttons was not posted");
    return message;
  }

  const press = (message: APIMessage, id = uniqueSnowflake()) =>
    fake.pressButton({ id, message, guildId, user: member });
  const runsHere = () => core.runs({ community: { platform: "discord", externalId: guildId } });

  it("runs the button's command as the presser and answers with a new public message", async () => {
    const message = await answerWithButtons([HELP]);
    const interaction = press(message);

    const callback = await fake.waitForInteractionCallback(interaction.id);
    expect(callback.type).toBe(4);
    expect(callback.data?.content).toContain("/meme <topic>");
    expect(callback.data?.allowed_mentions).toEqual({ parse: [] });
    // The message with the button is left as it was.
    expect(fake.originalEdits).toHaveLength(1);
    await expect.poll(runsHere).toHaveLength(1);
    expect(await runsHere()).toMatchObject([
      {
        key: `discord:${interaction.id}`,
        command: "help",
        status: "succeeded",
        actor: { platform: "discord", externalId: member.id, username: "alice", displayName: "Alice" },
      },
    ]);
  });

  it("defers a job-backed command with a new message, the job answering through the press's token", async () => {
    const message = await answerWithButtons([MEME]);
    const interaction = press(message);

    const callback = await fake.waitForInteractionCallback(interaction.id);
    expect(callback.type).toBe(5);
    await expect.poll(async () => (await core.jobs()).length).toBe(1);
    const [job] = await core.jobs();
    expect(job?.id).toBe(jobIdFor(`discord:${interaction.id}`));
    expect(job?.data.run).toMatchObject({
      command: "meme",
      community: { platform: "discord", externalId: guildId, kind: "group" },
      actor: { platform: "discord", externalId: member.id },
      target: { platform: "discord", applicationId: fake.applicationId, interactionToken: interaction.token },
    });
  });

  it("runs a press delivered twice once, and each new press once more", async () => {
    const message = await answerWithButtons([HELP]);
    const first = press(message);
    fake.dispatchInteraction(first);
    const second = press(message);
    await fake.waitForInteractionCallback(first.id);
    await fake.waitForInteractionCallback(second.id);
    await sleep(300);

    const pressCallbacks = fake.interactionCallbacks.filter((callback) =>
      [first.id, second.id].includes(callback.interactionId),
    );
    // One answer per press: the second delivery of the first finds it answered and steps aside.
    expect(pressCallbacks.map((callback) => callback.interactionId).sort()).toEqual(
      [first.id, second.id].sort(),
    );
    await expect.poll(runsHere).toHaveLength(2);
    expect((await runsHere()).map((run) => run.key).sort()).toEqual(
      [`discord:${first.id}`, `discord:${second.id}`].sort(),
    );
    expect(core.logs.filter((line) => line.level >= LEVEL.error)).toEqual([]);
  });

  it("acknowledges a button that names no command of ours without a word, and runs nothing", async () => {
    const message = await answerWithButtons([{ label: "?", command: "nosuchcommand", args: "x" }]);
    const interaction = press(message);

    const callback = await fake.waitForInteractionCallback(interaction.id);
    expect(callback.type).toBe(6);
    await sleep(150);
    expect(fake.followUps).toHaveLength(0);
    expect(await runsHere()).toHaveLength(0);
  });
});
