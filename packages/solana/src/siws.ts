// Sign In With Solana (SIWS): the message a wallet signs to prove it holds an address, and the check
// of that proof. The text follows the Wallet Standard's `solana:signIn` layout (EIP-4361 adapted to
// Solana, as Phantom documents it and @solana/wallet-standard-util writes it), so a wallet that
// signs in shows the same lines the server rebuilds. Verification is plain Ed25519 from node:crypto:
// the address is the public key.
import { createPrivateKey, createPublicKey, verify } from "node:crypto";
import bs58 from "bs58";
import { offchainEnvelopesOf, type SignedForm } from "./siws-offchain.ts";

export type { SignedForm } from "./siws-offchain.ts";

/** What a SIWS message says. Optional fields of the standard that we never issue are left out. */
export interface SiwsFields {
  /** The host that asks (no scheme), e.g. "bot.example.com". */
  domain: string;
  /** The wallet's base58 address. */
  address: string;
  /** One line, no line breaks: what signing means. */
  statement: string;
  uri: string;
  version: "1";
  /** "mainnet", as Phantom's examples write it. */
  chainId: string;
  nonce: string;
  /** ISO 8601, e.g. 2026-12-02T07:00:00.000Z. */
  issuedAt: string;
  expirationTime: string;
}

const HEADER_SUFFIX = " wants you to sign in with your Solana account:";

/** The message text, field by field in the standard's order. */
export function buildSiwsMessage(fields: SiwsFields): string {
  return [
    `${fields.domain}${HEADER_SUFFIX}`,
    fields.address,
    "",
    fields.statement,
    "",
    `URI: ${fields.uri}`,
    `Version: ${fields.version}`,
    `Chain ID: ${fields.chainId}`,
    `Nonce: ${fields.nonce}`,
    `Issued At: ${fields.issuedAt}`,
    `Expiration Time: ${fields.expirationTime}`,
  ].join("\n");
}

export type SiwsParseProblem = "not_siws" | "unsupported_field" | "bad_field";

const FIELD_LINES = [
  ["URI: ", "uri"],
  ["Version: ", "version"],
  ["Chain ID: ", "chainId"],
  ["Nonce: ", "nonce"],
  ["Issued At: ", "issuedAt"],
  ["Expiration Time: ", "expirationTime"],
] as const;

/**
 * Reads a message in exactly the layout `buildSiwsMessage` writes (one statement line, the six
 * fields in order). Anything else (Not Before, Resources, a missing field) is refused rather than
 * half-understood: the caller compares every field with what it issued, so a shape we did not
 * issue cannot be one we accept.
 */
export function parseSiwsMessage(
  text: string,
): { ok: true; fields: SiwsFields } | { ok: false; problem: SiwsParseProblem } {
  if (text.length > 2_000) return { ok: false, problem: "not_siws" };
  const lines = text.split("\n");
  const header = lines[0] ?? "";
  if (!header.endsWith(HEADER_SUFFIX)) return { ok: false, problem: "not_siws" };
  const domain = header.slice(0, -HEADER_SUFFIX.length);
  const address = lines[1] ?? "";
  if (lines.length !== 5 + FIELD_LINES.length || lines[2] !== "" || lines[4] !== "") {
    return { ok: false, problem: "unsupported_field" };
  }
  const statement = lines[3] ?? "";
  const values: Partial<Record<(typeof FIELD_LINES)[number][1], string>> = {};
  for (const [index, [prefix, key]] of FIELD_LINES.entries()) {
    const line = lines[5 + index] ?? "";
    if (!line.startsWith(prefix)) return { ok: false, problem: "unsupported_field" };
    values[key] = line.slice(prefix.length);
  }
  const { uri, version, chainId, nonce, issuedAt, expirationTime } = values;
  if (
    domain === "" ||
    /\s/.test(domain) ||
    !isWalletAddress(address) ||
    statement === "" ||
    version !== "1" ||
    !uri ||
    !chainId ||
    !nonce ||
    !/^[A-Za-z0-9]{8,}$/.test(nonce) ||
    !issuedAt ||
    !isIsoTime(issuedAt) ||
    !expirationTime ||
    !isIsoTime(expirationTime)
  ) {
    return { ok: false, problem: "bad_field" };
  }
  return {
    ok: true,
    fields: { domain, address, statement, uri, version, chainId, nonce, issuedAt, expirationTime },
  };
}

