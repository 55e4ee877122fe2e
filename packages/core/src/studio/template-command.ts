// /template: a community's own meme templates. Anyone sees them (`list`, a contact sheet drawn by
// the worker); admins add one from a picture sent with the command (`add`, checked and stored by the
// worker: pictures are never decoded in the bot) and remove one (`remove`, answered here). Changes
// are checked against the platform's own admin rights, asked afresh, as /persona does.
import { adminRefusal } from "../commands/admin-refusal.ts";
import { commandRunOf } from "../commands/run.ts";
import type { CommandContext, CommandOutcome } from "../commands/types.ts";
import { defineCommand } from "../commands/types.ts";
import { ok, userError, type UserError } from "../result.ts";
import { quotable } from "../safe-text.ts";
import { TEMPLATE_NAME_PATTERN } from "./jobs.ts";
import { parseTemplateLayout } from "./template-layout.ts";

/**
 * Largest picture file the worker downloads. Telegram's getFile serves up to 20 MB; a meme
 * template needs far less, and the renderer shrinks what it keeps (the community's 10 MB cap counts
 * what is stored).
 */
export const MAX_TEMPLATE_FILE_BYTES = 10 * 1024 * 1024;

const ACTIONS = ["list", "add", "remove"] as const;
type Action = (typeof ACTIONS)[number];

interface TemplateArgs {
  action: string;
  rest: string;
}

type Context = CommandContext<TemplateArgs>;

const isAction = (text: string): text is Action => (ACTIONS as readonly string[]).includes(text);
const failure = (error: UserError): CommandOutcome => ({ kind: "error", error });

/** The template's name, lower-cased, or the reply saying what a name may be. */
function nameOf(word: string | undefined): { name: string } | { error: UserError } {
  if (word === undefined || word === "") return { error: userError("template.help") };
  const name = word.toLowerCase();
  if (!TEMPLATE_NAME_PATTERN.test(name))
    return { error: userError("template.error.badName", { name: quotable(word) }) };
  return { name };
}

async function list(context: Context): Promise<CommandOutcome> {
  const job = await context.services.jobs.enqueue(
    "template.list",
    { run: commandRunOf(context, "list") },
    { jobId: context.invocation.key },
  );
  return { kind: "queued", jobId: job.jobId };
}

async function add(context: Context): Promise<CommandOutcome> {
  const { invocation, args } = context;
  const [word, ...more] = args.rest.split(/\s+/).filter((part) => part !== "");
  const named = nameOf(word);
  if ("error" in named) return failure(named.error);
  const layout = parseTemplateLayout(more);
  if (!layout.ok) return failure(layout.error);
  // Before anything about the picture: a member learns nothing but that this is for admins.
  const refused = await adminRefusal(context);
  if (refused) return refused;

  const [picture] = invocation.attachments ?? [];
  if (!picture) {
    return failure(
      userError(
        invocation.platform === "console" ? "template.error.noPictureConsole" : "template.error.noPicture",
        {
          name: named.name,
        },
      ),
    );
  }
  // What the platform says of the size comes free; the worker's fetch checks the bytes too.
  if (picture.size !== undefined && picture.size > MAX_TEMPLATE_FILE_BYTES) {
    return failure(
      userError("template.problem.file_too_large", { max: MAX_TEMPLATE_FILE_BYTES / 1024 / 1024 }),
    );
  }
  const job = await context.services.jobs.enqueue(
    "template.add",
    {
      run: commandRunOf(context, `add ${args.rest}`),
      name: named.name,
      picture,
      layout: layout.value.layout,
      ...(layout.value.boxes ? { boxes: layout.value.boxes } : {}),
      ...(layout.value.description ? { description: layout.value.description } : {}),
    },
    { jobId: invocation.key },
  );
  return { kind: "queued", jobId: job.jobId };
}

async function remove(context: Context): Promise<CommandOutcome> {
  const { invocation, args, services, t } = context;
  const [word, ...more] = args.rest.split(/\s+/).filter((part) => part !== "");
  const named = nameOf(word);
  if ("error" in named) return failure(named.error);
  if (more.length > 0) return failure(userError("template.help"));
  const refused = await adminRefusal(context);
  if (refused) return refused;
  if (!services.templates) return failure(userError("template.error.unavailable"));
  const removed = await services.templates.remove(invocation.community, named.name);
  if (!removed) return failure(userError("template.error.notFound", { name: named.name }));
  return {
    kind: "reply",
    outcome: "template.removed",
    message: { text: t("template.removed", { name: named.name }) },
  };
}

const RUN: Record<Action, (context: Context) => Promise<CommandOutcome>> = { list, add, remove };

export const templateCommand = defineCommand<TemplateArgs>({
  name: "template",
  description: "command.template.description",
  args: [
    { name: "action", description: "arg.template.action", required: false, maxLength: 16 },
    // A name, a layout or up to 8 boxes, and a description: a few hundred characters at most.
    { name: "rest", description: "arg.template.rest", required: false, rest: true, maxLength: 500 },
  ],
  attachment: { name: "picture", description: "arg.template.picture" },
  parse: (raw) => ok({ action: raw.action?.toLowerCase() ?? "list", rest: raw.rest?.trim() ?? "" }),
  // Anyone may list; add and remove are checked in `run`, against the platform's roles.
  permission: "anyone",
  // Like /persona: how admins manage the bot's templates, so it cannot be switched off.
  toggleable: false,
  defaultCooldownSeconds: 0,
  // list and add are answered by the worker (sharp runs there, never in the bot).
  answeredByJob: true,
  async run(context) {
    const { action } = context.args;
    if (!isAction(action)) {
      return failure(
        userError("template.error.unknownAction", {
          action: quotable(action),
          help: { id: "template.help" },
        }),
      );
    }
    return RUN[action](context);
  },
});
