// /meme <topic>: a meme picture about the topic, made by a worker job. `/meme again` rolls another
// take on the member's last meme here; the re-roll button under a meme sends `/meme again <run key>`
// for that meme. Either way the same command, so the same cooldown and limits apply.
import { commandRunOf } from "../commands/run.ts";
import { defineCommand, type CommandContext, type CommandOutcome } from "../commands/types.ts";
import { MAX_BUTTON_DATA_BYTES } from "../platform.ts";
import { ok, userError } from "../result.ts";
import { MAX_TOPIC_LENGTH } from "./jobs.ts";
import { memeResultOf } from "./meme-result.ts";

export const MEME_COMMAND = "meme";
/** The word that asks for another take; a button adds the run key of the meme it sits under. */
export const AGAIN = "again";

interface MemeArgs {
  topic: string;
}

/**
 * What a re-roll button under the meme of run `runKey` sends. A key too long for a button (no
 * platform's is, but keys are the platforms' ids) leaves just "again": the presser's own last meme.
 */
export function rerollArgs(runKey: string): string {
  const args = `${AGAIN} ${runKey}`;
  return Buffer.byteLength(`${MEME_COMMAND} ${args}`) <= MAX_BUTTON_DATA_BYTES ? args : AGAIN;
}

export const memeCommand = defineCommand<MemeArgs>({
  name: MEME_COMMAND,
  description: "command.meme.description",
  args: [
    { name: "topic", description: "arg.meme.topic", required: true, rest: true, maxLength: MAX_TOPIC_LENGTH },
  ],
  parse: (raw) => ok({ topic: (raw.topic ?? "").replace(/\s+/g, " ").trim() }),
  permission: "anyone",
  toggleable: true,
  defaultCooldownSeconds: 10,
  answeredByJob: true,
  async run(context) {
    let { topic } = context.args;
    const again = /^again(?:\s+(\S+))?$/i.exec(topic);
    if (again) {
      const found = await topicToRollAgain(context, again[1]);
      if (!found.ok) return found.outcome;
      topic = found.topic;
    }
    const job = await context.services.jobs.enqueue(
      "meme.create",
      { run: commandRunOf(context, topic), topic },
      { jobId: context.invocation.key },
    );
    return { kind: "queued", jobId: job.jobId };
  },
});

type Found = { ok: true; topic: string } | { ok: false; outcome: CommandOutcome };

/** The topic of the meme to roll again: the one under the button pressed, or the member's last here. */
async function topicToRollAgain(
  context: CommandContext<MemeArgs>,
  runKey: string | undefined,
): Promise<Found> {
  const { community, actor } = context.invocation;
  const runs = context.services.runs;
  const past = runKey
    ? await runs.findByKey(runKey)
    : await runs.latestWithResult({ community, command: MEME_COMMAND, actorId: actor.externalId });
  const sameCommunity =
    past?.community.platform === community.platform && past.community.externalId === community.externalId;
  const result =
    past && sameCommunity && past.command === MEME_COMMAND ? memeResultOf(past.result) : undefined;
  if (result) return { ok: true, topic: result.topic };
  const error = userError(runKey ? "meme.again.notFound" : "meme.again.nothingYet");
  return { ok: false, outcome: { kind: "error", error } };
}
