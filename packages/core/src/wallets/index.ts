export * from "./store.ts";
export * from "./link.ts";
export * from "./cleanup.ts";
export { walletJobs, WALLET_CLEANUP_EVERY_MS } from "./jobs.ts";
export { walletCommand, walletRecordedArgs, type WalletService } from "./wallet-command.ts";
