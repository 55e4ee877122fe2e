// Solana without the chain: exact token amounts and wallet proofs (Sign In With Solana), on node:crypto
// and bs58 alone. Reading the chain (@solana/web3.js and spl-token, over a second of start-up CPU) is
// `@memebot/solana/chain`, loaded only by what reads it.
export {
  formatTokenAmount,
  MAX_TOKEN_AMOUNT,
  parseTokenAmount,
  type TokenAmountProblem,
  type TokenAmountResult,
} from "./token-amount.ts";
export {
  buildSiwsMessage,
  decodeBase58Exact,
  encodeBase58,
  isBase58Signature,
  isSolanaSecretKey,
  isWalletAddress,
  parseSiwsMessage,
  verifyEd25519,
  verifySiwsSignature,
  type SignedForm,
  type SiwsFields,
  type SiwsParseProblem,
  type SiwsVerification,
} from "./siws.ts";
