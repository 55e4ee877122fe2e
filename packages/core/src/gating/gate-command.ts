// /gate: token gates. Anyone lists them; admins (asked afresh) add, remove and read the audit.
// A gate's mint is read from the chain when it is added (its program and decimals), and its minimum
// is parsed exactly to base units with those decimals: an amount never passes through a float. On
// Discord a gate grants a role, checked against the server (it exists, the bot may manage it); on
// Telegram the group itself is gated, entered through join requests (/gate invite makes the link).
// A network failure saves nothing and says to try again.
import { adminRefusal } from "../commands/admin-refusal.ts";
import { formatTokenAmount, isWalletAddress, parseTokenAmount } from "@memebot/solana";
import type { CommandContext, CommandOutcome } from "../commands/types.ts";
import { defineCommand } from "../commands/types.ts";
import type { MessageId, Translator } from "../messages/index.ts";
import type { Platform } from "../platform.ts";
import { ok, userError, type UserError } from "../result.ts";
import { quotable } from "../safe-text.ts";
import type { GateAccess } from "./access.ts";
import type { GateChain } from "./evaluate.ts";
import { JOIN_REQUEST_WINDOW_MS } from "./jobs.ts";
import { GROUP_TARGET, MAX_GATES_PER_COMMUNITY, type GateStore, type StoredTokenGate } from "./store.ts";

/** The latest audit entries /gate audit shows. */
export const GATE_AUDIT_LINES = 10;

/** What /gate and /verify need: storage, the chain, and each platform's access port. */
export interface GateService {
  store: GateStore;
  chain: Pick<GateChain, "readMint">;
  /** The platform's access: Discord's roles, the Telegram group; undefined on the console. */
  accessFor(platform: Platform): GateAccess | undefined;
  limit?: number;
}

const ACTIONS = ["list", "add", "remove", "audit", "invite"] as const;
type Action = (typeof ACTIONS)[number];

interface GateArgs {
  action: string;
  rest: string;
}

type Context = CommandContext<GateArgs>;

const isAction = (text: string): text is Action => (ACTIONS as readonly string[]).includes(text);
const failure = (error: UserError): CommandOutcome => ({ kind: "error", error });
const answer = (outcome: string, text: string): CommandOutcome => ({
  kind: "reply",
  outcome,
  message: { text },
});

/** "DezX…B263": enough to tell addresses apart in a chat line, never the whole of one. */
export const shortAddress = (address: string) =>
  address.length <= 12 ? address : `${address.slice(0, 4)}…${address.slice(-4)}`;

/** A Discord role as typed: a mention (<@&123>) or its id. */
export function roleIdOf(text: string): string | undefined {
  const match = /^(?:<@&(\d{5,20})>|(\d{5,20}))$/.exec(text.trim());
  return match ? (match[1] ?? match[2]) : undefined;
}

/** What a gate grants, in words: the role (a mention never pings: replies allow no mentions) or the group. */
export const gateTargetOf = (gate: Pick<StoredTokenGate, "roleId">, t: Translator) =>
  gate.roleId === null ? t("gate.target.group") : `<@&${gate.roleId}>`;

export function describeGate(gate: StoredTokenGate, t: Translator): string {
  return t("gate.rule", {
    amount: formatTokenAmount(gate.minAmount, gate.decimals),
    mint: shortAddress(gate.mint),
    target: gateTargetOf(gate, t),
  });
}

function service(context: Context): GateService | undefined {
  return context.services.gates;
}

async function list(context: Context, gates: GateService): Promise<CommandOutcome> {
  const { invocation, t } = context;
  const stored = await gates.store.list(invocation.community);
  if (stored.length === 0) return answer("gate.listed", t("gate.list.empty"));
  const lines = [
    t("gate.list.header", { count: stored.length, max: gates.limit ?? MAX_GATES_PER_COMMUNITY }),
    ...stored.map((gate) =>
      t("gate.list.item", {
        id: gate.id,
        gate: describeGate(gate, t),
        mint: gate.mint,
        program: t(`gate.program.${gate.program}`),
        decimals: gate.decimals,
      }),
    ),
  ];
  return answer("gate.listed", lines.join("\n"));
}

const AMOUNT_ERRORS: Record<string, MessageId> = {
  amount_invalid: "gate.error.amount.invalid",
  amount_negative: "gate.error.amount.negative",
  amount_grouped: "gate.error.amount.grouped",
  amount_too_precise: "gate.error.amount.tooPrecise",
  amount_too_large: "gate.error.amount.tooLarge",
};

