// How much of a mint each holder (a member with linked wallets) has: the sum over their wallets and
// all of those wallets' token accounts for the mint. Cheap first: the associated token accounts of
// many wallets go 100 to a getMultipleAccounts request, and only holders that fall short of `enough`
// that way are searched with getTokenAccountsByOwner, wallet by wallet. A failed request never
// reads as a zero balance: the holder's result says the chain could not be read.
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

  const fromAssociated = await readAssociated(rpc, mint, programId, owners, concurrency);

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
    [...new Set(short.flatMap((holder) => holder.wallets))].map((wallet) => [
      wallet,
      owners.get(wallet) as PublicKey,
    ]),
    concurrency,
  );
  for (const holder of short) {
    const reads = holder.wallets.map((wallet) => searched.get(wallet) as WalletRead);
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

/** Each wallet's associated token account balance (0 when it has none), 100 accounts a request. */
async function readAssociated(
  rpc: SolanaRpc,
  mint: PublicKey,
  programId: PublicKey,
  owners: Map<string, PublicKey>,
  concurrency: number,
): Promise<Map<string, WalletRead>> {
  const wallets = [...owners.keys()];
  const mintText = mint.toBase58();
  const addresses = wallets.map((wallet) =>
    associatedAddress(mint, mintText, owners.get(wallet) as PublicKey, wallet, programId),
  );
  const reads = new Map<string, WalletRead>();
  const chunks: number[] = [];
  for (let start = 0; start < wallets.length; start += ACCOUNTS_PER_REQUEST) chunks.push(start);
  await eachLimited(chunks, concurrency, async (start) => {
    const keys = addresses.slice(start, start + ACCOUNTS_PER_REQUEST);
    const answer = await rpc.call((connection) => connection.getMultipleAccountsInfo(keys));
    keys.forEach((key, offset) => {
      const wallet = wallets[start + offset] as string;
      if (!answer.ok) {
        reads.set(wallet, { ok: false });
        return;
      }
      const account = answer.value[offset] ?? null;
      reads.set(wallet, {
        ok: true,
        amount: account ? amountOf(key, account, mint, owners.get(wallet) as PublicKey) : 0n,
      });
    });
  });
  return reads;
}

/** Each wallet's total over all its token accounts of the mint, either token program. */
async function searchOwners(
  rpc: SolanaRpc,
  mint: PublicKey,
  owners: Array<[string, PublicKey]>,
  concurrency: number,
): Promise<Map<string, WalletRead>> {
  const reads = new Map<string, WalletRead>();
  await eachLimited(owners, concurrency, async ([wallet, owner]) => {
    const answer = await rpc.call((connection) => connection.getTokenAccountsByOwner(owner, { mint }));
    if (!answer.ok) {
      reads.set(wallet, { ok: false });
      return;
    }
    let total = 0n;
    for (const { pubkey, account } of answer.value.value) total += amountOf(pubkey, account, mint, owner);
    reads.set(wallet, { ok: true, amount: total });
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
