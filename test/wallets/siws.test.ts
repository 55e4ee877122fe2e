// Sign In With Solana messages and their signatures (packages/solana/src/siws.ts), with real Ed25519
// keys; the off-chain envelopes are checked against bytes solana-sdk's own test fixes and against
// signatures @solana/kit's off-chain message implementation makes.
import { describe, expect, it } from "vitest";
import {
  compileOffchainMessageV0Envelope,
  compileOffchainMessageV1Envelope,
  generateKeyPair,
  getAddressFromPublicKey,
  offchainMessageApplicationDomain,
  offchainMessageContentUtf8Of1232BytesMax,
  signOffchainMessageEnvelope,
  type Address,
} from "@solana/kit";
import {
  buildSiwsMessage,
  decodeBase58Exact,
  encodeBase58,
  isBase58Signature,
  isSolanaSecretKey,
  isWalletAddress,
  parseSiwsMessage,
  verifySiwsSignature,
  type SiwsFields,
} from "@memebot/solana";
import { offchainEnvelopesOf } from "../../packages/solana/src/siws-offchain.ts";
import { newWallet } from "./keys.ts";

const fieldsFor = (address: string): SiwsFields => ({
  domain: "bot.example.com",
  address,
  statement: "Link this wallet to telegram user 42 in community -100123.",
  uri: "https://bot.example.com",
  version: "1",
  chainId: "mainnet",
  nonce: "3vQB7B6MrGQZaxCuFg4oh",
  issuedAt: "2026-12-02T07:00:00.000Z",
  expirationTime: "2026-12-02T07:10:00.000Z",
});

describe("SIWS message text", () => {
  it("GIVEN the fields THEN writes the Wallet Standard layout, in its field order", () => {
    const wallet = newWallet();
    expect(buildSiwsMessage(fieldsFor(wallet.address))).toBe(
      [
        "bot.example.com wants you to sign in with your Solana account:",
        wallet.address,
        "",
        "Link this wallet to telegram user 42 in community -100123.",
        "",
        "URI: https://bot.example.com",
        "Version: 1",
        "Chain ID: mainnet",
        "Nonce: 3vQB7B6MrGQZaxCuFg4oh",
        "Issued At: 2026-12-02T07:00:00.000Z",
        "Expiration Time: 2026-12-02T07:10:00.000Z",
      ].join("\n"),
    );
  });

  it("GIVEN a message it wrote THEN parses back every field", () => {
    const fields = fieldsFor(newWallet().address);
    expect(parseSiwsMessage(buildSiwsMessage(fields))).toEqual({ ok: true, fields });
  });

  it("GIVEN fields we never issue, a missing field or a bad value THEN refuses to parse", () => {
    const text = buildSiwsMessage(fieldsFor(newWallet().address));
    expect(parseSiwsMessage(`${text}\nNot Before: 2026-12-02T07:00:00.000Z`)).toEqual({
      ok: false,
      problem: "unsupported_field",
    });
    expect(parseSiwsMessage(text.replace(/\nChain ID: mainnet/, ""))).toMatchObject({ ok: false });
    expect(parseSiwsMessage(text.replace("Version: 1", "Version: 2"))).toEqual({
      ok: false,
      problem: "bad_field",
    });
    expect(parseSiwsMessage(text.replace("Nonce: 3vQB7B6MrGQZaxCuFg4oh", "Nonce: short"))).toEqual({
      ok: false,
      problem: "bad_field",
    });
    expect(parseSiwsMessage("Sign this to log in")).toEqual({ ok: false, problem: "not_siws" });
  });
});

describe("base58 checks", () => {
  it("GIVEN addresses and signatures THEN accepts exactly 32 and 64 bytes of base58", () => {
    const wallet = newWallet();
    expect(isWalletAddress(wallet.address)).toBe(true);
    expect(isWalletAddress("11111111111111111111111111111111")).toBe(true);
    expect(isWalletAddress(wallet.sign("x"))).toBe(false);
    expect(isBase58Signature(wallet.sign("x"))).toBe(true);
    expect(isBase58Signature(wallet.address)).toBe(false);
    // 0, O, I and l are not base58; neither is an empty or a huge string.
    expect(isWalletAddress(`0${wallet.address.slice(1)}`)).toBe(false);
    expect(isWalletAddress("")).toBe(false);
    expect(decodeBase58Exact("z".repeat(10_000), 64)).toBeUndefined();
  });
});

describe("isSolanaSecretKey", () => {
  it("GIVEN a wallet's secret key (base58 or a keypair file's JSON) THEN knows it from a signature", () => {
    const wallet = newWallet();
    expect(isSolanaSecretKey(encodeBase58(wallet.secretKey))).toBe(true);
    expect(isSolanaSecretKey(`[${[...wallet.secretKey].join(",")}]`)).toBe(true);
    expect(isSolanaSecretKey(wallet.sign("a message"))).toBe(false);
    expect(isSolanaSecretKey(wallet.address)).toBe(false);
    expect(isSolanaSecretKey(`[${[...wallet.secretKey].slice(0, 63).join(",")}]`)).toBe(false);
  });
});

