// How much of a mint each holder (a member with linked wallets) has: the sum over their wallets and
// all of those wallets' token accounts for the mint. Cheap first: the associated token accounts of
// many wallets go 100 to a getMultipleAccounts request, and only holders that fall short of `enough`
// that way are searched with getTokenAccountsByOwner, wallet by wallet. A failed request never
// reads as a zero balance: the holder's result says the chain could not be read.
//
// Searches may be remembered (`memory`): the token accounts a search found besides the associated
// one are then read with the associated accounts, 100 a request, and a wallet searched since
// `searchedSince` is not searched again. Re-verification passes use this, so a member who stays short
// costs a share of a getMultipleAccounts request instead of a search per wallet and mint each pass.
import type { PublicKey } from "@solana/web3.js";
import { type AccountInfo } from "@solana/web3.js";
import { unpackAccount } from "@solana/spl-token";
import { associatedTokenAddress } from "./associated-address.ts";
import { programIdOf, programOf, type TokenProgram } from "./mint.ts";
import type { SolanaRpc } from "./rpc.ts";
import { parseSolanaAddress } from "./solana-address.ts";

/** The RPC's limit of accounts per getMultipleAccounts request. */
export const ACCOUNTS_PER_REQUEST = 100;

export interface HoldingsQuery {
  mint: string;
  program: TokenProgram;
  holders: ReadonlyArray<{ id: string; wallets: readonly string[] }>;
  /**
   * A holder whose associated accounts hold at least this much is not searched further: for gates,
   * the highest minimum among the mint's gates. A value above any holding (2n ** 128n) searches all.
   */
  enough: bigint;
  /** getMultipleAccounts and getTokenAccountsByOwner requests in flight at once (default 4). */
  concurrency?: number;
  /** Remembered searches (see above); without it every short holder's wallets are searched. */
  memory?: OwnerSearchMemory;
  /** With `memory`: wallets searched at or after this time (ms) are not searched again. */
  searchedSince?: number;
  /** The time searches are remembered at (ms; now by default). */
  now?: number;
}

/** What a wallet's last search found of a mint: its token accounts other than the associated one. */
export interface RememberedSearch {
  accounts: readonly string[];
  at: number;
}

/** Keyed `${mint}:${wallet}`; bounded by whoever implements it. */
export interface OwnerSearchMemory {
  get(key: string): RememberedSearch | undefined;
  set(key: string, search: RememberedSearch): void;
}

/** An OwnerSearchMemory in this process, forgetting the oldest entries past `limit`. */
export function createOwnerSearchMemory(limit = 200_000): OwnerSearchMemory {
  const entries = new Map<string, RememberedSearch>();
  return {
    get: (key) => entries.get(key),
    set(key, search) {
      entries.delete(key);
      if (entries.size >= limit) entries.delete(entries.keys().next().value as string);
      entries.set(key, search);
    },
  };
}

export type HolderBalance =
  /**
   * `amount` in base units. `exact` false: only associated accounts were read (they reached
   * `enough`, or a search failed but what was read already reached it), so the holder has at least it.
   */
  { ok: true; amount: bigint; exact: boolean } | { ok: false; reason: "rpc_error" };

type WalletRead = { ok: true; amount: bigint } | { ok: false };

export async function readHoldings(
  rpc: SolanaRpc,
  query: HoldingsQuery,
): Promise<Map<string, HolderBalance>> {
  const mint = parseSolanaAddress(query.mint);
  if (!mint)
    throw new TypeError(`readHoldings: the mint ${JSON.stringify(query.mint)} is not a Solana address`);
  const programId = programIdOf(query.program);
  const concurrency = query.concurrency ?? 4;

  const owners = new Map<string, PublicKey>();
  for (const holder of query.holders) {
    for (const wallet of holder.wallets) {
      if (owners.has(wallet)) continue;
      const key = parseSolanaAddress(wallet);
      // Linked wallets were checked when linked: a bad one here is a bug, not a user's mistake.
      if (!key)
        throw new TypeError(`readHoldings: holder ${holder.id} has a wallet that is not a Solana address`);
      owners.set(wallet, key);
    }
  }

  const mintText = mint.toBase58();
  const remembered = (wallet: string) => query.memory?.get(`${mintText}:${wallet}`);
  const fresh = (wallet: string) =>
    query.searchedSince !== undefined && (remembered(wallet)?.at ?? -Infinity) >= query.searchedSince;
  const fromAssociated = await readAssociated(rpc, mint, programId, owners, concurrency, remembered);

  const results = new Map<string, HolderBalance>();
  const short: Array<{ id: string; wallets: readonly string[] }> = [];
  for (const holder of query.holders) {
    // Failed reads count as nothing here: if the others already hold enough, the holder has enough.
    const known = sumOf(holder.wallets.map((wallet) => fromAssociated.get(wallet) as WalletRead));
    if (known >= query.enough) results.set(holder.id, { ok: true, amount: known, exact: false });
    else short.push(holder);
  }

  const searched = await searchOwners(
    rpc,
    mint,
    programId,
    [...new Set(short.flatMap((holder) => holder.wallets))]
      .filter((wallet) => !fresh(wallet))
      .map((wallet) => [wallet, owners.get(wallet) as PublicKey]),
    concurrency,
  );
  if (query.memory) {
    const at = query.now ?? Date.now();
    for (const [wallet, read] of searched) {
      if (read.ok) query.memory.set(`${mintText}:${wallet}`, { accounts: read.others, at });
    }
  }
  for (const holder of short) {
    // A wallet searched recently was read whole with the associated accounts (its known accounts too).
    const reads = holder.wallets.map(
      (wallet) => (searched.get(wallet) ?? fromAssociated.get(wallet)) as WalletRead,
    );
    if (reads.every((read) => read.ok)) {
      results.set(holder.id, { ok: true, amount: sumOf(reads), exact: true });
      continue;
    }
    // What was read (searches that worked, else the associated account) is a lower bound.
    const lowerBound = sumOf(
      holder.wallets.map(
        (wallet, index) => (reads[index]?.ok ? reads[index] : fromAssociated.get(wallet)) as WalletRead,
      ),
    );
    results.set(
      holder.id,
      lowerBound >= query.enough
        ? { ok: true, amount: lowerBound, exact: false }
        : { ok: false, reason: "rpc_error" },
    );
  }
  return results;
}

