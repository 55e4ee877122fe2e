// Solana: chain reading (mints, holdings) and wallet proofs. Filled in by the wallets and gating work.
export {};
export {
  formatTokenAmount,
  MAX_TOKEN_AMOUNT,
  parseTokenAmount,
  type TokenAmountProblem,
  type TokenAmountResult,
} from "./token-amount.ts";
export { SolanaRpc, type RpcOutcome, type RpcStats, type SolanaRpcOptions } from "./rpc.ts";
export {
  readMint,
  type MintInfo,
  type ReadMintProblem,
  type ReadMintResult,
  type TokenProgram,
} from "./mint.ts";
export { ACCOUNTS_PER_REQUEST, readHoldings, type HolderBalance, type HoldingsQuery } from "./holdings.ts";
export { parseSolanaAddress } from "./solana-address.ts";
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
