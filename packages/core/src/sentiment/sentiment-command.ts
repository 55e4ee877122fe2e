// /sentiment [$TOKEN] [window]: how a tracked token's chatter feels. The words may come in either
// order; the token must be one the community tracks (or left out: all of its chatter). The report and
// its chart are made by the worker (sentiment.report): sharp and Vega never run in the bot.
import { commandRunOf } from "../commands/run.ts";
import type { CommandOutcome } from "../commands/types.ts";
import { defineCommand } from "../commands/types.ts";
import { err, ok, userError, type Result, type UserError } from "../result.ts";
import { quotable } from "../safe-text.ts";
import { DEFAULT_SENTIMENT_WINDOW, isSentimentWindow, type SentimentWindow } from "./report.ts";
import { symbolOf } from "./track-command.ts";

export interface SentimentArgs {
  symbol?: string;
  window: SentimentWindow;
}

/** "24h", "$BONK", "7D bonk": a window and a token in either order, each at most once. */
export function parseSentimentWords(words: readonly string[]): Result<SentimentArgs, UserError> {
  let symbol: string | undefined;
  let window: SentimentWindow | undefined;
  for (const word of words) {
    const lower = word.toLowerCase();
    if (isSentimentWindow(lower)) {
      if (window) return err(userError("sentiment.error.twice"));
      window = lower;
      continue;
    }
    // A number and a unit ("2h", "30m", "1w") meant a window, just not one offered.
    if (/^\d+\s*[a-z]{1,7}$/i.test(word))
      return err(userError("sentiment.error.badWindow", { window: quotable(word) }));
    const candidate = symbolOf(word);
    if (!candidate) return err(userError("sentiment.error.badToken", { token: quotable(word) }));
    if (symbol) return err(userError("sentiment.error.twice"));
    symbol = candidate;
  }
  return ok({ ...(symbol ? { symbol } : {}), window: window ?? DEFAULT_SENTIMENT_WINDOW });
}

const failure = (error: UserError): CommandOutcome => ({ kind: "error", error });

export const sentimentCommand = defineCommand<SentimentArgs>({
  name: "sentiment",
  description: "command.sentiment.description",
  args: [
    { name: "token", description: "arg.sentiment.token", required: false, maxLength: 16 },
    { name: "window", description: "arg.sentiment.window", required: false, maxLength: 16 },
  ],
  parse: (raw) =>
    parseSentimentWords(
      [raw.token, raw.window].flatMap((value) => (value ?? "").split(/\s+/)).filter((word) => word !== ""),
    ),
  permission: "anyone",
  toggleable: true,
  defaultCooldownSeconds: 10,
  answeredByJob: true,
  async run(context) {
    const { invocation, args, services } = context;
    if (args.symbol) {
      if (!services.tracking) return failure(userError("sentiment.error.unavailable"));
      const tracked = await services.tracking.list(invocation.community);
      if (!tracked.some((token) => token.symbol === args.symbol)) {
        return failure(
          tracked.length === 0
            ? userError("sentiment.error.noTokens", { symbol: args.symbol })
            : userError("sentiment.error.unknownToken", {
                symbol: args.symbol,
                tracked: tracked.map((token) => `$${token.symbol}`).join(", "),
              }),
        );
      }
    }
    const job = await services.jobs.enqueue(
      "sentiment.report",
      {
        run: commandRunOf(context, [args.symbol ? `$${args.symbol}` : "", args.window].join(" ").trim()),
        ...(args.symbol ? { symbol: args.symbol } : {}),
        window: args.window,
      },
      { jobId: invocation.key },
    );
    return { kind: "queued", jobId: job.jobId };
  },
});
