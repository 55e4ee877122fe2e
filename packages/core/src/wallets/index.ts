export * from "./store.ts";
export * from "./link.ts";
export { walletCommand, walletRecordedArgs, type WalletService } from "./wallet-command.ts";
