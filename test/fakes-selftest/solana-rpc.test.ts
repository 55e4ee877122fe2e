// The fake Solana node's wire format, with plain fetch. web3.js and spl-token run against it in
// test/solana/.
import { getAddressDecoder } from "@solana/kit";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  startFakeSolanaRpc,
  type FakeMint,
  type FakeSolanaRpc,
  type FakeWallet,
} from "../fakes/solana-rpc.ts";

let fake: FakeSolanaRpc;
let mint: FakeMint;
let mint2022: FakeMint;
let wallet: FakeWallet;

beforeAll(async () => {
  fake = await startFakeSolanaRpc();
  mint = await fake.setup.createMint({ program: "spl-token", decimals: 6 });
  mint2022 = await fake.setup.createMint({ program: "token-2022", decimals: 9 });
  wallet = await fake.setup.wallet();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => fake.resetCounts());

// The answers' shapes are what toEqual checks; typing each one would only repeat the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Answer = any;

async function rpc(body: unknown): Promise<{ status: number; json: Answer }> {
  const response = await fetch(fake.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

const call = (method: string, params: unknown[] = [], id: unknown = 1) => ({
  jsonrpc: "2.0",
  id,
  method,
  params,
});
const randomAddress = () => getAddressDecoder().decode(randomBytes(32));

describe("startFakeSolanaRpc", () => {
  it("answers jsonParsed mints and token accounts of both programs, with Token-2022's extensions", async () => {
    const ata = await fake.setup.associatedTokenAccount(mint2022, wallet.address);
    await fake.setup.mintTo(mint2022, ata, 1_500_000_000n);
    const { json } = await rpc(
      call("getMultipleAccounts", [[mint.address, ata], { encoding: "jsonParsed" }]),
    );
    const [mintJson, ataJson] = json.result.value;

    expect(mintJson.owner).toBe("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
    expect(mintJson.data).toEqual({
      program: "spl-token",
      parsed: {
        type: "mint",
        info: {
          decimals: 6,
          freezeAuthority: null,
          isInitialized: true,
          mintAuthority: fake.setup.payer.address,
          supply: "0",
        },
      },
      space: 82,
    });
    expect(ataJson.data.program).toBe("spl-token-2022");
    expect(ataJson.data.parsed.info).toEqual({
      isNative: false,
      mint: mint2022.address,
      owner: wallet.address,
      state: "initialized",
      tokenAmount: { amount: "1500000000", decimals: 9, uiAmount: 1.5, uiAmountString: "1.5" },
      extensions: [{ extension: "immutableOwner" }],
    });
  });

  it("finds an owner's token accounts by mint (either program) or by program, and refuses an unknown mint", async () => {
    const owner = await fake.setup.wallet();
    const ata = await fake.setup.associatedTokenAccount(mint, owner.address);
    const extra = await fake.setup.extraTokenAccount(mint, owner.address);
    const ata2022 = await fake.setup.associatedTokenAccount(mint2022, owner.address);
    const pubkeys = (result: { value: Array<{ pubkey: string }> }) =>
      result.value.map((entry) => entry.pubkey).sort();

    const byMint = await rpc(
      call("getTokenAccountsByOwner", [owner.address, { mint: mint.address }, { encoding: "base64" }]),
    );
    const byMint2022 = await rpc(
      call("getTokenAccountsByOwner", [owner.address, { mint: mint2022.address }]),
    );
    const byProgram = await rpc(
      call("getTokenAccountsByOwner", [
        owner.address,
        { programId: mint.programAddress },
        { encoding: "jsonParsed" },
      ]),
    );
    const unknown = await rpc(call("getTokenAccountsByOwner", [owner.address, { mint: randomAddress() }]));

    expect(pubkeys(byMint.json.result)).toEqual([ata, extra].sort());
    expect(byMint.json.result.value[0].account.data[1]).toBe("base64");
    expect(pubkeys(byMint2022.json.result)).toEqual([ata2022]);
    expect(pubkeys(byProgram.json.result)).toEqual([ata, extra].sort());
    expect(unknown.json.error).toEqual({ code: -32602, message: "Invalid param: could not find mint" });
  });

  it("answers a batch in one HTTP request and counts each call", async () => {
    const { json } = await rpc([
      call("getSlot", [], 1),
      call("getHealth", [], 2),
      call("noSuchMethod", [], 3),
    ]);

    expect(json).toEqual([
      { jsonrpc: "2.0", result: expect.any(Number), id: 1 },
      { jsonrpc: "2.0", result: "ok", id: 2 },
      { jsonrpc: "2.0", error: { code: -32601, message: "Method not found" }, id: 3 },
    ]);
    expect(fake.httpRequests).toBe(1);
    expect(fake.calls).toEqual({ getSlot: 1, getHealth: 1, noSuchMethod: 1 });
  });

  it("refuses more than 100 accounts in one getMultipleAccounts, as a node does", async () => {
    const addresses = Array.from({ length: 101 }, randomAddress);
    const { json } = await rpc(call("getMultipleAccounts", [addresses]));
    expect(json.error.message).toBe("Too many inputs provided; max 100");
  });

  it("fails the next requests as told: HTTP 500, 429 with Retry-After, a JSON-RPC error, only for one method", async () => {
    fake.failNext(1, { kind: "status", status: 500 });
    fake.failNext(1, { kind: "status", status: 429, retryAfterSeconds: 2 });
    fake.failNext(1, { kind: "rpc-error", code: -32005, message: "Node is behind" });
    fake.failNext(1, { kind: "status", status: 503 }, { method: "getBalance" });

    const first = await rpc(call("getSlot"));
    const response = await fetch(fake.url, { method: "POST", body: JSON.stringify(call("getSlot")) });
    const third = await rpc(call("getSlot"));
    const fourth = await rpc(call("getSlot"));
    const balance = await rpc(call("getBalance", [wallet.address]));

    expect(first.status).toBe(500);
    expect([response.status, response.headers.get("retry-after")]).toEqual([429, "2"]);
    expect(third.json).toEqual({ jsonrpc: "2.0", error: { code: -32005, message: "Node is behind" }, id: 1 });
    expect(fourth.json.result).toEqual(expect.any(Number));
    expect(balance.status).toBe(503);
    expect(fake.calls).toEqual({ getSlot: 4, getBalance: 1 });
  });

  it("holds a request without answering when told to hang", async () => {
    fake.failNext(1, { kind: "hang" });
    const outcome = await fetch(fake.url, {
      method: "POST",
      body: JSON.stringify(call("getSlot")),
      signal: AbortSignal.timeout(200),
    }).then(
      () => "answered",
      (error: Error) => error.name,
    );
    expect(outcome).toBe("TimeoutError");
  });

  it("reports the status of a transaction it ran; repeated set-up calls are separate transactions", async () => {
    const ata = await fake.setup.associatedTokenAccount(mint, wallet.address);
    await fake.setup.mintTo(mint, ata, 5n);
    const [signature] = [...fake.chain.statuses.keys()].slice(-1);
    const { json } = await rpc(
      call("getSignatureStatuses", [
        [signature, "1111111111111111111111111111111111111111111111111111111111111111"],
      ]),
    );

    expect(json.result.value).toEqual([
      {
        slot: expect.any(Number),
        confirmations: null,
        err: null,
        status: { Ok: null },
        confirmationStatus: "finalized",
      },
      null,
    ]);
    // The set-up sends each transaction with a different compute limit, so repeats are separate transactions.
    await fake.setup.mintTo(mint, ata, 5n);
    const balance = await rpc(call("getAccountInfo", [ata, { encoding: "jsonParsed" }]));
    expect(balance.json.result.value.data.parsed.info.tokenAmount.amount).toBe("10");
  });
});
