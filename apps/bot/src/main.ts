// `pnpm start:bot`: the bot alone, for scale-out beside any number of workers on one Redis.
import { servesConsole } from "@memebot/config";
import { runProcess } from "@memebot/runtime";
import { startBot } from "./bot.ts";

await runProcess("bot", (infrastructure) => startBot(infrastructure), { servesConsole });
