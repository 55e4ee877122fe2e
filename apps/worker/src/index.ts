export { startWorker, type WorkerOptions } from "./worker.ts";
export { createWorkerMemeWriter } from "./meme-writer.ts";
