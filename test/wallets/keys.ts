// Real Ed25519 wallets for the wallet tests: node:crypto key pairs, their Solana addresses, and
// signatures in the forms wallets and tools make (the text's bytes, or an off-chain envelope).
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { encodeBase58 } from "@memebot/solana";

export interface TestWallet {
  address: string;
  /** Base58 signature of the text's UTF-8 bytes, as Phantom's signMessage makes it. */
  sign(text: string): string;
  /** Base58 signature of any bytes (an off-chain envelope, say). */
  signBytes(bytes: Uint8Array): string;
  privateKey: KeyObject;
  /** The wallet's secret key as Phantom exports it and keypair files hold it: seed, then public key. */
  secretKey: Uint8Array;
}

export function newWallet(): TestWallet {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  // The SPKI DER of an Ed25519 key ends with the raw 32-byte key.
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  // The PKCS#8 DER of an Ed25519 key ends with the 32-byte seed.
  const seed = privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32);
  const signBytes = (bytes: Uint8Array) => encodeBase58(sign(null, bytes, privateKey));
  return {
    address: encodeBase58(raw),
    signBytes,
    sign: (text) => signBytes(new TextEncoder().encode(text)),
    privateKey,
    secretKey: Uint8Array.from([...seed, ...raw]),
  };
}
