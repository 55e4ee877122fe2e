// One call's way through its candidates, within its deadline: take a slot (breaker, then the
// shared limits in Redis), send, and on failure move on. Candidates are tried in order, and after
// every request the scan starts again from the top, so a better candidate that was busy a moment
// ago is used as soon as it frees. When every remaining candidate is busy, the call waits a little
// (or until this process frees a slot) and looks again, until the deadline.
import type { TaskConfig } from "@memebot/config";
import type { TokenUsage } from "../completion.ts";
import type { BreakerReport } from "./breaker.ts";
import { ranked, type Candidate } from "./candidates.ts";
import type { LatencyTracker } from "./latency.ts";
import type { ProviderLimits } from "./limits.ts";
import type { AttemptOutcome, GatewayMetrics } from "./metrics.ts";
import { AttemptFailure, type ProviderAnswer, type RequestBounds } from "./provider-request.ts";
import { untilAborted } from "../model-failure.ts";
import { errorName, safely } from "./report.ts";
import type { CallScope } from "./types.ts";

export interface GatewayLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface Call {
  readonly request: CallScope;
  readonly task: TaskConfig;
  /** Fires on the caller's abort and at the call's deadline. */
  readonly signal: AbortSignal;
  timeLeft(): number;
  /** Tokens every request of this call used, answered or not. */
  readonly usage: TokenUsage;
  /**
   * Slots handed to the call's attempt that no request has used yet: an attempt that throws before
   * sending (a bug, a schema that cannot be sent) gives them back in run(), so no lease stays in
   * Redis and no half-open breaker stays "probing" for ever. Kept by the call loop.
   */
  unsent: Slot[] | undefined;
}

/** What the model's answer was worth. */
export type Verdict<T> = { ok: true; value: T } | { ok: false; issues: readonly string[]; text: string };

/** Leave to send one request: the breaker let it through and the limits gave it a lease. */
export interface Slot {
  readonly candidate: Candidate;
  pass: { probe: boolean };
  /** undefined when Redis could not be asked (the request went ahead unlimited). */
  leaseId: string | undefined;
  /** Whether this request is the provider and model's first measurement (see latency.ts). */
  firstMeasurement: boolean;
}

/** One candidate's turn: one request, or more (a repair round), each under its own slot. */
export type Attempt<T> = (call: Call, candidate: Candidate, slot: Slot) => Promise<Verdict<T>>;

export type CallEnd<T> =
  | { kind: "answer"; value: T; candidate: Candidate; detail: string }
  /** The last model that answered did so with invalid output (even after repair). */
  | { kind: "invalid"; candidate: Candidate; detail: string }
  | { kind: "unavailable"; detail: string };

export interface CallLoopOptions {
  limits: ProviderLimits;
  latency: LatencyTracker;
  metrics: GatewayMetrics | undefined;
  logger: GatewayLogger | undefined;
  /** How often a call waiting for a slot held by another process looks again. */
  pollMs: number;
  /** A lease outlives its request's timeout by this much, so it is never taken back while the request runs. */
  leaseMarginMs: number;
  /** Keeps a promise (a lease release) until close() has waited for it. */
  track(work: Promise<unknown>): void;
}

export interface CallLoop {
  run<T>(call: Call, candidates: readonly Candidate[], attempt: Attempt<T>): Promise<CallEnd<T>>;
  /** One request under `slot`; the slot is released afterwards. Throws AttemptFailure or the caller's abort reason. */
  send<T>(
    call: Call,
    candidate: Candidate,
    slot: Slot,
    perform: (bounds: RequestBounds) => Promise<ProviderAnswer>,
    judge: (answer: ProviderAnswer) => Verdict<T>,
  ): Promise<Verdict<T>>;
  /** A slot on this candidate alone, waiting within the deadline; undefined if the deadline comes first. */
  slotFor(call: Call, candidate: Candidate): Promise<Slot | undefined>;
}

