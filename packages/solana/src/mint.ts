// What a gate needs to know about a mint before it takes amounts in it: its token program and
// decimals, read from the chain.
import type { PublicKey } from "@solana/web3.js";
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, unpackMint } from "@solana/spl-token";
import type { SolanaRpc } from "./rpc.ts";
import { parseSolanaAddress } from "./solana-address.ts";

export type TokenProgram = "spl-token" | "token-2022";

export interface MintInfo {
  address: string;
  program: TokenProgram;
  decimals: number;
  /** Base units. */
  supply: bigint;
}

export type ReadMintProblem =
  /** Not a base58 address of 32 bytes. */
  | "invalid_address"
  /** No account at that address. */
  | "not_found"
  /** An account, but not an initialized mint of SPL Token or Token-2022 (a wallet, a token account, a program). */
  | "not_a_mint"
  /** The RPC endpoints failed; worth asking again later. */
  | "rpc_error";

export type ReadMintResult = { ok: true; mint: MintInfo } | { ok: false; reason: ReadMintProblem };

export const programIdOf = (program: TokenProgram): PublicKey =>
  program === "spl-token" ? TOKEN_PROGRAM_ID : TOKEN_2022_PROGRAM_ID;

export function programOf(owner: PublicKey): TokenProgram | null {
  if (owner.equals(TOKEN_PROGRAM_ID)) return "spl-token";
  if (owner.equals(TOKEN_2022_PROGRAM_ID)) return "token-2022";
  return null;
}

export async function readMint(rpc: SolanaRpc, mintAddress: string): Promise<ReadMintResult> {
  const key = parseSolanaAddress(mintAddress);
  if (!key) return { ok: false, reason: "invalid_address" };
  const read = await rpc.call((connection) => connection.getAccountInfo(key));
  if (!read.ok) return { ok: false, reason: "rpc_error" };
  const account = read.value;
  if (account === null) return { ok: false, reason: "not_found" };
  const program = programOf(account.owner);
  if (!program) return { ok: false, reason: "not_a_mint" };
  try {
    // unpackMint checks the size and, for Token-2022, the account-type byte: a token account is refused.
    const mint = unpackMint(key, account, account.owner);
    if (!mint.isInitialized) return { ok: false, reason: "not_a_mint" };
    return {
      ok: true,
      mint: { address: key.toBase58(), program, decimals: mint.decimals, supply: mint.supply },
    };
  } catch {
    return { ok: false, reason: "not_a_mint" };
  }
}
