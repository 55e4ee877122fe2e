// Our associated-address derivation against @solana/kit's, an independent implementation (the
// fake's set-up uses it): a wrong address would read every wallet as empty.
import { getAddressDecoder, getAddressEncoder, getProgramDerivedAddress, type Address } from "@solana/kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { associatedTokenAddress, isOnCurve } from "../../packages/solana/src/associated-address.ts";
import { parseSolanaAddress } from "@memebot/solana/chain";

const ASSOCIATED_TOKEN_PROGRAM = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL" as Address;
const PROGRAMS = [
  "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
  "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb",
];
const bytes = getAddressEncoder();
const key = (text: string) => {
  const parsed = parseSolanaAddress(text);
  if (!parsed) throw new Error(`not an address: ${text}`);
  return parsed;
};

describe("associatedTokenAddress", () => {
  it("derives the same address as @solana/kit for any mint, owner and token program", async () => {
    const address = fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .map((raw) => getAddressDecoder().decode(raw));
    await fc.assert(
      fc.asyncProperty(address, address, fc.constantFrom(...PROGRAMS), async (mint, owner, program) => {
        const [expected] = await getProgramDerivedAddress({
          programAddress: ASSOCIATED_TOKEN_PROGRAM,
          seeds: [bytes.encode(owner), bytes.encode(program as Address), bytes.encode(mint)],
        });
        expect(associatedTokenAddress(key(mint), key(owner), key(program)).toBase58()).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("tells curve points from other bytes: wallets' keys are on the curve, derived addresses are not", () => {
    expect(isOnCurve(key("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM").toBytes())).toBe(true);
    expect(isOnCurve(key("11111111111111111111111111111111").toBytes())).toBe(true); // y = 0
    // y = 1 is on the curve with x = 0; with the sign bit set it is refused, as web3.js refuses it.
    const one = new Uint8Array(32);
    one[0] = 1;
    expect(isOnCurve(one)).toBe(true);
    one[31] = 0x80;
    expect(isOnCurve(one)).toBe(false);
    // y at or above p = 2^255 - 19 is not a canonical encoding.
    const aboveP = new Uint8Array(32).fill(0xff);
    aboveP[31] = 0x7f;
    expect(isOnCurve(aboveP)).toBe(false);
    const derived = associatedTokenAddress(
      key(PROGRAMS[0] as string),
      key("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM"),
      key(PROGRAMS[0] as string),
    );
    expect(isOnCurve(derived.toBytes())).toBe(false);
  });
});
