// The fake's chain: LiteSVM plus what an RPC node keeps beside the runtime (signature statuses, an
// index of token accounts by owner), and the JSON-RPC methods web3.js's Connection and spl-token call.
import {
  address,
  getBase58Decoder,
  getBase58Encoder,
  getTransactionDecoder,
  lamports,
  type Address,
  type Transaction,
} from "@solana/kit";
import { FailedTransactionMetadata, LiteSVM } from "litesvm";
import { accountJson, encodingOf, RpcMethodError, type AccountEncoding } from "./accounts.ts";
import { transactionErrorJson } from "./errors.ts";
import {
  decodeMint,
  decodeTokenAccount,
  TOKEN_2022_PROGRAM,
  TOKEN_PROGRAM,
  tokenAccountKind,
} from "./token-layout.ts";

export interface SignatureStatus {
  slot: number;
  err: unknown;
  logs: string[];
}

type Params = unknown[];

const base58 = getBase58Decoder();
const base58Encoder = getBase58Encoder();
const transactionDecoder = getTransactionDecoder();

/** The real RPC's limit for getMultipleAccounts. */
export const MAX_MULTIPLE_ACCOUNTS = 100;

export class FakeChain {
  readonly svm: LiteSVM;
  readonly statuses = new Map<string, SignatureStatus>();
  /** Token accounts by owner; rebuilt lazily after anything may have changed them. */
  #ownerIndex: Map<string, Address[]> | null = null;
  /** Subscribers told when a signature gets a status (the WebSocket's signatureSubscribe). */
  readonly onStatus = new Set<(signature: string, status: SignatureStatus) => void>();

  constructor() {
    // Plenty for requestAirdrop: LiteSVM pays airdrops from an account of its own.
    this.svm = new LiteSVM().withLamports(1_000_000_000n * 1_000_000_000n);
  }

  get slot(): number {
    return Number(this.svm.getClock().slot);
  }

  /** Call after writing accounts directly with svm.setAccount. */
  touched(): void {
    this.#ownerIndex = null;
  }

  /** Runs a signed transaction's wire bytes, as sendTransaction does. Throws RpcMethodError when preflight fails. */
  sendWire(bytes: Uint8Array, options: { skipPreflight?: boolean } = {}): string {
    let transaction: Transaction;
    try {
      transaction = transactionDecoder.decode(bytes);
    } catch (error) {
      throw new RpcMethodError(-32602, `invalid transaction: ${(error as Error).message}`);
    }
    const firstSignature = Object.values(transaction.signatures)[0];
    if (!firstSignature) throw new RpcMethodError(-32602, "invalid transaction: no signatures");
    const signature = base58.decode(firstSignature);
    const result = this.svm.sendTransaction(transaction);
    this.touched();
    if (result instanceof FailedTransactionMetadata) {
      const err = transactionErrorJson(result);
      const logs = result.meta().logs();
      if (!options.skipPreflight) {
        // What a cluster's preflight answers; web3.js turns it into a SendTransactionError with the logs.
        throw new RpcMethodError(-32002, `Transaction simulation failed: ${JSON.stringify(err)}`, {
          err,
          logs,
          accounts: null,
          unitsConsumed: 0,
          returnData: null,
        });
      }
      this.#record(signature, { slot: this.slot, err, logs });
      return signature;
    }
    this.#record(signature, { slot: this.slot, err: null, logs: result.logs() });
    return signature;
  }

  airdrop(to: Address, amount: bigint): string {
    const result = this.svm.airdrop(to, lamports(amount));
    this.touched();
    if (!result || result instanceof FailedTransactionMetadata) {
      throw new RpcMethodError(
        -32603,
        `airdrop failed: ${result ? JSON.stringify(transactionErrorJson(result)) : "no result"}`,
      );
    }
    const signature = base58.decode(result.signature());
    this.#record(signature, { slot: this.slot, err: null, logs: result.logs() });
    return signature;
  }

