import { readMint, SolanaRpc } from "@memebot/solana/chain";
import { getAddressDecoder } from "@solana/kit";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSolanaRpc, type FakeMint, type FakeSolanaRpc } from "../fakes/solana-rpc.ts";

let fake: FakeSolanaRpc;
let rpc: SolanaRpc;
let splMint: FakeMint;
let mint2022: FakeMint;

beforeAll(async () => {
  fake = await startFakeSolanaRpc();
  rpc = new SolanaRpc({ urls: [fake.url], requestsPerSecond: 1000, cooldownMs: 0 });
  splMint = await fake.setup.createMint({ program: "spl-token", decimals: 6 });
  mint2022 = await fake.setup.createMint({ program: "token-2022", decimals: 9 });
  const holder = await fake.setup.wallet();
  await fake.setup.mintTo(
    splMint,
    await fake.setup.associatedTokenAccount(splMint, holder.address),
    2_500_000n,
  );
});

afterAll(async () => {
  await fake.close();
});

const randomAddress = () => getAddressDecoder().decode(randomBytes(32));

describe("readMint", () => {
  it("reads an SPL Token mint's decimals and supply", async () => {
    expect(await readMint(rpc, splMint.address)).toEqual({
      ok: true,
      mint: { address: splMint.address, program: "spl-token", decimals: 6, supply: 2_500_000n },
    });
  });

  it("reads a Token-2022 mint", async () => {
    expect(await readMint(rpc, mint2022.address)).toEqual({
      ok: true,
      mint: { address: mint2022.address, program: "token-2022", decimals: 9, supply: 0n },
    });
  });

  it("refuses a mint that does not exist", async () => {
    expect(await readMint(rpc, randomAddress())).toEqual({ ok: false, reason: "not_found" });
  });

  it("refuses accounts that are not mints: a wallet, a token account of either program, a program", async () => {
    const wallet = await fake.setup.wallet();
    const account = await fake.setup.associatedTokenAccount(splMint, wallet.address);
    const account2022 = await fake.setup.associatedTokenAccount(mint2022, wallet.address);
    const extra2022 = await fake.setup.extraTokenAccount(mint2022, wallet.address);
    for (const address of [wallet.address, account, account2022, extra2022, splMint.programAddress]) {
      expect(await readMint(rpc, address), address).toEqual({ ok: false, reason: "not_a_mint" });
    }
  });

  it("refuses text that is not an address without asking the chain", async () => {
    fake.resetCounts();
    const tooLong = getAddressDecoder().decode(randomBytes(32)) + "1";
    for (const text of ["", "abc", "0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl", tooLong, ` ${splMint.address}`]) {
      expect(await readMint(rpc, text), text).toEqual({ ok: false, reason: "invalid_address" });
    }
    expect(fake.httpRequests).toBe(0);
  });

  it("says the chain could not be read when the RPC fails, not that the mint is missing", async () => {
    fake.failNext(1, { kind: "status", status: 500 });
    expect(await readMint(rpc, splMint.address)).toEqual({ ok: false, reason: "rpc_error" });
    expect(await readMint(rpc, splMint.address)).toMatchObject({ ok: true });
  });
});
