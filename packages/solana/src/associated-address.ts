// Associated token account addresses, derived as the chain derives them, about 50 times faster than
// web3.js's findProgramAddressSync (its pure-JS curve check costs ~1.4 ms an address, which is 28 s of
// blocked event loop for 10,000 wallets and two gates). test/solana/associated-address.test.ts checks
// it against @solana/kit's derivation.
import { createHash } from "node:crypto";
import { PublicKey } from "@solana/web3.js";
import { ASSOCIATED_TOKEN_PROGRAM_ID } from "@solana/spl-token";

const P = 2n ** 255n - 19n;
// Ed25519's curve constant d = -121665 / 121666 (mod p).
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;
const PDA_MARKER = Buffer.from("ProgramDerivedAddress");
const ASSOCIATED_PROGRAM = ASSOCIATED_TOKEN_PROGRAM_ID.toBuffer();

/** The owner's associated token account for the mint under `tokenProgram` (any owner, on the curve or not). */
export function associatedTokenAddress(
  mint: PublicKey,
  owner: PublicKey,
  tokenProgram: PublicKey,
): PublicKey {
  const seeds = Buffer.concat([owner.toBuffer(), tokenProgram.toBuffer(), mint.toBuffer()]);
  for (let bump = 255; bump >= 0; bump -= 1) {
    const hash = createHash("sha256")
      .update(seeds)
      .update(Uint8Array.of(bump))
      .update(ASSOCIATED_PROGRAM)
      .update(PDA_MARKER)
      .digest();
    if (!isOnCurve(hash)) return new PublicKey(hash);
  }
  throw new Error("No associated token address found (no bump gives an off-curve point)");
}

/**
 * Whether 32 bytes are a compressed Ed25519 point, with the rules of the library web3.js uses
 * (noble-curves): y below p, x² = (y² - 1) / (d·y² + 1) a square, and not x = 0 with the sign bit set.
 */
export function isOnCurve(bytes: Uint8Array): boolean {
  let y = 0n;
  for (let index = 31; index >= 0; index -= 1) y = (y << 8n) | BigInt(bytes[index] as number);
  const signBit = y >> 255n;
  y &= (1n << 255n) - 1n;
  if (y >= P) return false;
  const y2 = (y * y) % P;
  const u = (y2 - 1n + P) % P;
  const v = (D * y2 + 1n) % P;
  if (u === 0n) return signBit === 0n;
  // u / v is a square exactly when u·v is (v is never 0: -1/d is not a square).
  return jacobi((u * v) % P, P) === 1;
}

/** The Jacobi symbol (a/n) for odd n: for prime n, 1 when a is a non-zero square mod n, -1 when not. */
function jacobi(value: bigint, modulus: bigint): number {
  let a = value % modulus;
  let n = modulus;
  let result = 1;
  while (a !== 0n) {
    // Take out all factors of 2 at once: (2/n) is -1 when n is 3 or 5 mod 8.
    let low = Number(a & 0xffffffffn);
    while (low === 0) {
      a >>= 32n; // an even count of 2s: the symbol does not change
      low = Number(a & 0xffffffffn);
    }
    const twos = 31 - Math.clz32(low & -low);
    if (twos > 0) {
      a >>= BigInt(twos);
      const r = Number(n & 7n);
      if (twos % 2 === 1 && (r === 3 || r === 5)) result = -result;
    }
    [a, n] = [n, a];
    if (Number(a & 3n) === 3 && Number(n & 3n) === 3) result = -result;
    a %= n;
  }
  return n === 1n ? result : 0;
}
