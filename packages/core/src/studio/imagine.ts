// /imagine's job: the model writes a prompt and a negative prompt for an open image model; with an
// images endpoint the picture is drawn and posted with its prompt as the caption, without one the
// prompts are the answer, ready to paste. Every degraded answer says what it is: prompts from the
// offline engine are labelled, and a picture that could not be made is said so, never left out.
// The community's blocked words are checked on the idea before any model call and on the model's
// prompt before anything is drawn: what a model writes never decides what gets drawn.
import type { RunRecorder } from "../dispatch.ts";
import type { JobPayload } from "../jobs/catalog.ts";
import { throwIfTooLateToStart } from "../jobs/reply-window.ts";
import { translator, type Translator } from "../messages/index.ts";
import type { PersonaStore } from "../persona/store.ts";
import type { OutgoingMessage } from "../platform.ts";
import { quotable } from "../safe-text.ts";
import type { SettingsStore } from "../settings-store.ts";
import { modelChoiceOf, type CommunitySettings } from "../settings.ts";
import type { DeliverOnce } from "../usecases/deliver.ts";
import { runRecordOf } from "../usecases/report-failed-run.ts";
import { DEFAULT_IMAGE_BLOCKLIST, findBlockedWord } from "./blocklist.ts";
import type { ImaginePromptCache } from "./imagine-cache.ts";
import { type PictureSending, whileUploading } from "./picture-reply.ts";
import type { ImageFailureReason, ImageGenerator, ImagePrompt, ImagePromptWriter } from "./imagine-types.ts";

export interface ImagineDependencies {
  writePrompt: ImagePromptWriter;
  /** Absent when no images endpoint is configured (IMAGE_API_BASE_URL): the prompts are the answer. */
  generateImage?: ImageGenerator;
  settings: Pick<SettingsStore, "get">;
  personas: Pick<PersonaStore, "get">;
  /** The prompts written for a run, so a retry neither asks the model again nor draws something else. */
  prompts: ImaginePromptCache;
  deliver: DeliverOnce;
  runs: RunRecorder;
  /** Shows "sending a photo…" in the chat while the picture is drawn; absent: nothing is shown. */
  showUploading?: PictureSending["showUploading"];
  logger?: { warn(object: object, message: string): void };
  /** The clock the reply window is judged by; Date.now unless a test moves it. */
  now?: () => number;
}

export interface ImagineAttempt {
  signal?: AbortSignal;
  /** 1 for the first attempt; with `attempts`, lets an endpoint that is down be retried before giving up. */
  attempt?: number;
  attempts?: number;
}

/** Whether the community's blocked list refuses `text`. */
function isBlocked(settings: CommunitySettings, text: string): boolean {
  return settings.imageBlocklist && findBlockedWord(text, DEFAULT_IMAGE_BLOCKLIST) !== undefined;
}

export async function answerImagine(
  payload: JobPayload<"meme.imagine">,
  deps: ImagineDependencies,
  attempt: ImagineAttempt = {},
): Promise<{ outcome: string }> {
  const { run, idea } = payload;
  throwIfTooLateToStart(run, deps.now);
  const t = translator(run.language);
  const settings = await deps.settings.get(run.community);

  const finish = async (message: Omit<OutgoingMessage, "answers">, outcome: string, detail?: string) => {
    await deps.deliver(run.target, { ...message, answers: run.key }, run.key);
    await deps.runs.record({
      ...runRecordOf(run),
      status: "succeeded",
      outcome,
      ...(detail ? { detail } : {}),
    });
    await deps.prompts.forget(run.key);
    return { outcome };
  };

  // Again here, not only in the command: the setting may have been turned on since it was queued.
  if (isBlocked(settings, idea))
    return finish({ text: t("imagine.blocked.idea") }, "imagine.blocked", "idea");

  const prompt =
    (await deps.prompts.get(run.key)) ??
    (await deps.prompts.keep(run.key, await writePrompt(payload, settings, deps, attempt.signal)));
  if (isBlocked(settings, prompt.prompt)) {
    // The negative prompt is not checked: naming what must not be drawn is its job ("nsfw, gore").
    return finish({ text: t("imagine.blocked.prompt") }, "imagine.blocked", "prompt");
  }
  // Offline prompts are labelled in the answer and in the outcome, whatever happens next.
  const offline = prompt.engine === "offline" ? (prompt.fallbackReason ?? "unavailable") : undefined;
  const outcomeOf = (done: string) => (offline ? `imagine.offline.${offline}` : done);
  const offlineLines = offline
    ? ["", t("imagine.offlineLabel", { reason: t(`meme.offlineReason.${offline}`) })]
    : [];

  if (!deps.generateImage) {
    const text = [promptsText(t, idea, prompt), "", t("imagine.pasteHint"), ...offlineLines].join("\n");
    return finish({ text }, outcomeOf("imagine.prompts"), prompt.model ?? "prompts");
  }

  const { generateImage } = deps;
  const draw = () =>
    generateImage({
      prompt: prompt.prompt,
      negativePrompt: prompt.negativePrompt,
      ...(attempt.signal ? { signal: attempt.signal } : {}),
    });
  const generated = await whileUploading(deps, run.target, draw);
  if (generated.ok) {
    const caption = t("imagine.caption", { idea: quotable(idea), prompt: prompt.prompt });
    return finish(
      { text: [caption, ...offlineLines].join("\n"), picture: generated.picture },
      outcomeOf("imagine.generated"),
      `picture by ${generated.model}`,
    );
  }

  deps.logger?.warn(
    { reason: generated.reason, detail: generated.detail },
    "no picture from the images endpoint",
  );
  if (generated.reason === "unavailable" && (attempt.attempt ?? 1) < (attempt.attempts ?? 1)) {
    // Down or overloaded: the job's backoff may find it back. The prompts are kept for the retry.
    throw new Error(`images endpoint unavailable: ${generated.detail}`);
  }
  const failure = t("imagine.pictureFailed", { reason: t(`imagine.failure.${generated.reason}`) });
  const text = [promptsText(t, idea, prompt), "", failure, ...offlineLines].join("\n");
  const reason: ImageFailureReason = generated.reason;
  return finish({ text }, outcomeOf(`imagine.picture_failed.${reason}`), `picture failed: ${reason}`);
}

/** The prompts as plain text with clear labels: chat platforms here get no code formatting. */
function promptsText(t: Translator, idea: string, prompt: ImagePrompt): string {
  return t("imagine.prompts", {
    idea: quotable(idea),
    prompt: prompt.prompt,
    negativePrompt: prompt.negativePrompt || "-",
  });
}

async function writePrompt(
  { run, idea }: JobPayload<"meme.imagine">,
  settings: CommunitySettings,
  deps: ImagineDependencies,
  signal: AbortSignal | undefined,
): Promise<ImagePrompt> {
  const persona = await deps.personas.get(run.community);
  return deps.writePrompt({
    idea,
    language: run.language,
    persona,
    community: run.community,
    ...modelChoiceOf(settings, "image-prompt"),
    ...(signal ? { signal } : {}),
  });
}
