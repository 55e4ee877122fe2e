// The /caption job: the member's picture downloaded through the platform (size and time limits),
// checked and captioned by the renderer, and posted back; a picture that cannot be used gets a
// short reply saying why.
import type { MemeRenderer } from "@memebot/render";
import type { AttachmentFetcher } from "../commands/types.ts";
import type { RunRecorder } from "../dispatch.ts";
import type { JobPayload } from "../jobs/catalog.ts";
import { throwIfTooLateToStart } from "../jobs/reply-window.ts";
import type { SettingsStore } from "../settings-store.ts";
import type { DeliverOnce } from "../usecases/deliver.ts";
import { runRecordOf } from "../usecases/report-failed-run.ts";
import { MAX_PICTURE_BYTES } from "./caption-command.ts";
import { pictureFailure, type PictureSending } from "./picture-reply.ts";

export interface CaptionPictureDependencies extends PictureSending {
  attachments: AttachmentFetcher;
  renderer: Pick<MemeRenderer, "caption">;
  settings: Pick<SettingsStore, "get">;
  deliver: DeliverOnce;
  runs: RunRecorder;
  now?: () => number;
}

export async function captionPicture(
  payload: JobPayload<"meme.caption">,
  deps: CaptionPictureDependencies,
): Promise<{ outcome: string }> {
  const { run, top, bottom, layout } = payload;
  throwIfTooLateToStart(run, deps.now);
  const fetched = await deps.attachments.fetch(payload.picture, { maxBytes: MAX_PICTURE_BYTES });
  if (!fetched.ok) {
    if (fetched.error.reason === "unavailable") {
      // The platform or the network failed: worth another attempt, and a last failure apologises.
      throw new Error(`the picture could not be downloaded: ${fetched.error.detail}`);
    }
    const limit = `${MAX_PICTURE_BYTES / 1024 / 1024} MB`;
    const problem =
      fetched.error.reason === "too_large"
        ? ({ id: "picture.too_large", limit } as const)
        : ({ id: "picture.not_image" } as const);
    return pictureFailure(run, problem, deps, "caption.refused");
  }
  const { watermark } = (await deps.settings.get(run.community)).studio;
  const rendered = await deps.showUploading(run.target, () =>
    deps.renderer.caption({
      picture: fetched.value,
      top,
      bottom,
      layout,
      ...(watermark ? { watermark } : {}),
    }),
  );
  if (!rendered.ok) return pictureFailure(run, rendered.problem, deps, "caption.refused");

  const { bytes, mimeType } = rendered.value;
  await deps.deliver(
    run.target,
    {
      text: "",
      picture: { bytes, mimeType, fileName: `caption.${mimeType.split("/")[1] ?? "jpg"}` },
      answers: run.key,
    },
    run.key,
  );
  await deps.runs.record({
    ...runRecordOf(run),
    status: "succeeded",
    outcome: "caption.made",
    result: { top, bottom, layout },
  });
  return { outcome: "caption.made" };
}
