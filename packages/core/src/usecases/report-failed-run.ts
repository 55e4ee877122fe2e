// What every command job does when its last attempt failed: record it, and tell the user once.
import type { RunRecorder } from "../dispatch.ts";
import type { CommandRun } from "../jobs/catalog.ts";
import { ReplyExpiredError } from "../jobs/reply-window.ts";
import { translator } from "../messages/index.ts";
import type { DeliverOnce } from "./deliver.ts";

/**
 * After the last attempt failed: tell the user briefly, once, and record it. An expired job is
 * only recorded: its apology would need the same dying token.
 */
export async function reportFailedRun(
  run: CommandRun,
  error: unknown,
  deps: { deliver: DeliverOnce; runs: RunRecorder },
): Promise<void> {
  if (error instanceof ReplyExpiredError) {
    await deps.runs.record({
      ...runRecordOf(run),
      status: "failed",
      outcome: "job.expired",
      detail: error.message,
    });
    return;
  }
  const t = translator(run.language);
  // Whole: the run store scrubs secrets out of it before clipping it to length.
  const detail = error instanceof Error ? error.message : String(error);
  // Recorded first: when the platform refuses us for good (bot blocked), the apology fails too.
  await deps.runs.record({ ...runRecordOf(run), status: "failed", outcome: "job.failed", detail });
  const apology = { text: t("job.failed", { command: run.command }), answers: run.key };
  await deps.deliver(run.target, apology, `${run.key}:failed`);
}

/** The command-run record of a job's run, for its final status. */
export const runRecordOf = (run: CommandRun) => ({
  key: run.key,
  command: run.command,
  args: run.args,
  community: run.community,
  actor: run.actor,
});
