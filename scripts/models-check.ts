// `pnpm models:check [--timeout-ms N]`: probes every configured model provider and prints what works.
// Exit 0 when every configured model answered, 1 when one did not, 2 when the configuration is invalid.
import { checkModels, everyModelReachable, formatRows } from "@memebot/ai";
import { EnvError, parseEnv, type Env } from "@memebot/config";

const USAGE = "usage: pnpm models:check [--timeout-ms N]   (N: each probe's limit in ms, default 10000)";

function timeoutFromArguments(args: readonly string[]): number | undefined {
  let timeoutMs: number | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const argument = args[index] ?? "";
    if (argument === "--help" || argument === "-h") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const value = argument.startsWith("--timeout-ms=")
      ? argument.slice("--timeout-ms=".length)
      : argument === "--timeout-ms"
        ? args[(index += 1)]
        : undefined;
    if (!argument.startsWith("--timeout-ms")) {
      process.stderr.write(`models:check: unexpected argument ${JSON.stringify(argument)}\n${USAGE}\n`);
      process.exit(2);
    }
    if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1) {
      process.stderr.write(`models:check: --timeout-ms needs a whole number of milliseconds\n${USAGE}\n`);
      process.exit(2);
    }
    timeoutMs = Number(value);
  }
  return timeoutMs;
}

const timeoutMs = timeoutFromArguments(process.argv.slice(2));

let env: Env;
try {
  env = parseEnv(process.env);
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  process.stderr.write(`models:check: ${error.message}\nSee .env.example and models.example.yaml.\n`);
  process.exit(2);
}

const { models } = env;
if (models.providers.length === 0) {
  process.stdout.write(
    [
      "No model provider is configured: every task answers from its offline engine.",
      "To configure one, either",
      "  - set MODELS_CONFIG to a YAML or JSON file of providers and tasks (start from models.example.yaml), or",
      "  - set LLM_BASE_URL (and LLM_MODEL, LLM_API_KEY if the server needs one) for a single OpenAI-compatible server,",
      "then run `pnpm models:check` again.",
      "",
    ].join("\n"),
  );
  process.exit(0);
}

const from = models.source.kind === "file" ? models.source.path : "the LLM_* variables";
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const modelCount = models.providers.reduce((sum, provider) => sum + provider.models.length, 0);
process.stdout.write(
  `Checking ${count(models.providers.length, "provider")} and ${count(modelCount, "model")} from ${from}…\n\n`,
);
const rows = await checkModels(models, timeoutMs === undefined ? {} : { timeoutMs });
process.stdout.write(formatRows(rows));
process.exit(everyModelReachable(rows) ? 0 : 1);
