import type { RunRecorder } from "../dispatch.ts";
import type { CommandRun, JobPayload } from "../jobs/catalog.ts";
import { ReplyExpiredError, replyWindowOf } from "../jobs/reply-window.ts";
import { translator } from "../messages/index.ts";
import type { DeliverOnce } from "./deliver.ts";

export interface MemeText {
  top: string;
  bottom: string;
  engine: "model" | "offline";
  model?: string;
  fallbackReason?: "not_configured" | "unavailable" | "invalid_response";
}

export type MemeTextWriter = (input: {
  topic: string;
  language: string;
  signal?: AbortSignal;
}) => Promise<MemeText>;

export interface AnswerMemeDependencies {
  writeMemeText: MemeTextWriter;
  deliver: DeliverOnce;
  runs: RunRecorder;
  /** The clock the reply window is judged by; Date.now unless a test moves it. */
  now?: () => number;
}

/**
 * Writes the meme text and sends it back to the chat it was asked in. A job whose answer could not
 * reach the chat in time (a Discord token with under a minute left) is dropped before the model is
 * asked: it throws ReplyExpiredError, which reportFailedRun records as expired.
 */
export async function answerMemeRequest(
  payload: JobPayload<"meme.text">,
  deps: AnswerMemeDependencies,
  signal?: AbortSignal,
): Promise<{ outcome: string }> {
  const { run, topic } = payload;
  const window = replyWindowOf(run);
  if (window && (deps.now ?? Date.now)() > window.lastStartAt) {
    throw new ReplyExpiredError(window.closesAt, "start");
  }
  const meme = await deps.writeMemeText({ topic, language: run.language, signal });
  const t = translator(run.language);
  const lines = [t("meme.result", { top: meme.top, bottom: meme.bottom })];
  if (meme.engine === "offline") {
    // A degraded answer says so: users must never mistake templates for the model.
    const reason = meme.fallbackReason ?? "unavailable";
    lines.push("", t("meme.offlineLabel", { reason: t(`meme.offlineReason.${reason}`) }));
  }
  await deps.deliver(run.target, { text: lines.join("\n") }, run.key);
  const outcome =
    meme.engine === "model" ? "meme.model" : `meme.offline.${meme.fallbackReason ?? "unavailable"}`;
  await deps.runs.record({ ...runRecordOf(run), status: "succeeded", outcome, detail: meme.model });
  return { outcome };
}

/**
 * After the last attempt failed: tell the user briefly, once, and record it. An expired job is
 * only recorded: its apology would need the same dying token.
 */
export async function reportFailedRun(
  run: CommandRun,
  error: unknown,
  deps: Pick<AnswerMemeDependencies, "deliver" | "runs">,
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
  await deps.deliver(run.target, { text: t("job.failed", { command: run.command }) }, `${run.key}:failed`);
}

const runRecordOf = (run: CommandRun) => ({
  key: run.key,
  command: run.command,
  args: run.args,
  community: run.community,
  actor: run.actor,
});
