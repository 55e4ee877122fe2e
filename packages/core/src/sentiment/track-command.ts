// /track: the tokens a community's chatter is read for. Anyone lists them; admins add one (symbol,
// optional mint, aliases), remove one, and purge the community's stored chatter. Changes are checked
// against the platform's own admin rights, asked afresh, as /persona and /template do. Whether chatter
// is read at all is the `sentiment` setting of /config.
import { adminRefusal } from "../commands/admin-refusal.ts";
import type { CommandContext, CommandOutcome } from "../commands/types.ts";
import { defineCommand } from "../commands/types.ts";
import type { CommunityRef } from "../platform.ts";
import { ok, userError, type UserError } from "../result.ts";
import { quotable } from "../safe-text.ts";
import { isMintAddress, normalizeAlias, SYMBOL_PATTERN, type TrackedTokenRef } from "./mentions.ts";

export const MAX_ALIASES_PER_TOKEN = 10;
const MAX_ALIAS_LENGTH = 32;

/** What /track needs of storage (the chatter repository, in the bot). */
export interface TrackingService {
  list(community: CommunityRef): Promise<TrackedTokenRef[]>;
  add(input: {
    community: CommunityRef;
    symbol: string;
    mint?: string;
    aliases: readonly string[];
    createdBy: string;
  }): Promise<{ ok: true; created: boolean } | { ok: false; reason: "too_many"; limit: number }>;
  /** True when the community tracked it. */
  remove(community: CommunityRef, symbol: string): Promise<boolean>;
  /** Deletes the community's stored chatter; how many messages went. */
  purge(community: CommunityRef): Promise<number>;
}

const ACTIONS = ["list", "add", "remove", "purge"] as const;
type Action = (typeof ACTIONS)[number];

interface TrackArgs {
  action: string;
  rest: string;
}

type Context = CommandContext<TrackArgs>;

const isAction = (text: string): text is Action => (ACTIONS as readonly string[]).includes(text);
const failure = (error: UserError): CommandOutcome => ({ kind: "error", error });
const answer = (outcome: string, text: string): CommandOutcome => ({
  kind: "reply",
  outcome,
  message: { text },
});

/** "$bonk" and "bonk" are the symbol BONK; undefined when it cannot be one. */
export function symbolOf(word: string | undefined): string | undefined {
  const symbol = (word ?? "").replace(/^\$/, "").toUpperCase();
  return SYMBOL_PATTERN.test(symbol) ? symbol : undefined;
}

/** Aliases from what follows the symbol (and mint): phrases separated by commas, else single words. */
function aliasesOf(text: string): { aliases: string[] } | { error: UserError } {
  const parts = text.includes(",") ? text.split(",") : text.split(/\s+/);
  const aliases: string[] = [];
  for (const part of parts) {
    const alias = normalizeAlias(part);
    if (alias === "") continue;
    if (alias.length < 2 || alias.length > MAX_ALIAS_LENGTH || !/\p{L}/u.test(alias))
      return { error: userError("track.error.badAlias", { alias: quotable(part.trim()) }) };
    if (!aliases.includes(alias)) aliases.push(alias);
  }
  if (aliases.length > MAX_ALIASES_PER_TOKEN)
    return { error: userError("track.error.tooManyAliases", { max: MAX_ALIASES_PER_TOKEN }) };
  return { aliases };
}

async function list(context: Context): Promise<CommandOutcome> {
  const { invocation, services, settings, t } = context;
  const tracking = services.tracking;
  if (!tracking) return failure(userError("track.error.unavailable"));
  const tokens = await tracking.list(invocation.community);
  const lines =
    tokens.length === 0
      ? [t("track.list.empty")]
      : [
          t("track.list.header", { count: tokens.length }),
          ...tokens.map((token) =>
            [
              t("track.list.item", { symbol: token.symbol }),
              ...(token.mint ? [t("track.list.mint", { mint: token.mint })] : []),
              ...(token.aliases.length > 0
                ? [t("track.list.aliases", { aliases: token.aliases.join(", ") })]
                : []),
            ].join(" — "),
          ),
        ];
  if (!settings.sentiment.tracking) lines.push(t("track.list.trackingOff"));
  return answer("track.listed", lines.join("\n"));
}

