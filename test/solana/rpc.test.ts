import { parseSolanaAddress, readMint, SolanaRpc } from "@memebot/solana/chain";
import { getAddressDecoder } from "@solana/kit";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeSolanaRpc, type FakeMint, type FakeSolanaRpc } from "../fakes/solana-rpc.ts";

let primary: FakeSolanaRpc;
let fallback: FakeSolanaRpc;
let mint: FakeMint;

beforeAll(async () => {
  primary = await startFakeSolanaRpc();
  fallback = await startFakeSolanaRpc({ chain: primary.chain });
  mint = await primary.setup.createMint({ program: "spl-token", decimals: 2 });
});

afterAll(async () => {
  await Promise.all([primary.close(), fallback.close()]);
});

beforeEach(() => {
  primary.resetCounts();
  fallback.resetCounts();
  primary.clearFailures();
  fallback.clearFailures();
});

type PublicKey = NonNullable<ReturnType<typeof parseSolanaAddress>>;

const fast = { requestsPerSecond: 10_000, burst: 100 };

describe("SolanaRpc", () => {
  it("keeps to the primary while it answers", async () => {
    const rpc = new SolanaRpc({ urls: [primary.url, fallback.url], ...fast });
    await readMint(rpc, mint.address);
    await readMint(rpc, mint.address);
    expect([primary.httpRequests, fallback.httpRequests]).toEqual([2, 0]);
    expect(rpc.stats).toMatchObject({ requests: 2, byMethod: { getAccountInfo: 2 }, failures: 0 });
  });

  it("after a 429 asks the fallback first until Retry-After has passed", async () => {
    let now = 1_000_000;
    const rpc = new SolanaRpc({ urls: [primary.url, fallback.url], ...fast, cooldownMs: 0, now: () => now });
    primary.failNext(1, { kind: "status", status: 429, retryAfterSeconds: 5 });

    expect(await readMint(rpc, mint.address)).toMatchObject({ ok: true });
    expect(await readMint(rpc, mint.address)).toMatchObject({ ok: true });
    expect([primary.httpRequests, fallback.httpRequests]).toEqual([1, 2]);

    now += 5_000;
    expect(await readMint(rpc, mint.address)).toMatchObject({ ok: true });
    expect([primary.httpRequests, fallback.httpRequests]).toEqual([2, 2]);
  });

  it("does not try a request the node called invalid on the other endpoints", async () => {
    const rpc = new SolanaRpc({ urls: [primary.url, fallback.url], ...fast });
    const owner = parseSolanaAddress(mint.programAddress) as PublicKey;
    // A mint that does not exist: the node answers "Invalid param: could not find mint" (-32602).
    const noMint = parseSolanaAddress(getAddressDecoder().decode(randomBytes(32))) as PublicKey;
    const outcome = await rpc.call((connection) =>
      connection.getTokenAccountsByOwner(owner, { mint: noMint }),
    );
    expect(outcome).toEqual({
      ok: false,
      reason: "rpc_error",
      detail: expect.stringContaining("could not find mint"),
    });
    expect([primary.httpRequests, fallback.httpRequests]).toEqual([1, 0]);
  });

  it("never names an endpoint's URL (it may hold a key) in a failure, only its host", async () => {
    const keyed = `${primary.url}/?api-key=secret-key-123456789`;
    const rpc = new SolanaRpc({ urls: [keyed], ...fast });
    primary.failNext(1, { kind: "status", status: 500 });
    const outcome = await rpc.call((connection) => connection.getSlot());
    expect(outcome).toEqual({
      ok: false,
      reason: "rpc_error",
      detail: expect.stringMatching(/^127\.0\.0\.1:\d+: /),
    });
    expect(JSON.stringify(outcome)).not.toContain("secret-key");
    expect(rpc.stats.endpoints).toEqual([{ host: new URL(primary.url).host, requests: 1, failures: 1 }]);
    rpc.resetStats();
    expect(rpc.stats).toEqual({
      requests: 0,
      byMethod: {},
      failures: 0,
      endpoints: [{ host: new URL(primary.url).host, requests: 0, failures: 0 }],
    });
  });
});
