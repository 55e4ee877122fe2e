import type { RunRecorder } from "../dispatch.ts";
import type { CommandRun, JobPayload } from "../jobs/catalog.ts";
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
}

/** Writes the meme text and sends it back to the chat it was asked in. */
export async function answerMemeRequest(
  payload: JobPayload<"meme.text">,
  deps: AnswerMemeDependencies,
  signal?: AbortSignal,
): Promise<{ outcome: string }> {
  const { run, topic } = payload;
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

/** After the last attempt failed: tell the user briefly, once, and record it. */
export async function reportFailedRun(
  run: CommandRun,
  error: unknown,
  deps: Pick<AnswerMemeDependencies, "deliver" | "runs">,
): Promise<void> {
  const t = translator(run.language);
  const detail = error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500);
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
