// Small helpers for what the gateway reports (metrics, logs): reporting never fails a call, and
// logs name an error by its class only (its message may quote what a server or a client wrote).

/** Runs a metrics hook; a broken one must not turn an answer into a failure. */
export function safely(report: () => void): void {
  try {
    report();
  } catch {
    // Nothing to do: the call goes on without this report.
  }
}

/** An error's class name for logs, never its message. */
export const errorName = (error: unknown): string => (error instanceof Error ? error.name : "unknown");