function isIsoTime(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(text) && Number.isFinite(Date.parse(text));
}

/** Decodes base58 of exactly `length` bytes; undefined for anything else (bad characters, wrong size). */
export function decodeBase58Exact(text: string, length: number): Uint8Array | undefined {
  // 32 bytes take at most 44 characters and 64 bytes 88: a bound before decoding anything long.
  if (text.length === 0 || text.length > Math.ceil(length * 1.4) + 1) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(text);
  } catch {
    return undefined;
  }
  return bytes.length === length ? bytes : undefined;
}

/** Base58 text of `bytes` (Solana's alphabet): letters and digits only. */
export const encodeBase58 = (bytes: Uint8Array): string => bs58.encode(bytes);

/** A Solana address: base58 of a 32-byte Ed25519 public key (any 32 bytes; PDAs included, though they cannot sign). */
export const isWalletAddress = (text: string): boolean => decodeBase58Exact(text, 32) !== undefined;

/** A base58 Ed25519 signature: 64 bytes. */
export const isBase58Signature = (text: string): boolean => decodeBase58Exact(text, 64) !== undefined;

// An Ed25519 public key in SPKI DER is this 12-byte prefix and the raw 32 bytes (RFC 8410).
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** True when `signature` is `publicKey`'s Ed25519 signature of exactly `message`. */
export function verifyEd25519(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    const key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]),
      format: "der",
      type: "spki",
    });
    return verify(null, message, key, signature);
  } catch {
    // Not a point on the curve, for instance: it cannot have signed anything.
    return false;
  }
}

// An Ed25519 private key in PKCS#8 DER is this 16-byte prefix and the 32-byte seed (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * True when `text` is a Solana wallet's secret key rather than a signature: 64 bytes (base58, or the
 * JSON array of a keypair file) whose second half is the public key of the first. Both are 64 bytes,
 * so a member asked for a signature may paste the key by mistake; it must be refused, never kept.
 */
export function isSolanaSecretKey(text: string): boolean {
  let bytes: Uint8Array | undefined;
  if (/^\[[\d,\s]+\]$/.test(text) && text.length < 400) {
    const numbers = text
      .slice(1, -1)
      .split(",")
      .map((part) => Number(part.trim()));
    if (numbers.length === 64 && numbers.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)) {
      bytes = Uint8Array.from(numbers);
    }
  } else {
    bytes = decodeBase58Exact(text, 64);
  }
  if (!bytes) return false;
  try {
    const privateKey = createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, bytes.subarray(0, 32)]),
      format: "der",
      type: "pkcs8",
    });
    const publicKey = createPublicKey(privateKey).export({ format: "der", type: "spki" }).subarray(-32);
    return Buffer.compare(publicKey, Buffer.from(bytes.subarray(32))) === 0;
  } catch {
    return false;
  }
}

export type SiwsVerification =
  | { ok: true; form: SignedForm }
  | { ok: false; problem: "malformed_address" | "malformed_signature" | "bad_signature" };

/**
 * Checks that `address` signed `message` (its UTF-8 bytes, as browser wallets sign), or the same text
 * wrapped as a Solana off-chain message (as `solana sign-offchain-message` signs: see siws-offchain.ts).
 * Every form signs exactly this text, so accepting them all proves the same thing.
 */
export function verifySiwsSignature(input: {
  message: string;
  address: string;
  signature: string;
}): SiwsVerification {
  const publicKey = decodeBase58Exact(input.address, 32);
  if (!publicKey) return { ok: false, problem: "malformed_address" };
  const signature = decodeBase58Exact(input.signature, 64);
  if (!signature) return { ok: false, problem: "malformed_signature" };
  const text = new TextEncoder().encode(input.message);
  if (verifyEd25519(text, signature, publicKey)) return { ok: true, form: "raw" };
  for (const envelope of offchainEnvelopesOf(text, publicKey)) {
    if (verifyEd25519(envelope.bytes, signature, publicKey)) return { ok: true, form: envelope.form };
  }
  return { ok: false, problem: "bad_signature" };
}
