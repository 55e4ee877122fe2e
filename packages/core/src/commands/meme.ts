import { MAX_TOPIC_LENGTH, type CommandRun } from "../jobs/catalog.ts";
import { ok } from "../result.ts";
import { defineCommand, type CommandContext } from "./types.ts";

/** The part of a command's context that travels with its job to the worker. */
export function commandRunOf(context: CommandContext<unknown>, args: string): CommandRun {
  const { invocation } = context;
  return {
    key: invocation.key,
    command: invocation.name ?? "",
    args,
    community: invocation.community,
    actor: invocation.actor,
    target: invocation.target,
    language: context.language,
    receivedAt: invocation.receivedAt,
  };
}

export const memeCommand = defineCommand({
  name: "meme",
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
    const { topic } = context.args;
    const job = await context.services.jobs.enqueue(
      "meme.text",
      { run: commandRunOf(context, topic), topic },
      { jobId: context.invocation.key },
    );
    return { kind: "queued", jobId: job.jobId };
  },
});
