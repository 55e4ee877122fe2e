// /wallet: a member links Solana wallets to themself in this community by signing a message, lists
// them and unlinks them. `link` gives the verification page's link (where a web server is set up
// and the answer stays private) and, with an address, the exact message to sign with one's own
// tool; `verify` takes the signature pasted back (the console's way, and any chat's). Answers are
// private where the platform allows (Discord), since they name the member's wallets.
import type { CommandContext, CommandOutcome } from "../commands/types.ts";
import { defineCommand } from "../commands/types.ts";
import { ok, userError, type UserError } from "../result.ts";
import { quotable } from "../safe-text.ts";
import { checkGatesAfterLink } from "../gating/verify.ts";
import { decodeBase58Exact, isBase58Signature, isSolanaSecretKey, isWalletAddress } from "@memebot/solana";
import {
  WALLET_FAILURE_WINDOW_MS,
  WALLET_LINK_LIFETIME_MS,
  completeWalletLink,
  startWalletLink,
  type WalletLinkDependencies,
  type WalletRejection,
} from "./link.ts";

/** What /wallet needs: the store, the page's settings and (for tests) the clock. */
export type WalletService = WalletLinkDependencies;

const ACTIONS = ["help", "link", "verify", "list", "unlink"] as const;
type Action = (typeof ACTIONS)[number];

interface WalletArgs {
  action: string;
  words: string[];
}

type Context = CommandContext<WalletArgs>;

const isAction = (text: string): text is Action => (ACTIONS as readonly string[]).includes(text);
const failure = (error: UserError): CommandOutcome => ({ kind: "error", error });
const answer = (outcome: string, text: string): CommandOutcome => ({
  kind: "reply",
  outcome,
  message: { text },
  private: true,
});
const minutes = (ms: number) => Math.round(ms / 60_000);

const callerOf = ({ invocation }: Context) => ({
  community: invocation.community,
  member: { platform: invocation.actor.platform, externalId: invocation.actor.externalId },
});

function checkAddress(word: string): UserError | undefined {
  return isWalletAddress(word)
    ? undefined
    : userError("wallet.error.badAddress", { address: quotable(word) });
}

/**
 * What the run record keeps of `/wallet …`: the action, addresses and nonces; long base58 (signatures)
 * shortened; anything else redacted. A private key or seed phrase pasted by mistake is never stored.
 */
export function walletRecordedArgs(text: string): string {
  return text
    .split(/\s+/)
    .filter((word) => word !== "")
    .map((word, index) => {
      if (index === 0 && /^[a-z]{1,16}$/i.test(word)) return word;
      // Addresses and nonces (16 bytes) only: a seed phrase's words are base58 too ("abandon").
      if (isWalletAddress(word) || decodeBase58Exact(word, 16)) return word;
      if (/^[1-9A-HJ-NP-Za-km-z]{45,100}$/.test(word) && !isSolanaSecretKey(word))
        return `${word.slice(0, 8)}…`;
      return "[redacted]";
    })
    .join(" ");
}

async function link(context: Context, wallets: WalletService): Promise<CommandOutcome> {
  const { args, invocation, t } = context;
  if (args.words.length > 1) return failure(userError("wallet.help"));
  const address = args.words[0];
  if (address !== undefined) {
    const problem = checkAddress(address);
    if (problem) return failure(problem);
  }
  // A link is a bearer secret: it goes only where nobody else reads the answer. Telegram has no
  // private answer in a group; the message to sign is safe anywhere (only this member can use it).
  const publicAnswer = invocation.platform === "telegram" && invocation.community.kind === "group";
  if (address === undefined && (publicAnswer || !wallets.settings.pageBaseUrl)) {
    const id = publicAnswer ? "wallet.link.notHere" : "wallet.link.noPage";
    return answer(id, t(id));
  }
  const { community, member } = callerOf(context);
  const started = await startWalletLink(wallets, { community, member, ...(address ? { address } : {}) });
  if (!started.ok) return failure(userError("wallet.help"));
  const lifetime = minutes(WALLET_LINK_LIFETIME_MS);
  const { link: page, message } = started.value;
  if (address !== undefined && message !== undefined) {
    return answer("wallet.link.message", t("wallet.link.message", { address, message, minutes: lifetime }));
  }
  return answer("wallet.link.page", t("wallet.link.page", { link: page ?? "", minutes: lifetime }));
}

