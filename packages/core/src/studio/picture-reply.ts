// What every picture job of the studio shares: showing "sending a photo…" while it renders, and
// answering a picture that could not be used or made with a short, clear reply (recorded as the
// run's outcome) instead of failing the job, since trying again would fail the same way.
import type { PictureProblem } from "@memebot/render";
import type { RunRecorder } from "../dispatch.ts";
import type { CommandRun } from "../jobs/catalog.ts";
import { translator, type Message } from "../messages/index.ts";
import type { ReplyTarget } from "../platform.ts";
import type { DeliverOnce } from "../usecases/deliver.ts";
import { runRecordOf } from "../usecases/report-failed-run.ts";

export interface PictureSending {
  /** Runs `work` with the platform's "sending a photo" indicator showing in the target's chat. */
  showUploading<T>(target: ReplyTarget, work: () => Promise<T>): Promise<T>;
}

/** Without an indicator (tests, the console): just the work. */
export const noUploadIndicator: PictureSending = { showUploading: (_target, work) => work() };

/** `work` under the caller's "sending a photo…" indicator when it has one, else just the work. */
export function whileUploading<T>(
  deps: Partial<PictureSending>,
  target: ReplyTarget,
  work: () => Promise<T>,
): Promise<T> {
  return deps.showUploading ? deps.showUploading(target, work) : work();
}

/** The reply for a picture problem, in the run's language. */
export function pictureProblemMessage(problem: PictureProblem): Message {
  switch (problem.id) {
    case "picture.too_large":
      return { id: "picture.problem.too_large", params: { limit: problem.limit } };
    case "text.too_long":
      return { id: "picture.problem.text_too_long", params: { box: problem.box, limit: problem.limit } };
    case "template.box_outside":
      return { id: "picture.problem.box_outside", params: { box: problem.box } };
    case "picture.not_image":
      return { id: "picture.problem.not_image" };
    case "picture.corrupt":
      return { id: "picture.problem.corrupt" };
    case "template.invalid":
      return { id: "picture.problem.template_invalid" };
  }
}

/** Tells the member what was wrong with the picture, once, and records the run with `outcome`. */
export async function pictureFailure(
  run: CommandRun,
  problem: PictureProblem,
  deps: { deliver: DeliverOnce; runs: RunRecorder },
  outcome: string,
): Promise<{ outcome: string }> {
  const t = translator(run.language);
  const message = pictureProblemMessage(problem);
  await deps.deliver(run.target, { text: t(message.id, message.params), answers: run.key }, run.key);
  const recorded = `${outcome}.${problem.id}`;
  await deps.runs.record({ ...runRecordOf(run), status: "succeeded", outcome: recorded });
  return { outcome: recorded };
}
