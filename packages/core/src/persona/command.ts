// /persona: anyone sees the community's persona; admins set one field, import a whole persona
// (inline JSON, or a .json file sent with the command) or reset it. Changes are checked against the
// platform's own admin rights, asked afresh, as /config does.
import { adminRefusal } from "../commands/admin-refusal.ts";
import type { CommandContext, CommandOutcome } from "../commands/types.ts";
import { defineCommand } from "../commands/types.ts";
import { MESSAGE_LIMITS } from "../conversation/split.ts";
import type { MessageId, Translator } from "../messages/index.ts";
import { err, ok, userError, type Result, type UserError } from "../result.ts";
import { quotable } from "../safe-text.ts";
import {
  PERSONA_FIELDS,
  parsePersona,
  parsePersonaImport,
  samePersona,
  type Persona,
  type PersonaField,
  type PersonaProblems,
} from "./persona.ts";
import { personaField, personaSummary } from "./show.ts";

/** A persona file is a few kilobytes; anything much bigger is not one. */
export const MAX_PERSONA_FILE_BYTES = 64 * 1024;
/** Inline JSON: Discord's cap on a string option (a Telegram message holds 4096 characters anyway). */
const MAX_INLINE_LENGTH = 6000;

const ACTIONS = ["show", "set", "import", "reset"] as const;
type Action = (typeof ACTIONS)[number];

interface PersonaArgs {
  action: string;
  rest: string;
}

type Context = CommandContext<PersonaArgs>;

const fieldList = PERSONA_FIELDS.join(", ");
const isField = (text: string): text is PersonaField => (PERSONA_FIELDS as readonly string[]).includes(text);
const isAction = (text: string): text is Action => (ACTIONS as readonly string[]).includes(text);

const failure = (error: UserError): CommandOutcome => ({ kind: "error", error });
const answer = (outcome: string, text: string): CommandOutcome => ({
  kind: "reply",
  outcome,
  message: { text },
});

/** One problem as it is; several as a list, each naming its field. */
function problemsError(problems: PersonaProblems, t: Translator): UserError {
  if (problems.length === 1) return problems[0];
  const lines = problems.map((problem) => `• ${t(problem.id, problem.params)}`).join("\n");
  return userError("persona.error.several", { problems: lines });
}

const unknownField = (field: string) =>
  userError("persona.error.unknownField", { field: quotable(field), fields: fieldList });

const HINTS = {
  name: "persona.hint.name",
  bio: "persona.hint.text",
  style: "persona.hint.text",
  topics: "persona.hint.list",
  avoid: "persona.hint.list",
  examples: "persona.hint.examples",
} as const satisfies Record<PersonaField, MessageId>;

/** "-" clears a field, as an empty value cannot be typed on every platform. */
const CLEAR = "-";

const listOf = (value: string, separator: string) =>
  value
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== "");

/** The field's new value from what an admin typed after `/persona set <field>`. */
function fieldValue(field: PersonaField, value: string): Result<unknown, UserError> {
  const clear = value === CLEAR;
  switch (field) {
    case "name":
      return ok(value);
    case "bio":
    case "style":
      return ok(clear ? "" : value);
    case "topics":
    case "avoid":
      return ok(clear ? [] : listOf(value, ","));
    case "examples": {
      if (clear) return ok([]);
      const examples = [];
      for (const [index, pair] of listOf(value, ";").entries()) {
        const arrow = pair.indexOf("=>");
        if (arrow === -1) return err(userError("persona.error.badExample", { number: index + 1 }));
        examples.push({ user: pair.slice(0, arrow).trim(), bot: pair.slice(arrow + 2).trim() });
      }
      return ok(examples);
    }
  }
}

async function show(context: Context): Promise<CommandOutcome> {
  const { invocation, args, services, t } = context;
  const persona = await services.personas.get(invocation.community);
  if (args.rest === "") return answer("persona.shown", personaSummary(persona, t));
  const field = args.rest.toLowerCase();
  if (!isField(field)) return failure(unknownField(args.rest));
  return answer("persona.shown", personaField(persona, field, t, MESSAGE_LIMITS[invocation.platform]));
}

