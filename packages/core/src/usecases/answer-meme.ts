import type { RunRecorder } from "../dispatch.ts";
import type { JobPayload } from "../jobs/catalog.ts";
import { ReplyExpiredError, replyWindowOf } from "../jobs/reply-window.ts";
import { translator } from "../messages/index.ts";
import type { ModelFallbackReason } from "../model-fallback.ts";
import type { CommunityRef } from "../platform.ts";
import type { Persona } from "../persona/persona.ts";
import type { PersonaStore } from "../persona/store.ts";
import type { SettingsStore } from "../settings-store.ts";
import { modelChoiceOf } from "../settings.ts";
import type { AnswerCache, KeptAnswer } from "../conversation/answer-cache.ts";
import type { DeliverOnce } from "./deliver.ts";
import { runRecordOf } from "./report-failed-run.ts";

export interface MemeText {
  top: string;
  bottom: string;
  engine: "model" | "offline";
  model?: string;
  fallbackReason?: ModelFallbackReason;
}

export interface MemeTextRequest {
  topic: string;
  language: string;
  persona: Persona;
  /** The community the call is made for (accounting, budget) and its own choices for the task. */
  community: CommunityRef;
  preferredModel?: string;
  dailyTokenBudget?: number;
  signal?: AbortSignal;
}

export type MemeTextWriter = (request: MemeTextRequest) => Promise<MemeText>;

export interface AnswerMemeDependencies {
  writeMemeText: MemeTextWriter;
  /** The community's settings (its model choice and budget) and persona, as of this job. */
  settings: Pick<SettingsStore, "get">;
  personas: Pick<PersonaStore, "get">;
  /** The meme written for a run, kept so a retried job posts it instead of asking the model again. */
  answers: AnswerCache;
  deliver: DeliverOnce;
  runs: RunRecorder;
  /** The clock the reply window is judged by; Date.now unless a test moves it. */
  now?: () => number;
}

/**
 * Writes the meme text and sends it back to the chat it was asked in. A job whose answer could not
 * reach the chat in time (a Discord token with under a minute left) is dropped before the model is
 * asked: it throws ReplyExpiredError, which reportFailedRun (report-failed-run.ts) records as expired.
 */
export async function answerMemeRequest(
  payload: JobPayload<"meme.text">,
  deps: AnswerMemeDependencies,
  signal?: AbortSignal,
): Promise<{ outcome: string }> {
  const { run } = payload;
  const window = replyWindowOf(run);
  if (window && (deps.now ?? Date.now)() > window.lastStartAt) {
    throw new ReplyExpiredError(window.closesAt, "start");
  }
  // A retry (the send or the record failed after the model answered) posts the meme already
  // written: asking again would charge the community twice for one meme.
  const answer =
    (await deps.answers.get(run.key)) ??
    (await deps.answers.keep(run.key, await writeMeme(payload, deps, signal)));
  await deps.deliver(run.target, { text: answer.text, answers: run.key }, run.key);
  const outcome = answer.engine === "model" ? "meme.model" : `meme.offline.${answer.reason ?? "unavailable"}`;
  await deps.runs.record({ ...runRecordOf(run), status: "succeeded", outcome, detail: answer.model });
  return { outcome };
}

/** Writes the meme in the community's persona, with its model choice and budget, as the message to post. */
async function writeMeme(
  { run, topic }: JobPayload<"meme.text">,
  deps: AnswerMemeDependencies,
  signal: AbortSignal | undefined,
): Promise<KeptAnswer> {
  const [settings, persona] = await Promise.all([
    deps.settings.get(run.community),
    deps.personas.get(run.community),
  ]);
  const meme = await deps.writeMemeText({
    topic,
    language: run.language,
    persona,
    community: run.community,
    ...modelChoiceOf(settings, "meme-text"),
    ...(signal ? { signal } : {}),
  });
  const t = translator(run.language);
  const lines = [t("meme.result", { top: meme.top, bottom: meme.bottom })];
  if (meme.engine === "offline") {
    // A degraded answer says so: users must never mistake templates for the model.
    const reason = meme.fallbackReason ?? "unavailable";
    lines.push("", t("meme.offlineLabel", { reason: t(`meme.offlineReason.${reason}`) }));
  }
  return {
    text: lines.join("\n"),
    engine: meme.engine,
    ...(meme.engine === "offline" ? { reason: meme.fallbackReason ?? "unavailable" } : {}),
    ...(meme.model ? { model: meme.model } : {}),
    at: (deps.now ?? Date.now)(),
  };
}
