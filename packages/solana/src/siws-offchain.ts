// The Solana off-chain message envelopes a text may be signed in. Browser wallets (Phantom's
// signMessage and signIn) sign the text's bytes as they are; command-line tools do not: they put a
// preamble before the text ("\xffsolana offchain", a version, …) so that no signed message can ever
// pass for a transaction. Which preamble depends on the tool's release:
//  - "offchain-legacy": solana-sdk's v0 before 3.0 (the Solana CLI 1.x and 2.x `sign-offchain-message`):
//    domain, version 0, format, u16 length, text.
//  - "offchain-v0": the v0 of the Anza proposal (solana-offchain-message 3.x, @solana/kit): domain,
//    version 0, a 32-byte application domain (zeros unless the signer chose one), format, the signer
//    count and keys, u16 length, text.
//  - "offchain-v1": the v1 of @solana/kit: domain, version 1, the signer count and keys, text.
// Only single-signer envelopes naming the address itself are built: the signature must be that
// key's, over this very text.

export type SignedForm = "raw" | "offchain-legacy" | "offchain-v0" | "offchain-v1";

const SIGNING_DOMAIN = Buffer.concat([Buffer.from([0xff]), Buffer.from("solana offchain", "ascii")]);
/** Formats 0 and 1 are for hardware wallets, whose limit counts preamble and text together. */
const LEDGER_LIMIT_BYTES = 1232;
const LEGACY_LEDGER_TEXT_LIMIT = LEDGER_LIMIT_BYTES - SIGNING_DOMAIN.length - 1 - 3;
const MAX_U16 = 0xffff;

function formatOf(text: Uint8Array, totalSize: number, ledgerFits: boolean): number | undefined {
  if (totalSize > MAX_U16) return undefined;
  if (!ledgerFits) return 2;
  // Restricted ASCII is printable characters only: a line break makes a text UTF-8 (format 1).
  return text.every((byte) => byte >= 0x20 && byte <= 0x7e) ? 0 : 1;
}

const u16 = (value: number) => Buffer.from([value & 0xff, value >> 8]);

/** The envelopes `text` could have been signed in by `publicKey` alone. */
export function offchainEnvelopesOf(
  text: Uint8Array,
  publicKey: Uint8Array,
): Array<{ form: Exclude<SignedForm, "raw">; bytes: Uint8Array }> {
  const envelopes: Array<{ form: Exclude<SignedForm, "raw">; bytes: Uint8Array }> = [];
  if (text.length === 0) return envelopes;

  const legacySize = SIGNING_DOMAIN.length + 1 + 3 + text.length;
  const legacyFormat = formatOf(text, legacySize, text.length <= LEGACY_LEDGER_TEXT_LIMIT);
  if (legacyFormat !== undefined) {
    envelopes.push({
      form: "offchain-legacy",
      bytes: Buffer.concat([SIGNING_DOMAIN, Buffer.from([0, legacyFormat]), u16(text.length), text]),
    });
  }

  const v0Size = SIGNING_DOMAIN.length + 1 + 32 + 1 + 1 + 32 + 2 + text.length;
  const v0Format = formatOf(text, v0Size, v0Size <= LEDGER_LIMIT_BYTES);
  if (v0Format !== undefined) {
    envelopes.push({
      form: "offchain-v0",
      bytes: Buffer.concat([
        SIGNING_DOMAIN,
        Buffer.from([0]),
        Buffer.alloc(32),
        Buffer.from([v0Format, 1]),
        publicKey,
        u16(text.length),
        text,
      ]),
    });
  }

  envelopes.push({
    form: "offchain-v1",
    bytes: Buffer.concat([SIGNING_DOMAIN, Buffer.from([1, 1]), publicKey, text]),
  });
  return envelopes;
}