async function set(context: Context): Promise<CommandOutcome> {
  const { invocation, args, services, t } = context;
  const match = /^(\S+)\s*([\s\S]*)$/.exec(args.rest);
  const field = match?.[1]?.toLowerCase() ?? "";
  const value = match?.[2]?.trim() ?? "";
  if (!isField(field)) {
    return failure(field === "" ? userError("persona.help", { fields: fieldList }) : unknownField(field));
  }
  if (value === "") {
    return failure(
      userError("persona.error.missingValue", { field, hint: { id: HINTS[field], params: { field } } }),
    );
  }
  const parsed = fieldValue(field, value);
  if (!parsed.ok) return failure(parsed.error);
  const refused = await adminRefusal(context);
  if (refused) return refused;

  let unchanged = false;
  const result = await services.personas.edit(invocation.community, invocation.actor, (current) => {
    const next = parsePersona({ ...current, [field]: parsed.value });
    unchanged = next.ok && samePersona(next.value, current);
    return next;
  });
  if (!result.ok) return failure(problemsError(result.error, t));
  return unchanged
    ? answer("persona.unchanged", t("persona.unchanged", { field }))
    : answer("persona.updated", t("persona.updated", { field }));
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Where JSON.parse gave up, as a line and column people can find in their editor. */
function jsonError(text: string, error: unknown): UserError {
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : "")?.[1];
  if (position === undefined) return userError("persona.error.jsonUnreadable");
  const before = text.slice(0, Number(position));
  const line = before.split("\n").length;
  const column = [...before.slice(before.lastIndexOf("\n") + 1)].length + 1;
  return userError("persona.error.json", { line, column });
}

function parseJson(text: string): Result<unknown, UserError> {
  try {
    return ok(JSON.parse(text));
  } catch (error) {
    // Phones and some editors turn typed quotes into curly ones; JSON only knows the straight kind.
    if (/[“”]/.test(text)) {
      try {
        return ok(JSON.parse(text.replace(/[“”]/g, '"')));
      } catch {
        // Report the original problem: the text the admin sent, not our guess.
      }
    }
    return err(jsonError(text, error));
  }
}

/** The JSON text to import: after the command, or else the first file sent with it. */
async function importText({ invocation, args, services }: Context): Promise<Result<string, UserError>> {
  if (args.rest !== "") return ok(args.rest);
  const [file] = invocation.attachments ?? [];
  if (!file) {
    return err(
      userError(
        invocation.platform === "console" ? "persona.error.importEmptyConsole" : "persona.error.importEmpty",
      ),
    );
  }
  const tooLarge = userError("persona.error.fileTooLarge", { max: MAX_PERSONA_FILE_BYTES / 1024 });
  // What the platform says of the size comes free; the fetcher checks the bytes themselves too.
  if (file.size !== undefined && file.size > MAX_PERSONA_FILE_BYTES) return err(tooLarge);
  if (!services.attachments) return err(userError("persona.error.fileUnavailable"));
  const fetched = await services.attachments.fetch(file, { maxBytes: MAX_PERSONA_FILE_BYTES });
  if (!fetched.ok) {
    return err(fetched.error.reason === "too_large" ? tooLarge : userError("persona.error.fileUnavailable"));
  }
  try {
    // A byte order mark is how some editors start UTF-8 files; JSON has no place for it.
    return ok(strictUtf8.decode(fetched.value).replace(/^\uFEFF/, ""));
  } catch {
    return err(userError("persona.error.fileNotText"));
  }
}

async function importPersona(context: Context): Promise<CommandOutcome> {
  const { invocation, services, t } = context;
  // Before any download: a member's file is not fetched at all.
  const refused = await adminRefusal(context);
  if (refused) return refused;
  const text = await importText(context);
  if (!text.ok) return failure(text.error);
  const json = parseJson(text.value);
  if (!json.ok) return failure(json.error);
  const persona: Result<Persona, PersonaProblems> = parsePersonaImport(json.value);
  if (!persona.ok) return failure(problemsError(persona.error, t));
  await services.personas.set(invocation.community, invocation.actor, persona.value);
  return answer("persona.imported", t("persona.imported", { name: persona.value.name }));
}

async function reset(context: Context): Promise<CommandOutcome> {
  const refused = await adminRefusal(context);
  if (refused) return refused;
  await context.services.personas.reset(context.invocation.community, context.invocation.actor);
  return answer("persona.reset", context.t("persona.wasReset"));
}

const RUN: Record<Action, (context: Context) => Promise<CommandOutcome>> = {
  show,
  set,
  import: importPersona,
  reset,
};

export const personaCommand = defineCommand<PersonaArgs>({
  name: "persona",
  description: "command.persona.description",
  args: [
    { name: "action", description: "arg.persona.action", required: false, maxLength: 16 },
    {
      name: "rest",
      description: "arg.persona.rest",
      required: false,
      rest: true,
      maxLength: MAX_INLINE_LENGTH,
    },
  ],
  attachment: { name: "file", description: "arg.persona.file" },
  parse: (raw) => ok({ action: raw.action?.toLowerCase() ?? "show", rest: raw.rest?.trim() ?? "" }),
  // Anyone may read the persona; set, import and reset are checked in `run`, against the platform's roles.
  permission: "anyone",
  // Like /config: it is how admins manage the bot, so it cannot be switched off.
  toggleable: false,
  defaultCooldownSeconds: 0,
  answeredByJob: false,
  async run(context) {
    const { action } = context.args;
    if (!isAction(action)) {
      return failure(
        userError("persona.error.unknownAction", {
          action: quotable(action),
          help: { id: "persona.help", params: { fields: fieldList } },
        }),
      );
    }
    return RUN[action](context);
  },
});
