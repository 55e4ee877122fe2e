import { MAX_TOPIC_LENGTH } from "../jobs/catalog.ts";
import { ok } from "../result.ts";
import { commandRunOf } from "./run.ts";
import { defineCommand } from "./types.ts";

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
