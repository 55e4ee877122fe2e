// Who qualifies for a community's gates: each member's linked wallets in the community, their
// holdings of each gate's mint (the sum over all wallets and all token accounts, bigint base units),
// and per gate: qualifies, short, or unknown when the chain could not be read. Unknown never counts
// as short: nobody loses access because an RPC endpoint failed. Members go in pages, so a scheduled
// re-verification can call `evaluateMembers` with a few hundred at a time; `/verify` calls it with one.
import type { HolderBalance, HoldingsQuery, ReadMintResult, SolanaRpcOptions } from "@memebot/solana/chain";
import type { CommunityRef } from "../platform.ts";
import type { GateStore, StoredTokenGate } from "./store.ts";

/** What gates read from the chain (@memebot/solana/chain over the configured RPC endpoints). */
export interface GateChain {
  readMint(address: string): Promise<ReadMintResult>;
  /**
   * Holdings, remembering owner searches in this process: with `searchedSince`, a wallet searched
   * since then is read from its known accounts instead of searched again.
   */
  readHoldings(query: Omit<HoldingsQuery, "memory">): Promise<Map<string, HolderBalance>>;
}

/**
 * The chain over these endpoints (SOLANA_RPC_URL, then SOLANA_RPC_FALLBACK_URLS), for the bot and worker.
 * The Solana libraries are loaded at the first read, not at start-up: they cost over a second of CPU,
 * which a process whose communities have no gates should not pay.
 */
export function createGateChain(options: SolanaRpcOptions): GateChain {
  let loading: Promise<GateChain> | undefined;
  const chain = () => (loading ??= loadChain(options));
  return {
    readMint: async (address) => (await chain()).readMint(address),
    readHoldings: async (query) => (await chain()).readHoldings(query),
  };
}

async function loadChain(options: SolanaRpcOptions): Promise<GateChain> {
  const { SolanaRpc, createOwnerSearchMemory, readMint, readHoldings } = await withoutBindingsWarning(
    () => import("@memebot/solana/chain"),
  );
  const rpc = new SolanaRpc(options);
  const memory = createOwnerSearchMemory();
  return {
    readMint: (address) => readMint(rpc, address),
    readHoldings: (query) => readHoldings(rpc, { ...query, memory }),
  };
}

/**
 * spl-token's bigint-buffer warns on stderr when its optional native build is absent (we deny install
 * scripts); its pure-JS path is the one we want, so that one line is dropped while the module loads.
 */
async function withoutBindingsWarning<T>(load: () => Promise<T>): Promise<T> {
  /* eslint-disable no-console -- the library writes to console.warn itself; nothing of ours logs here */
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].startsWith("bigint: Failed to load bindings")) return;
    warn(...args);
  };
  try {
    return await load();
  } finally {
    console.warn = warn;
  }
  /* eslint-enable no-console */
}

export interface GateEvaluationDependencies {
  gates: Pick<GateStore, "list">;
  /** Members' linked wallets in the community (the wallets repository), one query for a page of them. */
  wallets: {
    linksOfMembers(
      community: Pick<CommunityRef, "platform" | "externalId">,
      memberIds: readonly string[],
    ): Promise<Map<string, string[]>>;
  };
  chain: Pick<GateChain, "readHoldings">;
}

export type GateStatus =
  /** Holds at least the gate's minimum. */
  | "qualifies"
  /** Holds less (or has linked no wallet). */
  | "short"
  /** The chain could not be read: nothing may change on this result. */
  | "unknown";

export interface GateResult {
  gate: StoredTokenGate;
  status: GateStatus;
  /** Base units held: exact, or a lower bound that already reaches the minimum; null when unknown. */
  held: bigint | null;
  /** False when `held` is a lower bound: only associated accounts were read, and they were enough. */
  exact: boolean;
}

export interface MemberEvaluation {
  memberId: string;
  wallets: string[];
  results: GateResult[];
}

/**
 * How long a pass trusts a wallet's last owner search (its token accounts besides the associated
 * one): a day, and never longer than the grace period, so access is only ever removed after a search
 * made during the member's grace (a pass's removal comes at least the grace period after it began).
 */
export const SEARCH_MEMORY_MS = 24 * 60 * 60_000;

export interface EvaluationOptions {
  /** Wallets searched at or after this time (ms) are not searched again; absent: search every short wallet. */
  searchedSince?: number;
  now?: number;
}

/** The members' results for every gate of the community, in the order of `memberIds`. */
export async function evaluateMembers(
  deps: GateEvaluationDependencies,
  community: Pick<CommunityRef, "platform" | "externalId">,
  memberIds: readonly string[],
  gates?: readonly StoredTokenGate[],
  options: EvaluationOptions = {},
): Promise<MemberEvaluation[]> {
  const gateList = gates ?? (await deps.gates.list(community));
  const unique = [...new Set(memberIds)];
  const linked = await deps.wallets.linksOfMembers(community, unique);
  const members = unique.map((memberId) => ({ memberId, wallets: linked.get(memberId) ?? [] }));
  const holders = members
    .filter((member) => member.wallets.length > 0)
    .map((member) => ({ id: member.memberId, wallets: member.wallets }));

  // One read per mint, however many gates (tiers, roles) share it: enough is the highest minimum.
  const balances = new Map<string, Map<string, HolderBalance>>();
  if (holders.length > 0) {
    const byMint = new Map<string, StoredTokenGate[]>();
    for (const gate of gateList) byMint.set(gate.mint, [...(byMint.get(gate.mint) ?? []), gate]);
    await Promise.all(
      [...byMint.values()].map(async (sameMint) => {
        const first = sameMint[0] as StoredTokenGate;
        const enough = sameMint.reduce((most, gate) => (gate.minAmount > most ? gate.minAmount : most), 0n);
        balances.set(
          first.mint,
          await deps.chain.readHoldings({
            mint: first.mint,
            program: first.program,
            holders,
            enough,
            ...(options.searchedSince !== undefined ? { searchedSince: options.searchedSince } : {}),
            ...(options.now !== undefined ? { now: options.now } : {}),
          }),
        );
      }),
    );
  }

  return members.map((member) => ({
    memberId: member.memberId,
    wallets: member.wallets,
    results: gateList.map((gate): GateResult => {
      if (member.wallets.length === 0) return { gate, status: "short", held: 0n, exact: true };
      const balance = balances.get(gate.mint)?.get(member.memberId);
      if (!balance || !balance.ok) return { gate, status: "unknown", held: null, exact: false };
      const status = balance.amount >= gate.minAmount ? "qualifies" : "short";
      return { gate, status, held: balance.amount, exact: balance.exact };
    }),
  }));
}
