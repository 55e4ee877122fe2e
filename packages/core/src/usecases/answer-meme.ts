import type { RunRecorder } from "../dispatch.ts";
import type { JobPayload } from "../jobs/catalog.ts";
import { ReplyExpiredError, replyWindowOf } from "../jobs/reply-window.ts";
import { translator } from "../messages/index.ts";
import type { CommunityRef } from "../platform.ts";
import type { Persona } from "../persona/persona.ts";
import type { PersonaStore } from "../persona/store.ts";
import type { SettingsStore } from "../settings-store.ts";
import { modelChoiceOf } from "../settings.ts";
import type { DeliverOnce } from "./deliver.ts";
import { runRecordOf } from "./report-failed-run.ts";

/** Why a task answered from its offline engine instead of a model; users are told which. */
export type ModelFallbackReason = "not_configured" | "unavailable" | "invalid_response" | "over_budget";

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
  const { run, topic } = payload;
  const window = replyWindowOf(run);
  if (window && (deps.now ?? Date.now)() > window.lastStartAt) {
    throw new ReplyExpiredError(window.closesAt, "start");
  }
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
  await deps.deliver(run.target, { text: lines.join("\n"), answers: run.key }, run.key);
  const outcome =
    meme.engine === "model" ? "meme.model" : `meme.offline.${meme.fallbackReason ?? "unavailable"}`;
  await deps.runs.record({ ...runRecordOf(run), status: "succeeded", outcome, detail: meme.model });
  return { outcome };
}