// A 429 without retry-after still pauses the provider this long, so it is not hammered.
const DEFAULT_RETRY_AFTER_MS = 1_000;
const MAX_RETRY_AFTER_MS = 10 * 60_000;
// A provider answering 429 with a zero retry-after is tried at most this often per call.
const MAX_RATE_LIMITED_TRIES = 3;

type Blocked = {
  blocked: true;
  /** For the call's detail: why the candidate was passed over. */
  why:
    | "circuit open"
    | "at its concurrency limit"
    | "at its per-minute limit"
    | "asked us to wait (429)"
    | "no time left";
  waitMs: number;
  mayFreeSooner: boolean;
};

const REFUSALS = {
  concurrency: "at its concurrency limit",
  rpm: "at its per-minute limit",
  retry_after: "asked us to wait (429)",
} as const;

export function createCallLoop(options: CallLoopOptions): CallLoop {
  const { limits, latency, metrics, logger, pollMs, leaseMarginMs, track } = options;
  // Providers already named in the log for sending no token usage (once each is enough).
  const estimatingUsage = new Set<string>();
  // Calls of this process waiting for a slot; woken when this process frees one.
  const waiting = new Set<() => void>();

  function handOut(call: Call, slot: Slot): Slot {
    if (call.unsent) call.unsent.push(slot);
    else call.unsent = [slot];
    return slot;
  }

  /** Frees every slot of `call` that send never used, as if its request had said nothing. */
  function giveBackUnsent(call: Call) {
    const slots = call.unsent;
    if (!slots || slots.length === 0) return;
    call.unsent = undefined;
    for (const slot of slots) {
      latency.ended(slot.candidate.key, slot.firstMeasurement);
      slot.candidate.route.breaker.report(slot.pass, "neutral");
      release(slot, 0);
    }
  }

  function release(slot: Slot, pauseMs: number) {
    if (slot.leaseId === undefined) return;
    const { provider } = slot.candidate.route;
    track(
      limits
        .release(provider, slot.leaseId, pauseMs)
        .catch((error: unknown) => warnLimits(provider.name, error))
        .finally(() => {
          for (const wake of waiting) wake();
        }),
    );
  }

  function warnLimits(provider: string, error: unknown) {
    logger?.warn(
      { provider, reason: errorName(error) },
      "model gateway: Redis did not answer; provider limits not applied",
    );
  }

  async function tryTake(call: Call, candidate: Candidate): Promise<Slot | Blocked> {
    const { provider, breaker } = candidate.route;
    const pass = breaker.tryPass();
    if (!pass.allowed)
      return { blocked: true, why: "circuit open", waitMs: pass.waitMs, mayFreeSooner: false };
    const leaseTtlMs = Math.min(provider.timeoutMs, call.timeLeft()) + leaseMarginMs;
    // Counted from now: other calls ranking candidates meanwhile see this one is being tried.
    const firstMeasurement = latency.started(candidate.key);
    const acquiring = limits.acquire(provider, leaseTtlMs);
    try {
      // Bounded by the limits' own watchdog (a silent Redis fails the batch) and the call's signal.
      const decision = await untilAborted(acquiring, call.signal);
      if (decision.granted)
        return handOut(call, { candidate, pass, leaseId: decision.leaseId, firstMeasurement });
      latency.ended(candidate.key, firstMeasurement);
      breaker.report(pass, "neutral");
      // A concurrency slot frees when its holder finishes, usually long before its lease expires.
      return {
        blocked: true,
        why: REFUSALS[decision.why],
        waitMs: decision.waitMs,
        mayFreeSooner: decision.why === "concurrency",
      };
    } catch (error) {
      // The lease may still be granted after we stopped waiting: give it back.
      acquiring
        .then(
          (decision) =>
            decision.granted &&
            release({ candidate, pass, leaseId: decision.leaseId, firstMeasurement: false }, 0),
        )
        .catch(() => undefined);
      if (!call.signal.aborted) {
        // Redis is failing or silent: the request goes ahead rather than every call answering offline.
        warnLimits(provider.name, error);
        return handOut(call, { candidate, pass, leaseId: undefined, firstMeasurement });
      }
      latency.ended(candidate.key, firstMeasurement);
      breaker.report(pass, "neutral");
      throwIfCallerAborted(call);
      return { blocked: true, why: "no time left", waitMs: Infinity, mayFreeSooner: false };
    }
  }

  /** Sleeps until `ms` pass, the call's signal fires, or this process frees a slot. */
  function pause(call: Call, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiting.delete(done);
        call.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      waiting.add(done);
      call.signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Whether a blocked candidate may free before the deadline (worth waiting for). */
  const worthWaiting = (call: Call, blocked: Blocked) =>
    blocked.mayFreeSooner || blocked.waitMs < call.timeLeft();

  const loop: CallLoop = {
    async send(call, candidate, slot, perform, judge) {
      const { provider, breaker } = candidate.route;
      const unsent = call.unsent;
      if (unsent) {
        const at = unsent.indexOf(slot);
        if (at >= 0) unsent.splice(at, 1);
      }
      const timeoutMs = Math.max(1, Math.min(provider.timeoutMs, call.timeLeft()));
      const started = performance.now();
      let outcome: AttemptOutcome = "bad_response";
      let pauseMs = 0;
      try {
        const answer = await perform({ signal: call.signal, callerSignal: call.request.signal, timeoutMs });
        call.usage.tokensIn += answer.usage.tokensIn;
        call.usage.tokensOut += answer.usage.tokensOut;
        if (answer.usageEstimated && !estimatingUsage.has(provider.name)) {
          estimatingUsage.add(provider.name);
          logger?.warn(
            { provider: provider.name },
            "model gateway: the provider reports no token usage; tokens are estimated (characters / 4) for accounting and budgets",
          );
        }
        const verdict = judge(answer);
        outcome = verdict.ok ? "ok" : "invalid";
        return verdict;
      } catch (error) {
        if (call.request.signal?.aborted) outcome = "aborted";
        if (error instanceof AttemptFailure) {
          outcome = error.outcome;
          if (outcome === "rate_limited") {
            pauseMs = Math.min(error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS);
          }
        }
        throw error;
      } finally {
        const elapsedMs = performance.now() - started;
        // A timeout because the call's own deadline ran out says nothing about the provider.
        const cutShort = outcome === "timeout" && call.timeLeft() <= 1 && timeoutMs < provider.timeoutMs;
        const measured = outcome === "ok" || outcome === "invalid" || (outcome === "timeout" && !cutShort);
        latency.ended(candidate.key, slot.firstMeasurement, measured ? elapsedMs : undefined);
        breaker.report(slot.pass, cutShort ? "neutral" : breakerReportOf(outcome));
        release(slot, pauseMs);
        const labels = { provider: provider.name, model: candidate.model.name, task: call.request.task };
        safely(() => metrics?.requests.inc({ ...labels, outcome }));
        safely(() => metrics?.latency.observe(labels, elapsedMs / 1000));
      }
    },

    async slotFor(call, candidate) {
      for (;;) {
        if (call.signal.aborted) {
          throwIfCallerAborted(call);
          return undefined;
        }
        const taken = await tryTake(call, candidate);
        if (!("blocked" in taken)) return taken;
        if (!worthWaiting(call, taken)) return undefined;
        await pause(call, Math.min(taken.waitMs, pollMs));
      }
    },

    async run(call, candidates, attempt) {
      // `candidates` come ranked (candidatesFor).
      const done = new Set<Candidate>();
      const rateLimitedTries = new Map<Candidate, number>();
      const failures: string[] = [];
      // Candidates passed over and never tried, with why: for the detail of a call that found no answer.
      const passedOver = new Map<Candidate, Blocked["why"]>();
      const tried = new Set<Candidate>();
      let invalid: Candidate | undefined;
      // The first round takes the order the candidates came in (ranked a moment ago); later rounds
      // rank again, since what the earlier requests measured may have changed it.
      let firstRound = true;

      for (;;) {
        throwIfCallerAborted(call);
        if (call.signal.aborted) break;
        const order = firstRound
          ? candidates
          : ranked(
              candidates.filter((candidate) => !done.has(candidate)),
              latency,
            );
        firstRound = false;
        let soonest = Infinity;
        let sent = false;
        for (const candidate of order) {
          const taken = await tryTake(call, candidate);
          if ("blocked" in taken) {
            passedOver.set(candidate, taken.why);
            if (worthWaiting(call, taken)) soonest = Math.min(soonest, taken.waitMs);
            continue;
          }
          sent = true;
          tried.add(candidate);
          const name = nameOf(candidate);
          try {
            const verdict = await attempt(call, candidate, taken);
            giveBackUnsent(call);
            if (verdict.ok) {
              return { kind: "answer", value: verdict.value, candidate, detail: failures.join("; ") };
            }
            // The model answered wrongly (after its repair round). Another provider of the same
            // model would most likely answer the same, so those are skipped; a different model
            // next in line may do better, and trying it still ends within the deadline.
            invalid = candidate;
            failures.push(`${name}: invalid answer`);
            for (const other of candidates) {
              if (other.model.name === candidate.model.name) done.add(other);
            }
          } catch (error) {
            giveBackUnsent(call);
            if (!(error instanceof AttemptFailure)) throw error;
            failures.push(`${name}: ${error.message.replace("request failed: ", "")}`);
            const tries = (rateLimitedTries.get(candidate) ?? 0) + 1;
            if (error.outcome === "rate_limited") rateLimitedTries.set(candidate, tries);
            // A rate-limited provider stays a candidate: the limits skip it until its retry-after passes.
            if (error.outcome !== "rate_limited" || tries >= MAX_RATE_LIMITED_TRIES) done.add(candidate);
            if (error.outcome === "bad_response" && error.causeName !== undefined) {
              // Not a failure we know: the client threw something unexpected while reading the answer.
              logger?.warn(
                {
                  provider: candidate.route.provider.name,
                  model: candidate.model.name,
                  error: error.causeName,
                },
                "model gateway: unexpected error reading an answer; tried the next provider",
              );
            }
            if (error.outcome === "rejected") {
              logger?.warn(
                {
                  provider: candidate.route.provider.name,
                  model: candidate.model.name,
                  status: error.status,
                },
                "model gateway: the provider rejected the request (check its key, model id and options); skipped for this call",
              );
            }
          }
          // Start again from the top: a better candidate that was busy may be free now.
          break;
        }
        if (sent) continue;
        if (soonest === Infinity) break;
        await pause(call, Math.min(soonest, pollMs));
      }
      throwIfCallerAborted(call);
      for (const [candidate, why] of passedOver) {
        if (!tried.has(candidate)) failures.push(`${nameOf(candidate)}: ${why}`);
      }
      if (call.signal.aborted || call.timeLeft() <= 1) failures.push("deadline passed");
      if (invalid) return { kind: "invalid", candidate: invalid, detail: failures.join("; ") };
      return { kind: "unavailable", detail: failures.join("; ") };
    },
  };
  return loop;
}

const nameOf = (candidate: Candidate) => `${candidate.route.provider.name}/${candidate.model.name}`;

function breakerReportOf(outcome: AttemptOutcome): BreakerReport {
  switch (outcome) {
    case "ok":
    case "invalid":
      // It answered: the provider is up, whatever the model said.
      return "success";
    case "timeout":
    case "connection_failed":
    case "server_error":
    case "bad_response":
      return "failure";
    case "rate_limited":
    case "rejected":
    case "aborted":
      return "neutral";
  }
}

function throwIfCallerAborted(call: Call): void {
  if (call.request.signal?.aborted) throw call.request.signal.reason;
}
