// bench:gate's chain, in a process of its own so the pass's CPU is measured alone: the local Solana
// RPC (LiteSVM) with two mints and BENCH_MEMBERS members' token accounts. It prints one JSON line
// (its URL, the mints, each member's wallets), then answers commands on stdin, one JSON line each:
// "counts" (JSON-RPC calls by method since the last "reset"), "reset", and "change" (1% of members
// sell below the first mint's minimum; 1% of the short ones buy enough).
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { getAddressDecoder, type Address } from "@solana/kit";
import { startFakeSolanaRpc, type FakeMint } from "../fakes/solana-rpc.ts";

export const GATE_MINIMUMS = [1_000_000n, 5_000_000_000n] as const;

/** Which members hold too little in their associated accounts: 5% (every 20th from the 8th). */
export const isShortMember = (index: number) => index % 20 === 7;
/** A third of the members link two wallets. */
export const walletCountOf = (index: number) => (index % 3 === 0 ? 2 : 1);

export interface ChainSetup {
  url: string;
  mints: Array<Pick<FakeMint, "address" | "program" | "decimals">>;
  /** Each member's wallets, by index. */
  wallets: Address[][];
}

const randomAddress = (): Address => getAddressDecoder().decode(randomBytes(32));

async function serve(): Promise<void> {
  const members = Number(process.env.BENCH_MEMBERS ?? 10_000);
  const fake = await startFakeSolanaRpc();
  const mints = [
    await fake.setup.createMint({ program: "spl-token", decimals: 6 }),
    await fake.setup.createMint({ program: "token-2022", decimals: 9 }),
  ];
  const wallets: Address[][] = [];
  for (let index = 0; index < members; index += 1) {
    const owned = Array.from({ length: walletCountOf(index) }, randomAddress);
    wallets.push(owned);
    const short = isShortMember(index);
    for (const [gate, mint] of mints.entries()) {
      const minimum = GATE_MINIMUMS[gate] as bigint;
      const [first] = owned as [Address];
      // Short members hold a tenth in their associated accounts; half of them the rest elsewhere.
      await fake.setup.putTokenAccount(mint, first, short ? minimum / 10n : minimum, { associated: true });
      if (short && index % 2 === 0)
        await fake.setup.putTokenAccount(mint, first, minimum, { at: randomAddress() });
    }
  }
  const setup: ChainSetup = {
    url: fake.url,
    mints: mints.map(({ address, program, decimals }) => ({ address, program, decimals })),
    wallets,
  };
  process.stdout.write(`${JSON.stringify(setup)}\n`);

  const commands = createInterface({ input: process.stdin });
  for await (const command of commands) {
    if (command === "counts") process.stdout.write(`${JSON.stringify(fake.calls)}\n`);
    else if (command === "reset") {
      fake.resetCounts();
      process.stdout.write("{}\n");
    } else if (command === "change") {
      const mint = mints[0] as FakeMint;
      const minimum = GATE_MINIMUMS[0];
      for (const [index, owned] of wallets.entries()) {
        const [first] = owned as [Address];
        if (index % 100 === 3)
          await fake.setup.putTokenAccount(mint, first, minimum / 2n, { associated: true });
        if (isShortMember(index) && index % 100 === 7)
          await fake.setup.putTokenAccount(mint, first, minimum, { associated: true });
      }
      process.stdout.write("{}\n");
    }
  }
  await fake.close();
  process.exit(0);
}

if (process.argv.includes("--serve")) await serve();
