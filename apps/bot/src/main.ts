// `pnpm start:bot`: the bot alone, for scale-out beside any number of workers on one Redis.
import { runProcess } from "@memebot/runtime";
import { startBot } from "./bot.ts";

await runProcess("bot", (infrastructure) => startBot(infrastructure));
