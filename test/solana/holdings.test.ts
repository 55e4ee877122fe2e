import {
  createOwnerSearchMemory,
  readHoldings,
  SolanaRpc,
  type HolderBalance,
  type HoldingsQuery,
} from "@memebot/solana/chain";
import { getAddressDecoder, type Address } from "@solana/kit";
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  startFakeSolanaRpc,
  type FakeMint,
  type FakeSolanaRpc,
  type FakeWallet,
} from "../fakes/solana-rpc.ts";

let fake: FakeSolanaRpc;
let rpc: SolanaRpc;
let splMint: FakeMint;
let mint2022: FakeMint;

beforeAll(async () => {
  fake = await startFakeSolanaRpc();
  splMint = await fake.setup.createMint({ program: "spl-token", decimals: 6 });
  mint2022 = await fake.setup.createMint({ program: "token-2022", decimals: 9 });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  rpc = new SolanaRpc({
    urls: [fake.url],
    requestsPerSecond: 10_000,
    burst: 100,
    cooldownMs: 0,
    timeoutMs: 2_000,
  });
  fake.resetCounts();
});

afterEach(() => fake.clearFailures());

const randomAddress = (): Address => getAddressDecoder().decode(randomBytes(32));

const query = (mint: FakeMint, holders: HoldingsQuery["holders"], enough: bigint): HoldingsQuery => ({
  mint: mint.address,
  program: mint.program,
  holders,
  enough,
});

/** A wallet holding `amounts`: the first in its associated account (unless null), the rest in extra accounts. */
async function walletWith(
  mint: FakeMint,
  associated: bigint | null,
  ...extra: bigint[]
): Promise<FakeWallet> {
  const wallet = await fake.setup.wallet();
  if (associated !== null) {
    const account = await fake.setup.associatedTokenAccount(mint, wallet.address);
    if (associated > 0n) await fake.setup.mintTo(mint, account, associated);
  }
  for (const amount of extra) {
    const account = await fake.setup.extraTokenAccount(mint, wallet.address);
    await fake.setup.mintTo(mint, account, amount);
  }
  return wallet;
}