describe("verifySiwsSignature", () => {
  it("GIVEN the text's bytes signed by the address THEN verifies, as a browser wallet signs", () => {
    const wallet = newWallet();
    const message = buildSiwsMessage(fieldsFor(wallet.address));
    expect(
      verifySiwsSignature({ message, address: wallet.address, signature: wallet.sign(message) }),
    ).toEqual({
      ok: true,
      form: "raw",
    });
  });

  it("GIVEN another key's signature, another text or a tampered signature THEN refuses it", () => {
    const wallet = newWallet();
    const forger = newWallet();
    const message = buildSiwsMessage(fieldsFor(wallet.address));
    const refused = { ok: false, problem: "bad_signature" };
    expect(
      verifySiwsSignature({ message, address: wallet.address, signature: forger.sign(message) }),
    ).toEqual(refused);
    expect(
      verifySiwsSignature({
        message: `${message} `,
        address: wallet.address,
        signature: wallet.sign(message),
      }),
    ).toEqual(refused);
    const bytes = decodeBase58Exact(wallet.sign(message), 64) ?? new Uint8Array(64);
    bytes[10] = (bytes[10] ?? 0) ^ 1;
    expect(verifySiwsSignature({ message, address: wallet.address, signature: encodeBase58(bytes) })).toEqual(
      refused,
    );
  });

  it("GIVEN malformed base58 THEN says which part is malformed", () => {
    const wallet = newWallet();
    expect(
      verifySiwsSignature({ message: "m", address: "not-an-address", signature: wallet.sign("m") }),
    ).toEqual({
      ok: false,
      problem: "malformed_address",
    });
    expect(verifySiwsSignature({ message: "m", address: wallet.address, signature: "0OIl" })).toEqual({
      ok: false,
      problem: "malformed_signature",
    });
  });

  it("GIVEN a text THEN its legacy off-chain envelope is the one solana-sdk's test fixes", () => {
    // solana-sdk (before 3.0) offchain_message.rs, test_offchain_message_ascii: "Test Message".
    const expected = [
      255, 115, 111, 108, 97, 110, 97, 32, 111, 102, 102, 99, 104, 97, 105, 110, 0, 0, 12, 0, 84, 101, 115,
      116, 32, 77, 101, 115, 115, 97, 103, 101,
    ];
    const legacy = offchainEnvelopesOf(new TextEncoder().encode("Test Message"), new Uint8Array(32)).find(
      (envelope) => envelope.form === "offchain-legacy",
    );
    expect([...(legacy?.bytes ?? [])]).toEqual(expected);
  });

  it("GIVEN the legacy envelope signed (the Solana CLI 1.x/2.x) THEN verifies", () => {
    const wallet = newWallet();
    const message = buildSiwsMessage(fieldsFor(wallet.address));
    const publicKey = decodeBase58Exact(wallet.address, 32) ?? new Uint8Array(32);
    const legacy = offchainEnvelopesOf(new TextEncoder().encode(message), publicKey).find(
      (envelope) => envelope.form === "offchain-legacy",
    );
    // A multi-line text is UTF-8 (format 1), not restricted ASCII.
    expect(legacy?.bytes[17]).toBe(1);
    const signature = wallet.signBytes(legacy?.bytes ?? new Uint8Array());
    expect(verifySiwsSignature({ message, address: wallet.address, signature })).toEqual({
      ok: true,
      form: "offchain-legacy",
    });
  });

  it.each([0, 1] as const)(
    "GIVEN @solana/kit's off-chain message v%s signed by the address THEN verifies",
    async (version) => {
      const keyPair = await generateKeyPair();
      const address: Address = await getAddressFromPublicKey(keyPair.publicKey);
      const message = buildSiwsMessage(fieldsFor(address));
      const requiredSignatories = [{ address }];
      const envelope =
        version === 0
          ? compileOffchainMessageV0Envelope({
              version: 0,
              applicationDomain: offchainMessageApplicationDomain("11111111111111111111111111111111"),
              content: offchainMessageContentUtf8Of1232BytesMax(message),
              requiredSignatories,
            })
          : compileOffchainMessageV1Envelope({ version: 1, content: message, requiredSignatories });
      const signed = await signOffchainMessageEnvelope([keyPair], envelope);
      const signature = signed.signatures[address];
      expect(signature).toBeTruthy();
      expect(
        verifySiwsSignature({ message, address, signature: encodeBase58(signature ?? new Uint8Array()) }),
      ).toEqual({ ok: true, form: `offchain-v${version}` });
    },
  );
});
