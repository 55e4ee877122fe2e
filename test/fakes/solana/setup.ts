// Test set-up on the fake chain: mints of both token programs, wallets, associated and extra token
// accounts, and mint/transfer/burn between checks. Real token-program transactions built with
// @solana/kit and run through the same decode path as sendTransaction; `putTokenAccount` writes
// accounts directly for benchmarks that need thousands of them.
import {
  AccountRole,
  appendTransactionMessageInstructions,
  createTransactionMessage,
  generateKeyPairSigner,
  getAddressEncoder,
  getProgramDerivedAddress,
  getTransactionEncoder,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type AccountMeta,
  type AccountSignerMeta,
  type Address,
  type Blockhash,
  type Instruction,
  type KeyPairSigner,
} from "@solana/kit";
import type { FakeChain } from "./chain.ts";
import {
  ACCOUNT_SIZE,
  ASSOCIATED_TOKEN_PROGRAM,
  decodeMint,
  encodeTokenAccount,
  MINT_SIZE,
  programAddressOf,
  SYSTEM_PROGRAM,
  withSupply,
  type TokenProgramName,
} from "./token-layout.ts";

type SignedInstruction = Instruction<string, readonly (AccountMeta | AccountSignerMeta)[]>;

const COMPUTE_BUDGET_PROGRAM = "ComputeBudget111111111111111111111111111111" as Address;
const SOL = 1_000_000_000n;

export interface FakeMint {
  address: Address;
  program: TokenProgramName;
  programAddress: Address;
  decimals: number;
}

export interface FakeWallet {
  address: Address;
  signer: KeyPairSigner;
}

const addressBytes = getAddressEncoder();
const transactionEncoder = getTransactionEncoder();

function u64(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value, true);
  return bytes;
}

export class ChainSetup {
  #payer!: KeyPairSigner;
  // Signatures are deterministic: two identical transactions would be one (AlreadyProcessed).
  #nonce = 0;

  constructor(readonly chain: FakeChain) {}

  async init(): Promise<void> {
    this.#payer = await generateKeyPairSigner();
    this.chain.airdrop(this.#payer.address, 100_000n * SOL);
  }

  /** The fee payer and mint authority of everything set up here. */
  get payer(): KeyPairSigner {
    return this.#payer;
  }

  /** A new wallet with 1 SOL, which can sign transfers and burns of its tokens. */
  async wallet(): Promise<FakeWallet> {
    const signer = await generateKeyPairSigner();
    this.chain.airdrop(signer.address, SOL);
    return { address: signer.address, signer };
  }

  async createMint(options: { program: TokenProgramName; decimals: number }): Promise<FakeMint> {
    const mint = await generateKeyPairSigner();
    const programAddress = programAddressOf(options.program);
    const rent = this.chain.svm.minimumBalanceForRentExemption(BigInt(MINT_SIZE));
    // InitializeMint2: decimals, the payer as mint authority, no freeze authority.
    const initialize = new Uint8Array([20, options.decimals, ...addressBytes.encode(this.#payer.address), 0]);
    await this.#send([
      createAccount(this.#payer, mint, rent, MINT_SIZE, programAddress),
      { programAddress, accounts: [{ address: mint.address, role: AccountRole.WRITABLE }], data: initialize },
    ]);
    return { address: mint.address, program: options.program, programAddress, decimals: options.decimals };
  }

  async associatedAddress(mint: FakeMint, owner: Address): Promise<Address> {
    const [found] = await getProgramDerivedAddress({
      programAddress: ASSOCIATED_TOKEN_PROGRAM,
      seeds: [
        addressBytes.encode(owner),
        addressBytes.encode(mint.programAddress),
        addressBytes.encode(mint.address),
      ],
    });
    return found;
  }

  /** Creates (idempotently) the owner's associated token account, as wallets do. */
  async associatedTokenAccount(mint: FakeMint, owner: Address): Promise<Address> {
    const account = await this.associatedAddress(mint, owner);
    await this.#send([
      {
        programAddress: ASSOCIATED_TOKEN_PROGRAM,
        accounts: [
          { address: this.#payer.address, role: AccountRole.WRITABLE_SIGNER, signer: this.#payer },
          { address: account, role: AccountRole.WRITABLE },
          { address: owner, role: AccountRole.READONLY },
          { address: mint.address, role: AccountRole.READONLY },
          { address: SYSTEM_PROGRAM, role: AccountRole.READONLY },
          { address: mint.programAddress, role: AccountRole.READONLY },
        ],
        data: new Uint8Array([1]), // CreateIdempotent
      },
    ]);
    return account;
  }

  /** A token account at a fresh address (not the associated one), owned by `owner`. */
  async extraTokenAccount(mint: FakeMint, owner: Address): Promise<Address> {
    const account = await generateKeyPairSigner();
    const rent = this.chain.svm.minimumBalanceForRentExemption(BigInt(ACCOUNT_SIZE));
    await this.#send([
      createAccount(this.#payer, account, rent, ACCOUNT_SIZE, mint.programAddress),
      {
        programAddress: mint.programAddress,
        accounts: [
          { address: account.address, role: AccountRole.WRITABLE },
          { address: mint.address, role: AccountRole.READONLY },
        ],
        data: new Uint8Array([18, ...addressBytes.encode(owner)]), // InitializeAccount3
      },
    ]);
    return account.address;
  }

  async mintTo(mint: FakeMint, account: Address, amount: bigint): Promise<void> {
    await this.#send([
      {
        programAddress: mint.programAddress,
        accounts: [
          { address: mint.address, role: AccountRole.WRITABLE },
          { address: account, role: AccountRole.WRITABLE },
          { address: this.#payer.address, role: AccountRole.READONLY_SIGNER, signer: this.#payer },
        ],
        data: new Uint8Array([7, ...u64(amount)]), // MintTo
      },
    ]);
  }