describe("readHoldings", () => {
  for (const program of ["spl-token", "token-2022"] as const) {
    it(`sums every token account of every linked wallet (${program})`, async () => {
      const mint = program === "spl-token" ? splMint : mint2022;
      const first = await walletWith(mint, 100n, 50n, 25n);
      const second = await walletWith(mint, null, 30n);
      const empty = await fake.setup.wallet();
      fake.resetCounts();

      const holdings = await readHoldings(
        rpc,
        query(mint, [{ id: "member", wallets: [first.address, second.address, empty.address] }], 1_000n),
      );

      expect(holdings.get("member")).toEqual({ ok: true, amount: 205n, exact: true });
      expect(fake.calls).toEqual({ getMultipleAccounts: 1, getTokenAccountsByOwner: 3 });
    });
  }

  it("does not search a holder whose associated accounts already hold enough", async () => {
    const rich = await walletWith(splMint, 600n, 10n);
    const other = await walletWith(splMint, 500n);
    fake.resetCounts();

    const holdings = await readHoldings(
      rpc,
      query(splMint, [{ id: "m", wallets: [rich.address, other.address] }], 1_000n),
    );

    // At least 1100: the extra account is not read, since it cannot change the answer.
    expect(holdings.get("m")).toEqual({ ok: true, amount: 1_100n, exact: false });
    expect(fake.calls).toEqual({ getMultipleAccounts: 1 });
  });

  it("reads 250 wallets' associated accounts in 3 requests and searches only the 10 that fall short", async () => {
    const holders: Array<{ id: string; wallets: string[] }> = [];
    for (let index = 0; index < 250; index += 1) {
      const owner = randomAddress();
      const short = index % 25 === 0;
      await fake.setup.putTokenAccount(mint2022, owner, short ? 10n : 1_000n, { associated: true });
      // Half of the short ones hold the rest in another account.
      if (short && index % 50 === 0)
        await fake.setup.putTokenAccount(mint2022, owner, 2_000n, { at: randomAddress() });
      holders.push({ id: `h${index}`, wallets: [owner] });
    }
    fake.resetCounts();

    const holdings = await readHoldings(rpc, query(mint2022, holders, 1_000n));

    expect(fake.calls).toEqual({ getMultipleAccounts: 3, getTokenAccountsByOwner: 10 });
    expect(rpc.stats).toMatchObject({
      requests: 13,
      byMethod: { getMultipleAccounts: 3, getTokenAccountsByOwner: 10 },
    });
    const outcomes = new Map<string, number>();
    for (const balance of holdings.values()) {
      const key = JSON.stringify(balance, (_, value: unknown) =>
        typeof value === "bigint" ? `${value}` : value,
      );
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(outcomes)).toEqual({
      '{"ok":true,"amount":"1000","exact":false}': 240,
      '{"ok":true,"amount":"2010","exact":true}': 5,
      '{"ok":true,"amount":"10","exact":true}': 5,
    });
  });

  it("remembers searches: a wallet searched recently is read with its known accounts, not searched again", async () => {
    const memory = createOwnerSearchMemory();
    // Short in its associated account (10), the rest in two accounts of its own.
    const wallet = await walletWith(splMint, 10n, 400n, 600n);
    const remembered = (at: number, since?: number) =>
      readHoldings(rpc, {
        ...query(splMint, [{ id: "m", wallets: [wallet.address] }], 2_000n),
        memory,
        now: at,
        ...(since !== undefined ? { searchedSince: since } : {}),
      });

    // First check: searched, and its two other accounts remembered.
    expect((await remembered(1_000)).get("m")).toEqual({ ok: true, amount: 1_010n, exact: true });
    expect(fake.calls).toEqual({ getMultipleAccounts: 1, getTokenAccountsByOwner: 1 });
    expect(memory.get(`${splMint.address}:${wallet.address}`)?.accounts).toHaveLength(2);

    // A pass trusting searches since 500: the three accounts in one getMultipleAccounts, no search.
    fake.resetCounts();
    const extra = await fake.setup.extraTokenAccount(splMint, wallet.address);
    await fake.setup.mintTo(splMint, extra, 5_000n);
    expect((await remembered(2_000, 500)).get("m")).toEqual({ ok: true, amount: 1_010n, exact: true });
    expect(fake.calls).toEqual({ getMultipleAccounts: 1 });

    // Searches older than asked for are made again: the new account is found (and then enough).
    fake.resetCounts();
    expect((await remembered(3_000, 2_500)).get("m")).toEqual({ ok: true, amount: 6_010n, exact: true });
    expect(fake.calls).toEqual({ getMultipleAccounts: 1, getTokenAccountsByOwner: 1 });
    // Without searchedSince (a member's own /verify) the known accounts count and reach enough at once.
    fake.resetCounts();
    expect((await remembered(4_000)).get("m")).toEqual({ ok: true, amount: 6_010n, exact: false });
    expect(fake.calls).toEqual({ getMultipleAccounts: 1 });
  });

  it("follows balances that change between checks: transfers between accounts, burns, transfers away", async () => {
    const wallet = await walletWith(splMint, 500n);
    const ata = await fake.setup.associatedAddress(splMint, wallet.address);
    const extra = await fake.setup.extraTokenAccount(splMint, wallet.address);
    const friend = await walletWith(splMint, 0n);
    const friendAta = await fake.setup.associatedAddress(splMint, friend.address);
    const check = async () =>
      (await readHoldings(rpc, query(splMint, [{ id: "m", wallets: [wallet.address] }], 400n))).get("m");

    expect(await check()).toEqual({ ok: true, amount: 500n, exact: false });
    await fake.setup.transfer(splMint, ata, extra, wallet, 300n);
    // 200 in the associated account is short of 400; the search finds the other 300.
    expect(await check()).toEqual({ ok: true, amount: 500n, exact: true });
    await fake.setup.burn(splMint, extra, wallet, 100n);
    expect(await check()).toEqual({ ok: true, amount: 400n, exact: true });
    await fake.setup.transfer(splMint, extra, friendAta, wallet, 200n);
    expect(await check()).toEqual({ ok: true, amount: 200n, exact: true });
    await fake.setup.mintTo(splMint, ata, 1_000n);
    expect(await check()).toEqual({ ok: true, amount: 1_200n, exact: false });
  });

  describe("when the RPC fails", () => {
    let poor: FakeWallet;
    let rich: FakeWallet;
    const holders = () => [
      { id: "poor", wallets: [poor.address] },
      { id: "rich", wallets: [rich.address] },
    ];

    beforeAll(async () => {
      poor = await walletWith(splMint, 5n, 5n);
      rich = await walletWith(splMint, 5_000n);
    });

    const failed: HolderBalance = { ok: false, reason: "rpc_error" };

    it("gives failures, never zero balances, for HTTP 500s", async () => {
      fake.failNext(100, { kind: "status", status: 500 });
      const holdings = await readHoldings(rpc, query(splMint, holders(), 1_000n));
      expect(Object.fromEntries(holdings)).toEqual({ poor: failed, rich: failed });
    });

    it("gives failures for 429s, without web3.js's own retries on the same endpoint", async () => {
      fake.failNext(100, { kind: "status", status: 429, retryAfterSeconds: 1 });
      const holdings = await readHoldings(rpc, query(splMint, holders(), 1_000n));
      expect(Object.fromEntries(holdings)).toEqual({ poor: failed, rich: failed });
      // One getMultipleAccounts, then a search for each holder: nothing retried.
      expect(fake.httpRequests).toBe(3);
    });

    it("gives failures when the node never answers, once the time limit passes", async () => {
      rpc = new SolanaRpc({
        urls: [fake.url],
        requestsPerSecond: 10_000,
        burst: 100,
        cooldownMs: 0,
        timeoutMs: 200,
      });
      fake.failNext(100, { kind: "hang" });
      const holdings = await readHoldings(rpc, query(splMint, holders(), 1_000n));
      expect(Object.fromEntries(holdings)).toEqual({ poor: failed, rich: failed });
    });

    it("gives failures for JSON-RPC errors (a node behind)", async () => {
      fake.failNext(100, { kind: "rpc-error", code: -32005, message: "Node is behind by 42 slots" });
      const holdings = await readHoldings(rpc, query(splMint, holders(), 1_000n));
      expect(Object.fromEntries(holdings)).toEqual({ poor: failed, rich: failed });
    });

    it("still answers from the search when only getMultipleAccounts fails", async () => {
      fake.failNext(1, { kind: "status", status: 500 }, { method: "getMultipleAccounts" });
      const holdings = await readHoldings(rpc, query(splMint, holders(), 1_000n));
      expect(Object.fromEntries(holdings)).toEqual({
        poor: { ok: true, amount: 10n, exact: true },
        rich: { ok: true, amount: 5_000n, exact: true },
      });
    });

    it("fails only the holder whose search failed", async () => {
      fake.failNext(1, { kind: "status", status: 500 }, { method: "getTokenAccountsByOwner" });
      const holdings = await readHoldings(rpc, query(splMint, holders(), 1_000n));
      expect(Object.fromEntries(holdings)).toEqual({
        poor: failed,
        rich: { ok: true, amount: 5_000n, exact: false },
      });
    });

    it("counts a holder in when the wallets that could be read already hold enough", async () => {
      // The rich wallet's associated account is read; the poor one's search fails.
      fake.failNext(1, { kind: "status", status: 500 }, { method: "getTokenAccountsByOwner" });
      const holdings = await readHoldings(
        rpc,
        query(splMint, [{ id: "both", wallets: [poor.address, rich.address] }], 5_005n),
      );
      expect(holdings.get("both")).toEqual({ ok: true, amount: 5_005n, exact: false });
    });
  });

  describe("with a fallback endpoint", () => {
    let fallback: FakeSolanaRpc;

    beforeAll(async () => {
      fallback = await startFakeSolanaRpc({ chain: fake.chain });
    });

    afterAll(async () => {
      await fallback.close();
    });

    it("asks the fallback when the primary fails, and leaves the primary alone for a while", async () => {
      const wallet = await walletWith(splMint, 7n, 3n);
      rpc = new SolanaRpc({ urls: [fake.url, fallback.url], requestsPerSecond: 10_000, burst: 100 });
      fake.resetCounts();
      fallback.resetCounts();
      fake.failNext(100, { kind: "status", status: 503 });

      const holdings = await readHoldings(
        rpc,
        query(splMint, [{ id: "m", wallets: [wallet.address] }], 1_000n),
      );

      expect(holdings.get("m")).toEqual({ ok: true, amount: 10n, exact: true });
      expect(fake.httpRequests).toBe(1);
      expect(fallback.calls).toEqual({ getMultipleAccounts: 1, getTokenAccountsByOwner: 1 });
      expect(rpc.stats.endpoints).toEqual([
        { host: new URL(fake.url).host, requests: 1, failures: 1 },
        { host: new URL(fallback.url).host, requests: 2, failures: 0 },
      ]);
    });

    it("fails only when every endpoint fails", async () => {
      const wallet = await walletWith(splMint, 7n);
      rpc = new SolanaRpc({
        urls: [fake.url, fallback.url],
        requestsPerSecond: 10_000,
        burst: 100,
        cooldownMs: 0,
      });
      fake.failNext(100, { kind: "status", status: 500 });
      fallback.failNext(100, { kind: "status", status: 429 });

      const holdings = await readHoldings(
        rpc,
        query(splMint, [{ id: "m", wallets: [wallet.address] }], 1_000n),
      );

      expect(holdings.get("m")).toEqual({ ok: false, reason: "rpc_error" });
      fallback.clearFailures();
    });
  });
});
