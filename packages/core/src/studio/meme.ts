// The /meme job: a template chosen and its boxes written (by the model in the community's persona,
// or by the offline engine, labelled), the picture rendered and posted with a one-line caption and
// a button for another take, and the run recorded with what was made.
import type { MemeRenderer, TemplateSpec, TemplateWithPicture } from "@memebot/render";
import type { RunRecorder } from "../dispatch.ts";
import type { JobPayload } from "../jobs/catalog.ts";
import { throwIfTooLateToStart } from "../jobs/reply-window.ts";
import { translator, type Translator } from "../messages/index.ts";
import type { ModelFallbackReason } from "../model-fallback.ts";
import type { CommunityRef, OutgoingMessage } from "../platform.ts";
import type { Persona } from "../persona/persona.ts";
import type { PersonaStore } from "../persona/store.ts";
import type { SettingsStore } from "../settings-store.ts";
import { modelChoiceOf, type StudioSettings } from "../settings.ts";
import type { AnswerCache } from "../conversation/answer-cache.ts";
import type { DeliverOnce } from "../usecases/deliver.ts";
import { runRecordOf } from "../usecases/report-failed-run.ts";
import { MEME_COMMAND, rerollArgs } from "./meme-command.ts";
import { memeResultOf, type MemeResult } from "./meme-result.ts";
import { pictureFailure, type PictureSending } from "./picture-reply.ts";
import type { TemplateStore } from "./templates.ts";

/** What the model (or the offline engine) made of a topic: a template and the text of its boxes. */
export interface MemeDraft {
  template: string;
  /** Box id → text, for every box of the template (validated against its boxes). */
  texts: Record<string, string>;
  /** One line posted with the picture. */
  caption: string;
  engine: "model" | "offline";
  model?: string;
  fallbackReason?: ModelFallbackReason;
}

export interface MemeDraftRequest {
  topic: string;
  language: string;
  persona: Persona;
  /** The templates it may choose from, the community's preferred ones first. */
  templates: readonly TemplateSpec[];
  /** The community the call is made for (accounting, budget) and its own choices for the task. */
  community: CommunityRef;
  preferredModel?: string;
  dailyTokenBudget?: number;
  signal?: AbortSignal;
}

export type MemeDraftWriter = (request: MemeDraftRequest) => Promise<MemeDraft>;

export interface CreateMemeDependencies extends PictureSending {
  writeDraft: MemeDraftWriter;
  /** The starter templates and the community's own. */
  templates: Pick<TemplateStore, "forCommunity">;
  renderer: Pick<MemeRenderer, "render">;
  /** The community's settings (model choice, budget, studio choices) and persona, as of this job. */
  settings: Pick<SettingsStore, "get">;
  personas: Pick<PersonaStore, "get">;
  /** The meme made for a run, kept so a retried job posts it instead of asking the model again. */
  answers: AnswerCache;
  deliver: DeliverOnce;
  runs: RunRecorder;
  /** The clock the reply window is judged by; Date.now unless a test moves it. */
  now?: () => number;
}

/**
 * Makes the meme and posts it. A job whose answer could not reach the chat in time (a Discord token
 * with under a minute left) is dropped before the model is asked: it throws ReplyExpiredError.
 */
export async function createMeme(
  payload: JobPayload<"meme.create">,
  deps: CreateMemeDependencies,
  signal?: AbortSignal,
): Promise<{ outcome: string }> {
  const { run, topic } = payload;
  const now = deps.now ?? Date.now;
  throwIfTooLateToStart(run, now);

  const [settings, persona, templates] = await Promise.all([
    deps.settings.get(run.community),
    deps.personas.get(run.community),
    deps.templates.forCommunity(run.community),
  ]);
  // A retry (the send or the record failed after the model answered) posts the meme already made:
  // asking again would charge the community twice and show a different meme than the first try's.
  const kept = await deps.answers.get(run.key);
  let made = kept ? memeResultOf(kept.made) : undefined;
  if (!made) {
    const candidates = templatesFor(templates, settings.studio);
    const draft = await deps.writeDraft({
      topic,
      language: run.language,
      persona,
      templates: candidates,
      community: run.community,
      ...modelChoiceOf(settings, "meme-text"),
      ...(signal ? { signal } : {}),
    });
    made = resultOf(topic, draft);
    const stored = await deps.answers.keep(run.key, {
      text: made.caption,
      engine: made.engine,
      ...(made.reason ? { reason: made.reason } : {}),
      ...(made.model ? { model: made.model } : {}),
      at: now(),
      made,
    });
    made = memeResultOf(stored.made) ?? made;
  }

  const t = translator(run.language);
  const template = templates.find((candidate) => candidate.name === made.template);
  const outcome = made.engine === "model" ? "meme.model" : `meme.offline.${made.reason ?? "unavailable"}`;
  if (!template) {
    // Removed by an admin between the draft and this retry: say so rather than draw another meme.
    return pictureFailure(run, { id: "template.invalid", detail: "removed" }, deps, "meme.failed");
  }
  const rendered = await deps.showUploading(run.target, () =>
    deps.renderer.render({
      template,
      texts: made.texts,
      ...(settings.studio.watermark ? { watermark: settings.studio.watermark } : {}),
    }),
  );
  if (!rendered.ok) return pictureFailure(run, rendered.problem, deps, "meme.failed");

  const message: OutgoingMessage = {
    text: captionLine(made, t),
    picture: {
      bytes: rendered.value.bytes,
      mimeType: rendered.value.mimeType,
      fileName: `${made.template}.${rendered.value.mimeType.split("/")[1] ?? "jpg"}`,
    },
    buttons: [{ label: t("meme.again.button"), command: MEME_COMMAND, args: rerollArgs(run.key) }],
    answers: run.key,
  };
  // What was made is on the run before the meme is out: its re-roll button may be pressed at once.
  await deps.runs.record({ ...runRecordOf(run), status: "queued", result: made });
  await deps.deliver(run.target, message, run.key);
  await deps.runs.record({
    ...runRecordOf(run),
    status: "succeeded",
    outcome,
    ...(made.model ? { detail: made.model } : {}),
    result: made,
  });
  await deps.answers.forget(run.key);
  return { outcome };
}

/**
 * The templates /meme may use here: of the community's enabled layouts (all of them when none of
 * its templates has one), those with a preferred tag first, so the model and the offline engine
 * see them first.
 */
export function templatesFor(
  templates: readonly TemplateWithPicture[],
  studio: Pick<StudioSettings, "layouts" | "tags">,
): TemplateWithPicture[] {
  const enabled = templates.filter((template) => studio.layouts.includes(template.layout));
  const usable = enabled.length > 0 ? enabled : [...templates];
  const preferred = (template: TemplateSpec) => template.tags.some((tag) => studio.tags.includes(tag));
  return [...usable.filter(preferred), ...usable.filter((template) => !preferred(template))];
}

function resultOf(topic: string, draft: MemeDraft): MemeResult {
  return {
    topic,
    template: draft.template,
    texts: draft.texts,
    caption: draft.caption,
    engine: draft.engine,
    ...(draft.model ? { model: draft.model } : {}),
    ...(draft.engine === "offline" ? { reason: draft.fallbackReason ?? "unavailable" } : {}),
  };
}

/** The line under the picture; a degraded meme says so, so nobody mistakes it for the model's. */
function captionLine(made: MemeResult, t: Translator): string {
  if (made.engine === "model") return made.caption;
  const reason = t(`meme.offlineReason.${made.reason ?? "unavailable"}`);
  return t("meme.offlineCaption", { caption: made.caption, reason });
}
