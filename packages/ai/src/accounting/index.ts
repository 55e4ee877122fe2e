// Accounting without the model client: processes that only read or charge budgets (the bot, for
// /usage) import "@memebot/ai/accounting" and do not load the OpenAI library.
export {
  createTokenBudgetLedger,
  utcDay,
  LEDGER_TTL_SECONDS,
  type TokenBudgetLedgerOptions,
} from "./budget-ledger.ts";
export type { CallCommunity, TokenBudgetLedger } from "../gateway/types.ts";
