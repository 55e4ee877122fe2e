// The worker's side of /template: `add` fetches the picture sent with the command, has the renderer
// check and normalise it, places the boxes and stores the template; `list` draws the contact sheet.
// Every problem with what the admin sent is a short reply (recorded as the run's outcome), never a
// failed job: trying again would fail the same way. Each answers once (deliver's run key).
import type {
  ContactSheet,
  ContactSheetEntry,
  ContactSheetLabels,
  MemeRenderer,
  PictureProblem,
} from "@memebot/render";
import type { AttachmentFetcher } from "../commands/types.ts";
import type { RunRecorder } from "../dispatch.ts";
import type { CommandRun, JobPayload } from "../jobs/catalog.ts";
import { throwIfTooLateToStart } from "../jobs/reply-window.ts";
import { translator, type Message } from "../messages/index.ts";
import type { DeliverOnce } from "../usecases/deliver.ts";
import { runRecordOf } from "../usecases/report-failed-run.ts";
import { MAX_TEMPLATE_FILE_BYTES } from "./template-command.ts";
import { boxesInPixels, defaultBoxesOf } from "./template-layout.ts";
import type { TemplateAddProblem, TemplateStore } from "./templates.ts";
import { whileUploading, type PictureSending } from "./picture-reply.ts";

export interface TemplateJobDependencies {
  templates: TemplateStore;
  renderer: Pick<MemeRenderer, "inspect" | "validateTemplate">;
  /** Draws /template list's picture (@memebot/render's drawContactSheet). */
  drawContactSheet: (
    entries: readonly ContactSheetEntry[],
    labels: ContactSheetLabels,
  ) => Promise<ContactSheet>;
  /** Downloads the picture sent with /template add; absent where files cannot arrive. */
  attachments?: AttachmentFetcher;
  deliver: DeliverOnce;
  runs: RunRecorder;
  /** "sending a photo…" in the chat while the sheet is drawn; just the work without it. */
  showUploading?: PictureSending["showUploading"];
  /** The clock the reply window is judged by; Date.now unless a test moves it. */
  now?: () => number;
  logger?: { warn(object: object, message: string): void };
}

const MB = 1024 * 1024;

/** Answers the run once and records it: succeeded, or rejected with the problem's id as the outcome. */
async function answer(
  run: CommandRun,
  deps: TemplateJobDependencies,
  reply: { text: string; outcome: string; status: "succeeded" | "rejected"; picture?: ContactSheet },
): Promise<{ outcome: string }> {
  const { picture } = reply;
  await deps.deliver(
    run.target,
    {
      text: reply.text,
      answers: run.key,
      ...(picture
        ? { picture: { bytes: picture.bytes, mimeType: picture.mimeType, fileName: "templates.jpg" } }
        : {}),
    },
    run.key,
  );
  await deps.runs.record({ ...runRecordOf(run), status: reply.status, outcome: reply.outcome });
  return { outcome: reply.outcome };
}

/** Says `message` in the run's language and records it as the run's outcome. */
function say(
  run: CommandRun,
  deps: TemplateJobDependencies,
  message: Message,
  status: "succeeded" | "rejected",
) {
  const t = translator(run.language);
  return answer(run, deps, { text: t(message.id, message.params), outcome: message.id, status });
}

const refusal = (problem: TemplateAddProblem, name: string): Message => {
  switch (problem.reason) {
    case "starter":
      return { id: "template.error.starter", params: { name } };
    case "exists":
      return { id: "template.error.exists", params: { name } };
    case "too_many":
      return { id: "template.error.tooMany", params: { limit: problem.limit } };
    case "too_large":
      return {
        id: "template.error.tooLarge",
        params: { limit: Math.round(problem.limitBytes / MB), used: (problem.usedBytes / MB).toFixed(1) },
      };
  }
};

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

