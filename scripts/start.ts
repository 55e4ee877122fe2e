// `pnpm start`: bot and worker in one process, for one machine. They share one
// database connection (embedded PGlite allows only one) and one HTTP server.
import { startBot } from "@memebot/bot";
import { servesConsole } from "@memebot/config";
import { runProcess } from "@memebot/runtime";
import { startWorker } from "@memebot/worker";

await runProcess(
  "memebot",
  async (infrastructure) => {
    // The worker first, so a piped console's first command already has someone to answer it.
    const worker = await startWorker(infrastructure);
    const bot = await startBot(infrastructure);
    return [...worker, ...bot];
  },
  { servesConsole },
);