async function verify(context: Context, wallets: WalletService): Promise<CommandOutcome> {
  const { args, t } = context;
  const [address, signature, nonce, ...more] = args.words;
  if (address === undefined || signature === undefined || more.length > 0) {
    return failure(userError("wallet.help"));
  }
  const problem = checkAddress(address);
  if (problem) return failure(problem);
  if (!isBase58Signature(signature)) {
    return failure(userError("wallet.error.badSignature", { signature: quotable(signature.slice(0, 100)) }));
  }
  const result = await completeWalletLink(wallets, {
    reference: nonce === undefined ? { newest: true } : { nonce },
    caller: callerOf(context),
    address,
    signature,
  });
  if (!result.ok) return failure(rejectionOf(result.error.id, address));
  // Keyed by this command: a redelivered /wallet verify asks for one check.
  await checkGatesAfterLink(context.services.jobs, result.value, context.invocation.key);
  const id = result.value.status === "linked" ? "wallet.linked" : "wallet.alreadyLinked";
  return answer(id, t(id, { address }));
}

function rejectionOf(id: WalletRejection, address: string): UserError {
  return userError(`wallet.rejected.${id}`, {
    address,
    minutes: minutes(id === "rate_limited" ? WALLET_FAILURE_WINDOW_MS : WALLET_LINK_LIFETIME_MS),
  });
}

async function list(context: Context, wallets: WalletService): Promise<CommandOutcome> {
  const { args, t } = context;
  if (args.words.length > 0) return failure(userError("wallet.help"));
  const { community, member } = callerOf(context);
  const links = await wallets.store.links(community, member.externalId);
  if (links.length === 0) return answer("wallet.list.empty", t("wallet.list.empty"));
  const lines = [
    t("wallet.list.header", { count: links.length }),
    ...links.map((row) =>
      t("wallet.list.item", { address: row.address, date: row.linkedAt.toISOString().slice(0, 10) }),
    ),
  ];
  return answer("wallet.listed", lines.join("\n"));
}

async function unlink(context: Context, wallets: WalletService): Promise<CommandOutcome> {
  const { args, t } = context;
  const [address, ...more] = args.words;
  if (address === undefined || more.length > 0) return failure(userError("wallet.help"));
  const problem = checkAddress(address);
  if (problem) return failure(problem);
  const { community, member } = callerOf(context);
  // Only the member's own links are found: nobody can unlink another member's wallet.
  if (!(await wallets.store.unlink(community, member.externalId, address))) {
    return failure(userError("wallet.error.notLinked", { address }));
  }
  return answer("wallet.unlinked", t("wallet.unlinked", { address }));
}

const RUN: Record<
  Exclude<Action, "help">,
  (context: Context, wallets: WalletService) => Promise<CommandOutcome>
> = {
  link,
  verify,
  list,
  unlink,
};

export const walletCommand = defineCommand<WalletArgs>({
  name: "wallet",
  description: "command.wallet.description",
  args: [
    { name: "action", description: "arg.wallet.action", required: false, maxLength: 16 },
    // An address (44), a signature (88) and a nonce (22); room for a keypair file's JSON (up to 256)
    // pasted by mistake, so it reaches the warning rather than a "too long".
    { name: "rest", description: "arg.wallet.rest", required: false, rest: true, maxLength: 400 },
  ],
  parse: (raw) =>
    ok({
      action: raw.action?.toLowerCase() ?? "help",
      words: (raw.rest ?? "").split(/\s+/).filter((word) => word !== ""),
    }),
  // Each member manages only their own wallets.
  permission: "anyone",
  toggleable: true,
  defaultCooldownSeconds: 0,
  answeredByJob: false,
  recordedArgs: walletRecordedArgs,
  async run(context) {
    const { action, words } = context.args;
    // Before anything else, and never echoed back: a signature and a secret key are both 64 bytes.
    if (words.some(isSolanaSecretKey)) return failure(userError("wallet.error.secretKey"));
    if (!isAction(action)) {
      return failure(
        userError("wallet.error.unknownAction", { action: quotable(action), help: { id: "wallet.help" } }),
      );
    }
    if (action === "help") return answer("wallet.help", context.t("wallet.help"));
    const wallets = context.services.wallets;
    if (!wallets) return failure(userError("wallet.error.unavailable"));
    return RUN[action](context, wallets);
  },
});
