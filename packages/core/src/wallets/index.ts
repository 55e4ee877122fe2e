export * from "./store.ts";
export * from "./link.ts";
export { walletCommand, type WalletService } from "./wallet-command.ts";