const sumOf = (reads: readonly WalletRead[]): bigint =>
  reads.reduce((total, read) => (read.ok ? total + read.amount : total), 0n);

/**
 * Each wallet's balance in its associated token account (0 when it has none) and in the accounts its
 * remembered search found, 100 accounts a request; a wallet any of whose accounts failed reads as failed.
 */
async function readAssociated(
  rpc: SolanaRpc,
  mint: PublicKey,
  programId: PublicKey,
  owners: Map<string, PublicKey>,
  concurrency: number,
  remembered: (wallet: string) => RememberedSearch | undefined,
): Promise<Map<string, WalletRead>> {
  const mintText = mint.toBase58();
  const accounts: Array<{ wallet: string; key: PublicKey }> = [];
  for (const [wallet, owner] of owners) {
    accounts.push({ wallet, key: associatedAddress(mint, mintText, owner, wallet, programId) });
    for (const other of remembered(wallet)?.accounts ?? []) {
      const key = parseSolanaAddress(other);
      if (key) accounts.push({ wallet, key });
    }
  }
  const reads = new Map<string, WalletRead>(
    [...owners.keys()].map((wallet) => [wallet, { ok: true, amount: 0n }]),
  );
  const chunks: number[] = [];
  for (let start = 0; start < accounts.length; start += ACCOUNTS_PER_REQUEST) chunks.push(start);
  await eachLimited(chunks, concurrency, async (start) => {
    const chunk = accounts.slice(start, start + ACCOUNTS_PER_REQUEST);
    const answer = await rpc.call((connection) =>
      connection.getMultipleAccountsInfo(chunk.map((account) => account.key)),
    );
    chunk.forEach(({ wallet, key }, offset) => {
      const read = reads.get(wallet) as WalletRead;
      if (!answer.ok || !read.ok) {
        reads.set(wallet, { ok: false });
        return;
      }
      const account = answer.value[offset] ?? null;
      const amount = account ? amountOf(key, account, mint, owners.get(wallet) as PublicKey) : 0n;
      reads.set(wallet, { ok: true, amount: read.amount + amount });
    });
  });
  return reads;
}

type SearchRead = { ok: true; amount: bigint; others: string[] } | { ok: false };

/** Each wallet's total over all its token accounts of the mint, and those other than its associated one. */
async function searchOwners(
  rpc: SolanaRpc,
  mint: PublicKey,
  programId: PublicKey,
  owners: Array<[string, PublicKey]>,
  concurrency: number,
): Promise<Map<string, SearchRead>> {
  const reads = new Map<string, SearchRead>();
  const mintText = mint.toBase58();
  await eachLimited(owners, concurrency, async ([wallet, owner]) => {
    const answer = await rpc.call((connection) => connection.getTokenAccountsByOwner(owner, { mint }));
    if (!answer.ok) {
      reads.set(wallet, { ok: false });
      return;
    }
    const associated = associatedAddress(mint, mintText, owner, wallet, programId);
    let total = 0n;
    const others: string[] = [];
    for (const { pubkey, account } of answer.value.value) {
      const amount = amountOf(pubkey, account, mint, owner);
      total += amount;
      if (!pubkey.equals(associated)) others.push(pubkey.toBase58());
    }
    reads.set(wallet, { ok: true, amount: total, others });
  });
  return reads;
}

/** A token account's amount if it is one of `mint`'s, owned by `owner`; 0 for anything else. */
function amountOf(
  address: PublicKey,
  account: AccountInfo<Buffer>,
  mint: PublicKey,
  owner: PublicKey,
): bigint {
  if (!programOf(account.owner)) return 0n;
  try {
    const decoded = unpackAccount(address, account, account.owner);
    // An SPL Token account's owner can be reassigned: such an account belongs to its new owner now.
    return decoded.mint.equals(mint) && decoded.owner.equals(owner) ? decoded.amount : 0n;
  } catch {
    return 0n;
  }
}

// Deriving an associated address hashes until it finds an off-curve point (~0.5 ms); re-verification
// asks for the same wallets again and again, so the addresses are remembered (bounded).
const associatedCache = new Map<string, PublicKey>();
const ASSOCIATED_CACHE_SIZE = 100_000;

function associatedAddress(
  mint: PublicKey,
  mintText: string,
  owner: PublicKey,
  ownerText: string,
  programId: PublicKey,
): PublicKey {
  const key = `${mintText}:${ownerText}`;
  const cached = associatedCache.get(key);
  if (cached) return cached;
  // Any owner, on the curve or not: a wallet may be a program's address (a multisig vault).
  const found = associatedTokenAddress(mint, owner, programId);
  if (associatedCache.size >= ASSOCIATED_CACHE_SIZE)
    associatedCache.delete(associatedCache.keys().next().value as string);
  associatedCache.set(key, found);
  return found;
}

async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await run(item);
    }
  });
  await Promise.all(workers);
}