  #record(signature: string, status: SignatureStatus): void {
    this.statuses.set(signature, status);
    for (const listener of this.onStatus) listener(signature, status);
  }

  decimalsOfMint = (mint: Address): number | null => {
    const account = this.svm.getAccount(mint);
    if (!account.exists || tokenAccountKind(account.data) !== "mint") return null;
    return decodeMint(account.data).decimals;
  };

  /** Token accounts (both programs) whose owner field is `owner`. */
  tokenAccountsOf(owner: Address): Address[] {
    if (!this.#ownerIndex) {
      const index = new Map<string, Address[]>();
      for (const program of [TOKEN_PROGRAM, TOKEN_2022_PROGRAM]) {
        for (const account of this.svm.getProgramAccounts(program)) {
          if (tokenAccountKind(account.data) !== "account") continue;
          const holder = decodeTokenAccount(account.data).owner;
          const list = index.get(holder);
          if (list) list.push(account.address);
          else index.set(holder, [account.address]);
        }
      }
      this.#ownerIndex = index;
    }
    return this.#ownerIndex.get(owner) ?? [];
  }

  /** Answers one JSON-RPC call; throws RpcMethodError for JSON-RPC errors. */
  call(method: string, params: Params): unknown {
    const handler = this.#methods[method];
    if (!handler) throw new RpcMethodError(-32601, "Method not found");
    return handler(params);
  }

  #context = () => ({ slot: this.slot, apiVersion: "2.2.0" });

  #account(addressText: unknown, encoding: AccountEncoding) {
    return accountJson(this.svm.getAccount(addressParam(addressText)), encoding, this.decimalsOfMint);
  }

  readonly #methods: Record<string, (params: Params) => unknown> = {
    getHealth: () => "ok",
    getVersion: () => ({ "solana-core": "2.2.0", "feature-set": 0 }),
    getGenesisHash: () => "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG",
    getSlot: () => this.slot,
    getBlockHeight: () => this.slot,
    getEpochInfo: () => ({
      absoluteSlot: this.slot,
      blockHeight: this.slot,
      epoch: Number(this.svm.getClock().epoch),
      slotIndex: 0,
      slotsInEpoch: 432_000,
      transactionCount: this.statuses.size,
    }),
    getLatestBlockhash: () => ({
      context: this.#context(),
      value: { blockhash: this.svm.latestBlockhash(), lastValidBlockHeight: this.slot + 150 },
    }),
    isBlockhashValid: ([blockhash]) => ({
      context: this.#context(),
      value: blockhash === this.svm.latestBlockhash(),
    }),
    getFeeForMessage: () => ({ context: this.#context(), value: 5000 }),
    getMinimumBalanceForRentExemption: ([size]) =>
      Number(this.svm.minimumBalanceForRentExemption(BigInt(Number(size ?? 0)))),
    getBalance: ([who]) => ({
      context: this.#context(),
      value: Number(this.svm.getBalance(addressParam(who)) ?? 0n),
    }),
    requestAirdrop: ([to, amount]) => this.airdrop(addressParam(to), BigInt(Number(amount))),
    sendTransaction: ([wire, config]) => {
      const options = (config ?? {}) as { encoding?: string; skipPreflight?: boolean };
      if (typeof wire !== "string") throw new RpcMethodError(-32602, "invalid transaction");
      const bytes =
        options.encoding === "base64"
          ? Buffer.from(wire, "base64")
          : new Uint8Array(base58Encoder.encode(wire));
      return this.sendWire(bytes, options);
    },
    getSignatureStatuses: ([signatures]) => ({
      context: this.#context(),
      value: (Array.isArray(signatures) ? signatures : []).map((signature) => {
        const status = this.statuses.get(String(signature));
        if (!status) return null;
        return {
          slot: status.slot,
          confirmations: null,
          err: status.err,
          status: status.err === null ? { Ok: null } : { Err: status.err },
          confirmationStatus: "finalized",
        };
      }),
    }),
    getAccountInfo: ([who, config]) => ({
      context: this.#context(),
      value: this.#account(who, encodingOf(config)),
    }),
    getMultipleAccounts: ([addresses, config]) => {
      if (!Array.isArray(addresses))
        throw new RpcMethodError(-32602, "Invalid params: expected an array of addresses");
      if (addresses.length > MAX_MULTIPLE_ACCOUNTS) {
        throw new RpcMethodError(-32602, `Too many inputs provided; max ${MAX_MULTIPLE_ACCOUNTS}`);
      }
      const encoding = encodingOf(config);
      return { context: this.#context(), value: addresses.map((who) => this.#account(who, encoding)) };
    },
    getTokenAccountsByOwner: ([owner, filter, config]) => {
      const encoding = encodingOf(config);
      const programs = this.#programsOf(filter);
      const mint = (filter as { mint?: string }).mint;
      const value = this.tokenAccountsOf(addressParam(owner)).flatMap((pubkey) => {
        const account = this.svm.getAccount(pubkey);
        if (!account.exists || !programs.includes(account.programAddress)) return [];
        if (mint !== undefined && decodeTokenAccount(account.data).mint !== mint) return [];
        return [{ pubkey, account: accountJson(account, encoding, this.decimalsOfMint) }];
      });
      return { context: this.#context(), value };
    },
  };

  /** The token program a getTokenAccountsByOwner filter selects, refused as a node refuses it. */
  #programsOf(filter: unknown): Address[] {
    const { mint, programId } = (filter ?? {}) as { mint?: unknown; programId?: unknown };
    if (typeof mint === "string") {
      const account = this.svm.getAccount(addressParam(mint));
      if (!account.exists || tokenAccountKind(account.data) !== "mint") {
        throw new RpcMethodError(-32602, "Invalid param: could not find mint");
      }
      return [account.programAddress];
    }
    if (programId === TOKEN_PROGRAM || programId === TOKEN_2022_PROGRAM) return [programId as Address];
    if (typeof programId === "string")
      throw new RpcMethodError(-32602, "Invalid param: unrecognized Token program id");
    throw new RpcMethodError(-32602, "Invalid params: expected a mint or programId filter");
  }
}

function addressParam(value: unknown): Address {
  try {
    return address(String(value));
  } catch {
    throw new RpcMethodError(-32602, `Invalid param: Invalid`);
  }
}
