// How the fake's RPC writes accounts: base64/base58 as the real RPC does, and jsonParsed for the
// token programs' mints and token accounts (everything else falls back to base64, as on a cluster).
import { getBase58Decoder, type Address, type MaybeEncodedAccount } from "@solana/kit";
import {
  decodeMint,
  decodeTokenAccount,
  TOKEN_2022_PROGRAM,
  TOKEN_PROGRAM,
  tokenAccountKind,
  uiAmountString,
} from "./token-layout.ts";

export type AccountEncoding = "base64" | "base58" | "jsonParsed";

export interface EncodedAccountJson {
  data: [string, string] | { program: string; parsed: unknown; space: number };
  executable: boolean;
  lamports: number;
  owner: string;
  rentEpoch: number;
  space: number;
}

const base58 = getBase58Decoder();

export function encodingOf(config: unknown): AccountEncoding {
  const encoding = (config as { encoding?: unknown } | undefined)?.encoding ?? "base64";
  if (encoding === "base64" || encoding === "base58" || encoding === "jsonParsed") return encoding;
  throw new RpcMethodError(-32602, `Invalid params: unsupported encoding ${String(encoding)}`);
}

export class RpcMethodError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export function accountJson(
  account: MaybeEncodedAccount,
  encoding: AccountEncoding,
  decimalsOfMint: (mint: Address) => number | null,
): EncodedAccountJson | null {
  if (!account.exists) return null;
  const data = account.data;
  const base = {
    executable: account.executable,
    lamports: Number(account.lamports),
    owner: account.programAddress,
    // The real RPC sends u64::MAX for rent-exempt accounts; web3.js only checks it is a number.
    rentEpoch: 0,
    space: data.length,
  };
  if (encoding === "jsonParsed") {
    const parsed = parsedTokenData(account.programAddress, data, decimalsOfMint);
    if (parsed) return { ...base, data: parsed };
  }
  if (encoding === "base58") return { ...base, data: [base58.decode(data), "base58"] };
  return { ...base, data: [Buffer.from(data).toString("base64"), "base64"] };
}

function parsedTokenData(
  owner: Address,
  data: Uint8Array,
  decimalsOfMint: (mint: Address) => number | null,
): { program: string; parsed: unknown; space: number } | null {
  if (owner !== TOKEN_PROGRAM && owner !== TOKEN_2022_PROGRAM) return null;
  const program = owner === TOKEN_PROGRAM ? "spl-token" : "spl-token-2022";
  const kind = tokenAccountKind(data);
  if (kind === "mint") {
    const mint = decodeMint(data);
    const info: Record<string, unknown> = {
      decimals: mint.decimals,
      freezeAuthority: mint.freezeAuthority,
      isInitialized: mint.isInitialized,
      mintAuthority: mint.mintAuthority,
      supply: mint.supply.toString(),
    };
    if (mint.extensions.length > 0) info.extensions = mint.extensions.map((extension) => ({ extension }));
    return { program, parsed: { info, type: "mint" }, space: data.length };
  }
  if (kind === "account") {
    const account = decodeTokenAccount(data);
    const decimals = decimalsOfMint(account.mint);
    if (decimals === null) return null;
    const tokenAmount = (amount: bigint) => ({
      amount: amount.toString(),
      decimals,
      uiAmount: Number(amount) / 10 ** decimals,
      uiAmountString: uiAmountString(amount, decimals),
    });
    const info: Record<string, unknown> = {
      isNative: account.isNative,
      mint: account.mint,
      owner: account.owner,
      state: account.state,
      tokenAmount: tokenAmount(account.amount),
    };
    if (account.delegate) {
      info.delegate = account.delegate;
      info.delegatedAmount = tokenAmount(account.delegatedAmount);
    }
    if (account.closeAuthority) info.closeAuthority = account.closeAuthority;
    if (account.extensions.length > 0)
      info.extensions = account.extensions.map((extension) => ({ extension }));
    return { program, parsed: { info, type: "account" }, space: data.length };
  }
  return null;
}
