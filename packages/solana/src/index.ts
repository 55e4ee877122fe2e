// Solana: chain reading (mints, holdings) and wallet proofs. Filled in by the wallets and gating work.
export {};
export {
  buildSiwsMessage,
  decodeBase58Exact,
  encodeBase58,
  isBase58Signature,
  isWalletAddress,
  parseSiwsMessage,
  verifyEd25519,
  verifySiwsSignature,
  type SignedForm,
  type SiwsFields,
  type SiwsParseProblem,
  type SiwsVerification,
} from "./siws.ts";
