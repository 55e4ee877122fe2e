// Reading the chain: RPC endpoints with fallbacks, mints and holdings. Kept apart from the package's
// main entry because @solana/web3.js and spl-token cost over a second of CPU to load: processes load
// this on first use (see createGateChain in @memebot/core).
export { SolanaRpc, type RpcOutcome, type RpcStats, type SolanaRpcOptions } from "./rpc.ts";
export {
  readMint,
  type MintInfo,
  type ReadMintProblem,
  type ReadMintResult,
  type TokenProgram,
} from "./mint.ts";
export {
  ACCOUNTS_PER_REQUEST,
  createOwnerSearchMemory,
  readHoldings,
  type HolderBalance,
  type HoldingsQuery,
  type OwnerSearchMemory,
} from "./holdings.ts";
export { parseSolanaAddress } from "./solana-address.ts";