async function add(context: Context): Promise<CommandOutcome> {
  const { invocation, args, services, t } = context;
  const [word = "", ...more] = args.rest.split(/\s+/).filter((part) => part !== "");
  if (word === "") return failure(userError("track.help"));
  const symbol = symbolOf(word);
  if (!symbol) return failure(userError("track.error.badSymbol", { symbol: quotable(word) }));
  const mint = more[0] !== undefined && isMintAddress(more[0]) ? more[0] : undefined;
  const aliased = aliasesOf((mint ? more.slice(1) : more).join(" "));
  if ("error" in aliased) return failure(aliased.error);
  // Before anything is stored: a member learns nothing but that this is for admins.
  const refused = await adminRefusal(context);
  if (refused) return refused;
  if (!services.tracking) return failure(userError("track.error.unavailable"));
  const result = await services.tracking.add({
    community: invocation.community,
    symbol,
    ...(mint ? { mint } : {}),
    aliases: aliased.aliases,
    createdBy: invocation.actor.externalId,
  });
  if (!result.ok) return failure(userError("track.error.tooMany", { limit: result.limit }));
  const outcome = result.created ? "track.added" : "track.updated";
  return answer(outcome, t(outcome, { symbol }));
}

async function remove(context: Context): Promise<CommandOutcome> {
  const { invocation, args, services, t } = context;
  const [word, ...more] = args.rest.split(/\s+/).filter((part) => part !== "");
  if (word === undefined || more.length > 0) return failure(userError("track.help"));
  const symbol = symbolOf(word);
  if (!symbol) return failure(userError("track.error.badSymbol", { symbol: quotable(word) }));
  const refused = await adminRefusal(context);
  if (refused) return refused;
  if (!services.tracking) return failure(userError("track.error.unavailable"));
  if (!(await services.tracking.remove(invocation.community, symbol)))
    return failure(userError("track.error.notFound", { symbol }));
  return answer("track.removed", t("track.removed", { symbol }));
}

async function purge(context: Context): Promise<CommandOutcome> {
  const { invocation, args, services, t } = context;
  if (args.rest !== "") return failure(userError("track.help"));
  const refused = await adminRefusal(context);
  if (refused) return refused;
  if (!services.tracking) return failure(userError("track.error.unavailable"));
  const count = await services.tracking.purge(invocation.community);
  return answer("track.purged", t("track.purged", { count }));
}

const RUN: Record<Action, (context: Context) => Promise<CommandOutcome>> = { list, add, remove, purge };

export const trackCommand = defineCommand<TrackArgs>({
  name: "track",
  description: "command.track.description",
  args: [
    { name: "action", description: "arg.track.action", required: false, maxLength: 16 },
    // A symbol, a mint (44) and up to 10 aliases of 32 characters.
    { name: "rest", description: "arg.track.rest", required: false, rest: true, maxLength: 500 },
  ],
  parse: (raw) => ok({ action: raw.action?.toLowerCase() ?? "list", rest: raw.rest?.trim() ?? "" }),
  // Anyone may list; add, remove and purge are checked in `run`, against the platform's roles.
  permission: "anyone",
  // How admins manage tracking (and purge it): it cannot be switched off, as /persona cannot.
  toggleable: false,
  defaultCooldownSeconds: 0,
  answeredByJob: false,
  async run(context) {
    const { action } = context.args;
    if (!isAction(action)) {
      return failure(
        userError("track.error.unknownAction", { action: quotable(action), help: { id: "track.help" } }),
      );
    }
    return RUN[action](context);
  },
});
