import type { Logger } from "./logger.ts";

export type SignalSource = {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
};

export type ShutdownOptions = {
  logger: Logger;
  /**
   * Whole shutdown budget. Each step gets a deadline within it (see `add`); a step still running at
   * its deadline is left behind so the steps after it still run, and the process then exits 1.
   */
  timeoutMs: number;
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
  /** Where signals come from; the process unless a test supplies an emitter. */
  signalSource?: SignalSource;
};

/**
 * Closes one resource. The signal aborts shortly before the step's deadline: stop waiting for work
 * to drain then, and let go of what is left (an unfinished job returns to the queue through its lock,
 * an unanswered webhook is retried by Telegram).
 */
export type ShutdownStep = (signal: AbortSignal) => Promise<void>;

export type Shutdown = {
  /** Registers a resource to close. Call it right after starting the resource. */
  add(name: string, close: ShutdownStep): void;
  /** Closes everything once; later calls return the same promise. */
  run(reason: string): Promise<void>;
  installSignalHandlers(): void;
};

type Step = { name: string; close: ShutdownStep };

/** At most this much of the budget is kept back for each step that comes later. */
const MAX_RESERVE_PER_STEP_MS = 1_000;

/** Resolves once the signal aborts, never without one: for racing a wait against a stop's deadline. */
export function whenAborted(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise<void>(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

export function createShutdown(options: ShutdownOptions): Shutdown {
  const { logger, timeoutMs } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const signalSource = options.signalSource ?? process;

  const steps: Step[] = [];
  let running: Promise<void> | undefined;
  let currentStep: string | undefined;

  /**
   * Runs the steps, last started first, each against a deadline: the end of the budget less a reserve
   * for every step still to come. A slow early step (a chat adapter waiting for answers) thus cannot
   * eat the time of the last ones (closing Redis and the database), which are quick but must run.
   * Returns the names of the steps left running at their deadline.
   */
  async function closeAll(end: number): Promise<string[]> {
    // Last started, first stopped: later resources usually depend on earlier ones (the bot on the queue, the
    // queue on Redis), so they must let go before what they use disappears.
    const ordered = [...steps].reverse();
    const reserveMs = Math.min(MAX_RESERVE_PER_STEP_MS, timeoutMs / (2 * Math.max(ordered.length, 1)));
    // A step is told to wrap up this long before its deadline, to let go of what it holds in time.
    const wrapUpMs = reserveMs / 4;
    const abandoned: string[] = [];
    for (const [index, step] of ordered.entries()) {
      currentStep = step.name;
      const startedAt = performance.now();
      const deadline = end - wrapUpMs - (ordered.length - 1 - index) * reserveMs;
      const controller = new AbortController();
      const wrapUp = setTimeout(() => controller.abort(), Math.max(0, deadline - wrapUpMs - startedAt));
      // Called at once (a step may act before its first await), with a synchronous throw made a rejection.
      const closing = (async () => step.close(controller.signal))().then(
        () => "done" as const,
        (error: unknown) => {
          logger.error({ err: error, step: step.name }, "shutdown step failed");
          return "failed" as const;
        },
      );
      let giveUp: NodeJS.Timeout | undefined;
      const late = new Promise<"abandoned">((resolve) => {
        giveUp = setTimeout(resolve, Math.max(0, deadline - startedAt), "abandoned");
      });
      const outcome = await Promise.race([closing, late]);
      clearTimeout(wrapUp);
      clearTimeout(giveUp);
      const ms = Math.round(performance.now() - startedAt);
      if (outcome === "done") logger.info({ step: step.name, ms }, "shutdown step done");
      if (outcome === "abandoned") {
        abandoned.push(step.name);
        logger.error({ step: step.name, ms }, "shutdown step abandoned at its deadline");
      }
    }
    currentStep = undefined;
    return abandoned;
  }

  async function shutDown(reason: string): Promise<void> {
    logger.info({ reason, steps: steps.length, timeoutMs }, "shutting down");
    const end = performance.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    // Every step is left behind by its deadline, so this fires only if something blocks the event loop.
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const outcome = await Promise.race([closeAll(end), timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      logger.error({ timeoutMs, pendingStep: currentStep }, "shutdown timed out");
      exit(1);
    } else if (outcome.length > 0) {
      logger.error({ abandoned: outcome }, "shutdown complete, with steps left unfinished");
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
