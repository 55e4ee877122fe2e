// `pnpm start:worker`: the worker alone, for scale-out beside any number of bots on one Redis.
import { runProcess } from "@memebot/runtime";
import { startWorker } from "./worker.ts";

await runProcess("worker", (infrastructure) => startWorker(infrastructure));
