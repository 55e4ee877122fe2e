// SPL Token and Token-2022 account layouts, by hand: the fake needs them to answer `jsonParsed`
// requests and to write accounts directly for benchmarks, and tests cannot import spl-token
// (it is a dependency of @memebot/solana only).
import { getAddressDecoder, getAddressEncoder, type Address, type ReadonlyUint8Array } from "@solana/kit";

export const TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA" as Address;
export const TOKEN_2022_PROGRAM = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb" as Address;
export const ASSOCIATED_TOKEN_PROGRAM = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL" as Address;
export const SYSTEM_PROGRAM = "11111111111111111111111111111111" as Address;

export type TokenProgramName = "spl-token" | "token-2022";

export const programAddressOf = (program: TokenProgramName): Address =>
  program === "spl-token" ? TOKEN_PROGRAM : TOKEN_2022_PROGRAM;

export const MINT_SIZE = 82;
export const ACCOUNT_SIZE = 165;
// Token-2022 puts an account-type byte after the base account (165 bytes), then TLV extensions;
// a mint with extensions is padded to 165 bytes first.
const ACCOUNT_TYPE_MINT = 1;
const ACCOUNT_TYPE_ACCOUNT = 2;

export interface MintState {
  mintAuthority: Address | null;
  supply: bigint;
  decimals: number;
  isInitialized: boolean;
  freezeAuthority: Address | null;
  extensions: string[];
}

export interface TokenAccountState {
  mint: Address;
  owner: Address;
  amount: bigint;
  delegate: Address | null;
  state: "uninitialized" | "initialized" | "frozen";
  isNative: boolean;
  delegatedAmount: bigint;
  closeAuthority: Address | null;
  extensions: string[];
}

const addressDecoder = getAddressDecoder();
const addressEncoder = getAddressEncoder();

const readAddress = (data: ReadonlyUint8Array, offset: number): Address =>
  addressDecoder.decode(data.subarray(offset, offset + 32));

const view = (data: ReadonlyUint8Array) => new DataView(data.buffer, data.byteOffset, data.byteLength);

// Token-2022 extension type numbers (spl-token-2022's ExtensionType), named as the RPC's jsonParsed does.
const EXTENSION_NAMES: Record<number, string> = {
  1: "transferFeeConfig",
  2: "transferFeeAmount",
  3: "mintCloseAuthority",
  4: "confidentialTransferMint",
  5: "confidentialTransferAccount",
  6: "defaultAccountState",
  7: "immutableOwner",
  8: "memoTransfer",
  9: "nonTransferable",
  10: "interestBearingConfig",
  11: "cpiGuard",
  12: "permanentDelegate",
  13: "nonTransferableAccount",
  14: "transferHook",
  15: "transferHookAccount",
  18: "metadataPointer",
  19: "tokenMetadata",
  20: "groupPointer",
  21: "tokenGroup",
  22: "groupMemberPointer",
  23: "tokenGroupMember",
};

function extensionsOf(data: ReadonlyUint8Array): string[] {
  const names: string[] = [];
  let offset = ACCOUNT_SIZE + 1;
  while (offset + 4 <= data.length) {
    const type = view(data).getUint16(offset, true);
    const length = view(data).getUint16(offset + 2, true);
    if (type === 0) break;
    names.push(EXTENSION_NAMES[type] ?? "unparseableExtension");
    offset += 4 + length;
  }
  return names;
}

/** What a token program's account holds: a mint, a token account, or neither (multisig, garbage). */
export function tokenAccountKind(data: ReadonlyUint8Array): "mint" | "account" | null {
  if (data.length === MINT_SIZE) return "mint";
  if (data.length === ACCOUNT_SIZE) return "account";
  if (data.length > ACCOUNT_SIZE) {
    if (data[ACCOUNT_SIZE] === ACCOUNT_TYPE_MINT) return "mint";
    if (data[ACCOUNT_SIZE] === ACCOUNT_TYPE_ACCOUNT) return "account";
  }
  return null;
}

export function decodeMint(data: ReadonlyUint8Array): MintState {
  const dv = view(data);
  return {
    mintAuthority: dv.getUint32(0, true) === 1 ? readAddress(data, 4) : null,
    supply: dv.getBigUint64(36, true),
    decimals: data[44] as number,
    isInitialized: data[45] === 1,
    freezeAuthority: dv.getUint32(46, true) === 1 ? readAddress(data, 50) : null,
    extensions: data.length > ACCOUNT_SIZE ? extensionsOf(data) : [],
  };
}

const ACCOUNT_STATES = ["uninitialized", "initialized", "frozen"] as const;

export function decodeTokenAccount(data: ReadonlyUint8Array): TokenAccountState {
  const dv = view(data);
  return {
    mint: readAddress(data, 0),
    owner: readAddress(data, 32),
    amount: dv.getBigUint64(64, true),
    delegate: dv.getUint32(72, true) === 1 ? readAddress(data, 76) : null,
    state: ACCOUNT_STATES[data[108] as number] ?? "uninitialized",
    isNative: dv.getUint32(109, true) === 1,
    delegatedAmount: dv.getBigUint64(121, true),
    closeAuthority: dv.getUint32(129, true) === 1 ? readAddress(data, 133) : null,
    extensions: data.length > ACCOUNT_SIZE ? extensionsOf(data) : [],
  };
}

/**
 * An initialized token account (no delegate) as the token program would write it; Token-2022's
 * associated token program adds the ImmutableOwner extension.
 */
export function encodeTokenAccount(
  mint: Address,
  owner: Address,
  amount: bigint,
  options: { immutableOwner?: boolean } = {},
): Uint8Array {
  const data = new Uint8Array(options.immutableOwner ? ACCOUNT_SIZE + 5 : ACCOUNT_SIZE);
  if (options.immutableOwner) {
    data[ACCOUNT_SIZE] = ACCOUNT_TYPE_ACCOUNT;
    data[ACCOUNT_SIZE + 1] = 7; // ImmutableOwner, with no data
  }
  data.set(addressEncoder.encode(mint), 0);
  data.set(addressEncoder.encode(owner), 32);
  view(data).setBigUint64(64, amount, true);
  data[108] = 1;
  return data;
}

/** Rewrites a mint's supply in place (the fast path that skips transactions). */
export function withSupply(data: ReadonlyUint8Array, supply: bigint): Uint8Array {
  const copy = new Uint8Array(data);
  view(copy).setBigUint64(36, supply, true);
  return copy;
}

/** The decimal text of an amount, as the RPC's uiAmountString writes it ("1.5", "0.000001", "12"). */
export function uiAmountString(amount: bigint, decimals: number): string {
  if (decimals === 0) return amount.toString();
  const digits = amount.toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, -decimals);
  const fraction = digits.slice(-decimals).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}