  async transfer(
    mint: FakeMint,
    from: Address,
    to: Address,
    owner: FakeWallet,
    amount: bigint,
  ): Promise<void> {
    await this.#send([
      {
        programAddress: mint.programAddress,
        accounts: [
          { address: from, role: AccountRole.WRITABLE },
          { address: mint.address, role: AccountRole.READONLY },
          { address: to, role: AccountRole.WRITABLE },
          { address: owner.address, role: AccountRole.READONLY_SIGNER, signer: owner.signer },
        ],
        data: new Uint8Array([12, ...u64(amount), mint.decimals]), // TransferChecked
      },
    ]);
  }

  async burn(mint: FakeMint, account: Address, owner: FakeWallet, amount: bigint): Promise<void> {
    await this.#send([
      {
        programAddress: mint.programAddress,
        accounts: [
          { address: account, role: AccountRole.WRITABLE },
          { address: mint.address, role: AccountRole.WRITABLE },
          { address: owner.address, role: AccountRole.READONLY_SIGNER, signer: owner.signer },
        ],
        data: new Uint8Array([15, ...u64(amount), mint.decimals]), // BurnChecked
      },
    ]);
  }

  /**
   * Writes a token account straight into the runtime (no transaction) and adds its amount to the
   * mint's supply: for benchmarks that need thousands. `associated` puts it at the owner's
   * associated address; otherwise at `at` (any unused address).
   */
  async putTokenAccount(
    mint: FakeMint,
    owner: Address,
    amount: bigint,
    where: { associated: true } | { at: Address },
  ): Promise<Address> {
    const account = "at" in where ? where.at : await this.associatedAddress(mint, owner);
    const immutableOwner = mint.program === "token-2022" && "associated" in where;
    const data = encodeTokenAccount(mint.address, owner, amount, { immutableOwner });
    const svm = this.chain.svm;
    svm.setAccount({
      address: account,
      data,
      executable: false,
      lamports: lamports(svm.minimumBalanceForRentExemption(BigInt(data.length))),
      programAddress: mint.programAddress,
      space: BigInt(data.length),
    });
    const mintAccount = svm.getAccount(mint.address);
    if (!mintAccount.exists) throw new Error(`mint ${mint.address} does not exist`);
    svm.setAccount({
      ...mintAccount,
      data: withSupply(mintAccount.data, decodeMint(mintAccount.data).supply + amount),
    });
    this.chain.touched();
    return account;
  }

  async #send(instructions: SignedInstruction[]): Promise<string> {
    this.#nonce += 1;
    const unique: SignedInstruction = {
      programAddress: COMPUTE_BUDGET_PROGRAM,
      data: new Uint8Array([2, ...u32(200_000 + this.#nonce)]), // SetComputeUnitLimit
    };
    const message = pipe(
      createTransactionMessage({ version: "legacy" }),
      (draft) => setTransactionMessageFeePayerSigner(this.#payer, draft),
      (draft) =>
        setTransactionMessageLifetimeUsingBlockhash(
          {
            blockhash: this.chain.svm.latestBlockhash() as Blockhash,
            lastValidBlockHeight: BigInt(this.chain.slot + 150),
          },
          draft,
        ),
      (draft) => appendTransactionMessageInstructions([unique, ...instructions], draft),
    );
    const signed = await signTransactionMessageWithSigners(message);
    return this.chain.sendWire(new Uint8Array(transactionEncoder.encode(signed)));
  }
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

function createAccount(
  payer: KeyPairSigner,
  account: KeyPairSigner,
  rent: bigint,
  space: number,
  owner: Address,
): SignedInstruction {
  const data = new Uint8Array([
    0,
    0,
    0,
    0,
    ...u64(rent),
    ...u64(BigInt(space)),
    ...addressBytes.encode(owner),
  ]);
  return {
    programAddress: SYSTEM_PROGRAM,
    accounts: [
      { address: payer.address, role: AccountRole.WRITABLE_SIGNER, signer: payer },
      { address: account.address, role: AccountRole.WRITABLE_SIGNER, signer: account },
    ],
    data,
  };
}
