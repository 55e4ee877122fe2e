// /caption <top> | <bottom>, sent with a picture or as a reply to one: the member's own picture
// with meme captions, drawn by a worker job. Checked here, before anything is downloaded.
import { commandRunOf } from "../commands/run.ts";
import { defineCommand } from "../commands/types.ts";
import { err, ok, userError } from "../result.ts";
import type { StudioSettings } from "../settings.ts";
import { MAX_BOX_TEXT } from "./jobs.ts";

/** The largest picture a member may send to caption (Telegram's bots download at most 20 MB). */
export const MAX_PICTURE_BYTES = 20 * 1024 * 1024;

interface CaptionArgs {
  top: string;
  bottom: string;
}

export const captionCommand = defineCommand<CaptionArgs>({
  name: "caption",
  description: "command.caption.description",
  args: [
    {
      name: "text",
      description: "arg.caption.text",
      required: true,
      rest: true,
      // Two captions and the bar between them.
      maxLength: 2 * MAX_BOX_TEXT + 3,
    },
  ],
  attachment: { name: "picture", description: "arg.caption.picture" },
  parse(raw) {
    const text = (raw.text ?? "").replace(/\s+/g, " ").trim();
    const bar = text.indexOf("|");
    const [top, bottom] = bar === -1 ? [text, ""] : [text.slice(0, bar).trim(), text.slice(bar + 1).trim()];
    if (top === "" && bottom === "") return err(userError("caption.error.empty"));
    if (top.length > MAX_BOX_TEXT || bottom.length > MAX_BOX_TEXT) {
      return err(userError("caption.error.tooLong", { max: MAX_BOX_TEXT }));
    }
    return ok({ top, bottom });
  },
  permission: "anyone",
  toggleable: true,
  defaultCooldownSeconds: 10,
  answeredByJob: true,
  async run(context) {
    const { top, bottom } = context.args;
    const [picture] = context.invocation.attachments ?? [];
    // The console has no way to send a picture; elsewhere, one was simply not sent.
    if (!context.services.attachments || context.invocation.platform === "console") {
      return { kind: "error", error: userError("caption.error.noFiles") };
    }
    if (!picture) return { kind: "error", error: userError("caption.error.noPicture") };
    if (picture.size !== undefined && picture.size > MAX_PICTURE_BYTES) {
      const limit = `${MAX_PICTURE_BYTES / 1024 / 1024} MB`;
      return { kind: "error", error: userError("picture.problem.too_large", { limit }) };
    }
    const job = await context.services.jobs.enqueue(
      "meme.caption",
      {
        run: commandRunOf(context, bottom === "" ? top : `${top} | ${bottom}`),
        top,
        bottom,
        layout: captionLayoutOf(context.settings.studio),
        picture,
      },
      { jobId: context.invocation.key },
    );
    return { kind: "queued", jobId: job.jobId };
  },
});

/** Classic lettering unless the community switched it off and kept the caption bar. */
export const captionLayoutOf = (studio: Pick<StudioSettings, "layouts">): "classic" | "caption-bar" =>
  !studio.layouts.includes("classic") && studio.layouts.includes("caption-bar") ? "caption-bar" : "classic";
