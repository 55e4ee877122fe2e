// The wallet verification page's routes, apart from the package's entry: they load @memebot/core,
// which the worker's and metrics' web servers have no use for.
export { walletLinkRoutes, WALLET_PAGE_RATE_LIMIT, type WalletLinkRoutesOptions } from "./routes.ts";
export { SECRET_KEY_TEXT, WALLET_REFUSAL_TEXT } from "./refusals.ts";
