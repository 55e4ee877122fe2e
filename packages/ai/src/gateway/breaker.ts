// A circuit breaker per provider, kept in each process (not in Redis): every process learns on
// its own that a provider is down, which costs each at most `failureThreshold` failed requests,
// and no shared state can keep a recovered provider shut.
//
// closed ── failureThreshold consecutive failures ──▶ open ── coolDownMs ──▶ half-open
// half-open lets one request through (the probe): success closes, failure opens again.
// Requests that say nothing about the provider's health (a 429, a rejected request, the
// caller's abort) neither count as failures nor reset the count; a probe ending so frees the
// probe slot for the next request.

export type BreakerReport = "success" | "failure" | "neutral";

export type BreakerPass =
  | { allowed: true; probe: boolean }
  /** waitMs: until the cool-down ends (or a guess while another request probes). */
  | { allowed: false; waitMs: number };

export interface CircuitBreaker {
  /** Whether a request may go now; in half-open, only one caller at a time gets a probe. */
  tryPass(): BreakerPass;
  /** How the request that tryPass let through ended. */
  report(pass: { probe: boolean }, outcome: BreakerReport): void;
  readonly state: "closed" | "open" | "half-open";
}

export interface BreakerOptions {
  failureThreshold: number;
  coolDownMs: number;
  now: () => number;
  onChange?: (open: boolean) => void;
}

// A probe ends within its provider's timeout; callers waiting on it look again this often.
const PROBE_WAIT_MS = 50;

export function createCircuitBreaker(options: BreakerOptions): CircuitBreaker {
  const { failureThreshold, coolDownMs, now, onChange } = options;
  let consecutiveFailures = 0;
  let openUntil: number | undefined;
  let probing = false;

  function open() {
    const wasOpen = openUntil !== undefined;
    openUntil = now() + coolDownMs;
    if (!wasOpen) onChange?.(true);
  }

  function close() {
    const wasOpen = openUntil !== undefined;
    openUntil = undefined;
    consecutiveFailures = 0;
    if (wasOpen) onChange?.(false);
  }

  return {
    get state() {
      if (openUntil === undefined) return "closed";
      return now() >= openUntil ? "half-open" : "open";
    },
    tryPass() {
      if (openUntil === undefined) return { allowed: true, probe: false };
      const left = openUntil - now();
      if (left > 0) return { allowed: false, waitMs: left };
      if (probing) return { allowed: false, waitMs: PROBE_WAIT_MS };
      probing = true;
      return { allowed: true, probe: true };
    },
    report(pass, outcome) {
      if (pass.probe) probing = false;
      if (outcome === "success") {
        // A request let through before the breaker opened may still succeed: that closes it too.
        close();
      } else if (outcome === "failure") {
        consecutiveFailures += 1;
        if (pass.probe || consecutiveFailures >= failureThreshold) open();
      }
    },
  };
}
