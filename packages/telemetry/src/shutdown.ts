import type { Logger } from "./logger.ts";

export type SignalSource = {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
};

export type ShutdownOptions = {
  logger: Logger;
  /** Whole shutdown budget; when it runs out the process exits 1 with whatever is still open. */
  timeoutMs: number;
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
  /** Where signals come from; the process unless a test supplies an emitter. */
  signalSource?: SignalSource;
};

export type Shutdown = {
  /** Registers a resource to close. Call it right after starting the resource. */
  add(name: string, close: () => Promise<void>): void;
  /** Closes everything once; later calls return the same promise. */
  run(reason: string): Promise<void>;
  installSignalHandlers(): void;
};

type Step = { name: string; close: () => Promise<void> };

export function createShutdown(options: ShutdownOptions): Shutdown {
  const { logger, timeoutMs } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const signalSource = options.signalSource ?? process;

  const steps: Step[] = [];
  let running: Promise<void> | undefined;
  let currentStep: string | undefined;

  async function closeAll(): Promise<void> {
    // Last started, first stopped: later resources usually depend on earlier ones (the bot on the queue, the
    // queue on Redis), so they must let go before what they use disappears.
    for (const step of [...steps].reverse()) {
      currentStep = step.name;
      const startedAt = performance.now();
      try {
        await step.close();
        logger.info({ step: step.name, ms: Math.round(performance.now() - startedAt) }, "shutdown step done");
      } catch (error) {
        logger.error({ err: error, step: step.name }, "shutdown step failed");
      }
    }
    currentStep = undefined;
  }

  async function shutDown(reason: string): Promise<void> {
    logger.info({ reason, steps: steps.length }, "shutting down");
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const outcome = await Promise.race([closeAll().then(() => "done" as const), timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      logger.error({ timeoutMs, pendingStep: currentStep }, "shutdown timed out");
      exit(1);
    } else {
      logger.info("shutdown complete");
      exit(0);
    }
  }

  function run(reason: string): Promise<void> {
    if (running !== undefined) {
      logger.warn({ reason }, "shutdown already running; ignoring");
      return running;
    }
    running = shutDown(reason);
    return running;
  }

  return {
    add(name, close) {
      if (running !== undefined) {
        logger.warn({ step: name }, "shutdown already running; a step registered now will not run");
        return;
      }
      steps.push({ name, close });
    },
    run,
    installSignalHandlers() {
      for (const signal of signals) {
        // A second signal during shutdown lands in run(), which logs and ignores it.
        signalSource.on(signal, () => void run(`signal ${signal}`));
      }
    },
  };
}