async function add(context: Context, gates: GateService): Promise<CommandOutcome> {
  const { invocation, args, t } = context;
  const words = args.rest.split(/\s+/).filter((part) => part !== "");
  const access = gates.accessFor(invocation.platform);
  const [mintText, amountText, roleText, ...extra] = words;
  // Discord gates grant a role; elsewhere the group itself is gated.
  const roleWanted = invocation.platform === "discord" && access !== undefined;
  if (mintText === undefined || amountText === undefined || extra.length > 0)
    return failure(userError(roleWanted ? "gate.error.addHowRole" : "gate.error.addHow"));
  if (roleWanted && roleText === undefined) return failure(userError("gate.error.addHowRole"));
  if (!roleWanted && roleText !== undefined) return failure(userError("gate.error.noRoleHere"));
  if (!isWalletAddress(mintText))
    return failure(userError("gate.error.badMint", { mint: quotable(mintText) }));
  const roleId = roleText === undefined ? null : roleIdOf(roleText);
  if (roleId === undefined)
    return failure(userError("gate.error.badRole", { role: quotable(roleText ?? "") }));
  // Before the chain or the server is asked: a member learns nothing but that this is for admins.
  const refused = await adminRefusal(context);
  if (refused) return refused;
  if (invocation.community.kind !== "group") return failure(userError("gate.error.groupsOnly"));

  const mint = await gates.chain.readMint(mintText);
  if (!mint.ok) {
    switch (mint.reason) {
      case "invalid_address":
        return failure(userError("gate.error.badMint", { mint: quotable(mintText) }));
      case "not_found":
        return failure(userError("gate.error.mintNotFound", { mint: mintText }));
      case "not_a_mint":
        return failure(userError("gate.error.notAMint", { mint: mintText }));
      case "rpc_error":
        return failure(userError("gate.error.rpcDown"));
    }
  }
  const { decimals, program } = mint.mint;
  const amount = parseTokenAmount(amountText, decimals);
  if (!amount.ok) {
    return failure(
      userError(AMOUNT_ERRORS[amount.reason] as MessageId, {
        amount: quotable(amountText),
        decimals,
        mint: shortAddress(mint.mint.address),
      }),
    );
  }
  if (amount.value === 0n) return failure(userError("gate.error.amount.zero"));

  // The role must exist; the bot's right to manage it is told now, and audited on every check.
  let warning: string | undefined;
  if (roleId !== null && access) {
    const check = await access.checkRole(invocation.community.externalId, roleId);
    if (!check.ok) {
      if (check.problem === "unavailable") return failure(userError("gate.error.platformDown"));
      if (check.problem === "unknown_role")
        return failure(userError("gate.error.unknownRole", { role: roleId }));
      warning = t(`gate.access.${check.problem}`, { role: `<@&${roleId}>` });
    }
  } else if (access) {
    // The group: the bot must be an admin able to approve join requests and remove members.
    const check = await access.checkRole(invocation.community.externalId, GROUP_TARGET);
    if (!check.ok && check.problem !== "unavailable" && check.problem !== "unknown_role")
      warning = t(`gate.access.${check.problem}`, { role: "" });
  }

  const added = await gates.store.add({
    community: invocation.community,
    mint: mint.mint.address,
    program,
    decimals,
    minAmount: amount.value,
    roleId,
    createdBy: invocation.actor.externalId,
  });
  if (!added.ok) {
    return added.reason === "too_many"
      ? failure(userError("gate.error.tooMany", { limit: added.limit }))
      : failure(userError("gate.error.exists", { id: added.id }));
  }
  const gate: StoredTokenGate = {
    id: added.id,
    mint: mint.mint.address,
    program,
    decimals,
    minAmount: amount.value,
    roleId,
    createdBy: invocation.actor.externalId,
    createdAt: new Date(),
  };
  const lines = [
    t("gate.added", {
      id: added.id,
      gate: describeGate(gate, t),
      program: t(`gate.program.${program}`),
      decimals,
    }),
  ];
  if (roleId === null && access?.joinRequestLink) lines.push(t("gate.added.inviteHint"));
  if (warning) lines.push(warning);
  return answer(warning ? "gate.added.cannotManage" : "gate.added", lines.join("\n"));
}

