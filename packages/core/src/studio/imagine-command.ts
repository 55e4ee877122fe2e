// /imagine <idea>: queues the job that writes image prompts (and draws the picture when an images
// endpoint is configured). An idea using a blocked word is refused here, before any model is asked.
import { err, ok, userError } from "../result.ts";
import { commandRunOf } from "../commands/run.ts";
import { defineCommand } from "../commands/types.ts";
import { DEFAULT_IMAGE_BLOCKLIST, findBlockedWord } from "./blocklist.ts";
import { MAX_IMAGINE_IDEA } from "./jobs.ts";

export const imagineCommand = defineCommand({
  name: "imagine",
  description: "command.imagine.description",
  args: [
    {
      name: "idea",
      description: "arg.imagine.idea",
      required: true,
      rest: true,
      maxLength: MAX_IMAGINE_IDEA,
    },
  ],
  parse: (raw) => {
    const idea = (raw.idea ?? "").replace(/\s+/g, " ").trim();
    return idea === "" ? err(userError("error.missingArgument", { arg: "idea" })) : ok({ idea });
  },
  permission: "anyone",
  toggleable: true,
  // A picture costs an image model a minute of work: one per member every 30 seconds.
  defaultCooldownSeconds: 30,
  answeredByJob: true,
  async run(context) {
    const { idea } = context.args;
    if (context.settings.imageBlocklist && findBlockedWord(idea, DEFAULT_IMAGE_BLOCKLIST) !== undefined) {
      // Which word is not said: repeating a slur back is no better than drawing it.
      return {
        kind: "reply",
        message: { text: context.t("imagine.blocked.idea") },
        outcome: "imagine.blocked",
      };
    }
    const job = await context.services.jobs.enqueue(
      "meme.imagine",
      { run: commandRunOf(context, idea), idea },
      { jobId: context.invocation.key },
    );
    return { kind: "queued", jobId: job.jobId };
  },
});