/** template.add: fetch, check, place the boxes, store, answer. */
export async function addTemplate(
  payload: JobPayload<"template.add">,
  deps: TemplateJobDependencies,
): Promise<{ outcome: string }> {
  const { run, name } = payload;
  throwIfTooLateToStart(run, deps.now);
  const reject = (message: Message) => say(run, deps, message, "rejected");
  // Before the download: a starter's name is refused whatever the picture.
  if (await deps.templates.isStarter(name)) return reject(refusal({ reason: "starter" }, name));
  if (!deps.attachments) return reject({ id: "template.error.fileUnavailable" });

  const fetched = await deps.attachments.fetch(payload.picture, { maxBytes: MAX_TEMPLATE_FILE_BYTES });
  if (!fetched.ok) {
    deps.logger?.warn(
      { key: run.key, reason: fetched.error.reason, detail: fetched.error.detail },
      "template picture not fetched",
    );
    return reject(
      fetched.error.reason === "too_large"
        ? { id: "template.problem.file_too_large", params: { max: MAX_TEMPLATE_FILE_BYTES / MB } }
        : { id: "template.error.fileUnavailable" },
    );
  }
  // Checked and normalised by the renderer: format, pixel limit (decompression bombs), first frame.
  const inspected = await deps.renderer.inspect(fetched.value);
  if (!inspected.ok) return reject(problemMessage(inspected.problem));
  const { picture, width, height } = inspected.value;

  const template = {
    name,
    description: payload.description ?? `A template this community added, called “${name}”.`,
    tags: ["community"],
    layout: payload.layout,
    width,
    height,
    boxes: boxesInPixels(payload.boxes ?? defaultBoxesOf(payload.layout), width, height),
    picture,
  };
  const invalid = deps.renderer.validateTemplate(template);
  if (invalid) return reject(problemMessage(invalid));

  const stored = await deps.templates.add(run.community, run.actor, template);
  if (!stored.ok) {
    // A retry after the store succeeded (the send failed) finds its own template: say "added" again.
    const existing =
      stored.error.reason === "exists" ? await deps.templates.get(run.community, name) : undefined;
    if (!existing || existing.source !== "community" || !sameBytes(existing.picture, picture)) {
      return reject(refusal(stored.error, name));
    }
  }
  const own = (await deps.templates.forCommunity(run.community)).filter(
    (entry) => entry.source === "community",
  );
  return say(
    run,
    deps,
    { id: "template.added", params: { name, width, height, layout: payload.layout, count: own.length } },
    "succeeded",
  );
}

/** template.list: the contact sheet of every template, with the names as text. */
export async function listTemplates(
  payload: JobPayload<"template.list">,
  deps: TemplateJobDependencies,
): Promise<{ outcome: string }> {
  const { run } = payload;
  throwIfTooLateToStart(run, deps.now);
  const t = translator(run.language);
  // Fresh: an admin who just added one on another replica expects to see it.
  const templates = await deps.templates.forCommunity(run.community, { fresh: true });
  const starters = templates.filter((entry) => entry.source === "starter").map((entry) => entry.name);
  const own = templates.filter((entry) => entry.source === "community").map((entry) => entry.name);
  const lines = [
    t("template.list.header", { total: templates.length, starters: starters.length, own: own.length }),
    t("template.list.starters", { names: starters.join(", ") }),
    own.length > 0 ? t("template.list.own", { names: own.join(", ") }) : t("template.list.noneOwn"),
  ];
  const labels: ContactSheetLabels = {
    title: t("template.list.sheetTitle", { count: templates.length }),
    starters: t("template.list.sheetStarters", { count: starters.length }),
    own: t("template.list.sheetOwn", { count: own.length }),
  };
  const draw = () => deps.drawContactSheet(templates, labels);
  let sheet: ContactSheet | undefined;
  try {
    sheet = await whileUploading(deps, run.target, draw);
  } catch (error) {
    // The names still answer the question; the picture is a convenience.
    deps.logger?.warn({ err: error, key: run.key }, "template contact sheet not drawn");
    lines.push(t("template.list.sheetFailed"));
  }
  return answer(run, deps, {
    text: lines.join("\n"),
    outcome: "template.listed",
    status: "succeeded",
    ...(sheet ? { picture: sheet } : {}),
  });
}

function problemMessage(problem: PictureProblem): Message {
  switch (problem.id) {
    case "picture.not_image":
      return { id: "template.problem.not_image" };
    case "picture.corrupt":
      return { id: "template.problem.corrupt" };
    case "picture.too_large":
      return { id: "template.problem.too_large", params: { limit: problem.limit } };
    case "template.box_outside":
      return { id: "template.problem.box_outside", params: { box: problem.box } };
    case "template.invalid":
      return { id: "template.problem.invalid", params: { detail: problem.detail } };
    case "text.too_long":
      // Not a template's problem (no text is set when adding one); said as an invalid template.
      return { id: "template.problem.invalid", params: { detail: `box ${problem.box}` } };
  }
}
