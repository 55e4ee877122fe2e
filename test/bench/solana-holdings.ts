// The chain-reading half of `pnpm bench:gate` (run: `npx tsx test/bench/solana-holdings.ts`):
// BENCH_MEMBERS members (10,000), each with one or two linked wallets, and two gates (an SPL Token
// mint and a Token-2022 mint) read with readHoldings against the local Solana RPC fake, twice (the
// second pass is a re-verification: associated addresses cached, balances changed for some).
// Reports RPC requests per wallet on the associated-account path (issue 10 wants at most 0.05), all
// requests per wallet, and the time each pass took. Knobs: BENCH_MEMBERS, BENCH_SHORT_SHARE (0.05:
// members whose associated accounts fall short and are searched), BENCH_RPS (RPC pace, 1000).
import { getAddressDecoder, type Address } from "@solana/kit";
import { randomBytes } from "node:crypto";
import { readHoldings, SolanaRpc } from "@memebot/solana/chain";
import { startFakeSolanaRpc, type FakeMint } from "../fakes/solana-rpc.ts";

const members = Number(process.env.BENCH_MEMBERS ?? 10_000);
const shortShare = Number(process.env.BENCH_SHORT_SHARE ?? 0.05);
const requestsPerSecond = Number(process.env.BENCH_RPS ?? 1_000);
const MINIMUM = 1_000_000n;

const fake = await startFakeSolanaRpc();
try {
  const gates: FakeMint[] = [
    await fake.setup.createMint({ program: "spl-token", decimals: 6 }),
    await fake.setup.createMint({ program: "token-2022", decimals: 9 }),
  ];
  const holders: Array<{ id: string; wallets: Address[] }> = [];
  let setupStarted = Date.now();
  for (let index = 0; index < members; index += 1) {
    const wallets = Array.from({ length: index % 3 === 0 ? 2 : 1 }, () =>
      getAddressDecoder().decode(randomBytes(32)),
    );
    holders.push({ id: `m${index}`, wallets });
    const short = index < members * shortShare;
    for (const mint of gates) {
      // Each member's first wallet holds the tokens; short members hold a little there and the rest
      // elsewhere for half of them.
      const [first] = wallets as [Address];
      await fake.setup.putTokenAccount(mint, first, short ? 10n : MINIMUM, { associated: true });
      if (short && index % 2 === 0)
        await fake.setup.putTokenAccount(mint, first, MINIMUM, {
          at: getAddressDecoder().decode(randomBytes(32)),
        });
    }
  }
  const wallets = holders.reduce((total, holder) => total + holder.wallets.length, 0);
  console.log(
    `set up ${members} members, ${wallets} wallets, 2 gates in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`,
  );

  const rpc = new SolanaRpc({ urls: [fake.url], requestsPerSecond, burst: 10 });
  for (const pass of ["first check", "re-verification"]) {
    rpc.resetStats();
    const started = Date.now();
    let passed = 0;
    let failed = 0;
    for (const mint of gates) {
      const holdings = await readHoldings(rpc, {
        mint: mint.address,
        program: mint.program,
        holders,
        enough: MINIMUM,
      });
      for (const balance of holdings.values()) {
        if (!balance.ok) failed += 1;
        else if (balance.amount >= MINIMUM) passed += 1;
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const { byMethod, requests } = rpc.stats;
    const associated = byMethod.getMultipleAccounts ?? 0;
    const perWallet = (count: number) => (count / (wallets * gates.length)).toFixed(4);
    console.log(
      `${pass}: ${seconds.toFixed(1)} s; ${requests} requests (${associated} getMultipleAccounts, ` +
        `${byMethod.getTokenAccountsByOwner ?? 0} getTokenAccountsByOwner); per wallet and gate: ` +
        `${perWallet(associated)} on the associated path, ${perWallet(requests)} in all; ` +
        `${passed} member-gates pass, ${failed} failed reads`,
    );
    setupStarted = Date.now();
  }
} finally {
  await fake.close();
}