async function remove(context: Context, gates: GateService): Promise<CommandOutcome> {
  const { invocation, args, t } = context;
  const words = args.rest.split(/\s+/).filter((part) => part !== "");
  const text = (words[0] ?? "").replace(/^#/, "");
  if (words.length !== 1 || !/^\d{1,9}$/.test(text))
    return failure(userError("gate.error.badId", { id: quotable(words.join(" ")) }));
  const refused = await adminRefusal(context);
  if (refused) return refused;
  const id = Number(text);
  if (!(await gates.store.remove(invocation.community, id)))
    return failure(userError("gate.error.notFound", { id }));
  return answer("gate.removed", t("gate.removed", { id }));
}

const minute = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;

async function audit(context: Context, gates: GateService): Promise<CommandOutcome> {
  const { invocation, args, t } = context;
  if (args.rest !== "") return failure(userError("gate.help"));
  const refused = await adminRefusal(context);
  if (refused) return refused;
  const entries = await gates.store.latestAudit(invocation.community, GATE_AUDIT_LINES);
  if (entries.length === 0) return answer("gate.audited", t("gate.audit.empty"));
  const decimalsOf = new Map((await gates.store.list(invocation.community)).map((g) => [g.id, g.decimals]));
  const lines = [
    t("gate.audit.header", { count: entries.length }),
    ...entries.map((entry) => {
      const decimals = entry.gateId === null ? undefined : decimalsOf.get(entry.gateId);
      const held =
        entry.holdings === null
          ? ""
          : t("gate.audit.held", {
              amount:
                decimals === undefined
                  ? t("gate.audit.baseUnits", { amount: entry.holdings.toString() })
                  : formatTokenAmount(entry.holdings, decimals),
            });
      return t("gate.audit.item", {
        at: minute(entry.at),
        member: entry.platform === "discord" ? `<@${entry.memberId}>` : entry.memberId,
        action: t(`gate.audit.action.${entry.action}`),
        gate: entry.gateId === null ? t("gate.audit.removedGate") : `#${entry.gateId}`,
        mint: shortAddress(entry.mint),
        reason: t(`gate.reason.${entry.reason}` as MessageId),
        held,
      });
    }),
  ];
  // Who was granted or removed is the admins' business: shown to them alone where the platform can.
  return { kind: "reply", outcome: "gate.audited", message: { text: lines.join("\n") }, private: true };
}

/** A join-request link for a gated Telegram group: who uses it is let in by their holdings. */
async function invite(context: Context, gates: GateService): Promise<CommandOutcome> {
  const { invocation, args, t } = context;
  if (args.rest !== "") return failure(userError("gate.help"));
  const refused = await adminRefusal(context);
  if (refused) return refused;
  const access = gates.accessFor(invocation.platform);
  if (invocation.platform !== "telegram" || !access?.joinRequestLink)
    return failure(userError("gate.error.inviteTelegramOnly"));
  if (invocation.community.kind !== "group") return failure(userError("gate.error.groupsOnly"));
  const stored = await gates.store.list(invocation.community);
  if (stored.length === 0) return failure(userError("gate.error.inviteNoGate"));
  const link = await access.joinRequestLink(invocation.community.externalId, t("gate.invite.name"));
  if (!link.ok) {
    return link.problem === "unavailable" || link.problem === "unknown_role"
      ? failure(userError("gate.error.telegramDown"))
      : failure(userError(`gate.access.${link.problem}`, { role: "" }));
  }
  return answer(
    "gate.invited",
    t("gate.invite.link", {
      url: link.url,
      gates: stored.map((gate) => describeGate(gate, t)).join(t("gate.join.or")),
      minutes: Math.round(JOIN_REQUEST_WINDOW_MS / 60_000),
    }),
  );
}

const RUN: Record<Action, (context: Context, gates: GateService) => Promise<CommandOutcome>> = {
  list,
  add,
  remove,
  audit,
  invite,
};

export const gateCommand = defineCommand<GateArgs>({
  name: "gate",
  description: "command.gate.description",
  args: [
    { name: "action", description: "arg.gate.action", required: false, maxLength: 16 },
    // A mint (44), an amount (at most 100) and a role mention.
    { name: "rest", description: "arg.gate.rest", required: false, rest: true, maxLength: 200 },
  ],
  parse: (raw) => ok({ action: raw.action?.toLowerCase() ?? "list", rest: raw.rest?.trim() ?? "" }),
  // Anyone may list; add, remove and audit are checked in `run`, against the platform's roles.
  permission: "anyone",
  toggleable: false,
  defaultCooldownSeconds: 0,
  answeredByJob: false,
  async run(context) {
    const { action } = context.args;
    if (!isAction(action)) {
      return failure(
        userError("gate.error.unknownAction", { action: quotable(action), help: { id: "gate.help" } }),
      );
    }
    const gates = service(context);
    if (!gates) return failure(userError("gate.error.unavailable"));
    return RUN[action](context, gates);
  },
});
