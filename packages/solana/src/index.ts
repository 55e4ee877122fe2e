// Solana: chain reading (mints, holdings) and wallet proofs. Filled in by the wallets and gating work.
export {};
