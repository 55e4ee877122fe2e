// The model gateway: every model call of the platform, routed across the configured
// OpenAI-compatible providers (see call-loop.ts for the routing, limits.ts for the limits shared
// through Redis, breaker.ts for the circuit breaker). This file builds the requests for text and
// JSON calls, keeps the budget and writes one accounting row per call.
import OpenAI from "openai";
import type { Redis } from "ioredis";
import type { z } from "zod";
import { modelNamesOf, type ModelsConfig } from "@memebot/config";
import { jsonSchemaOf, parseJsonAnswer } from "../completion.ts";
import { ModelResponseError } from "../errors.ts";
import { abortLink, linkedAbort } from "./abort.ts";
import { createCircuitBreaker } from "./breaker.ts";
import {
  createCallLoop,
  type Attempt,
  type Call,
  type GatewayLogger,
  type Slot,
  type Verdict,
} from "./call-loop.ts";
import { candidatesFor, servedByOf, type Candidate, type Route } from "./candidates.ts";
import { createLatencyTracker } from "./latency.ts";
import { createProviderLimits } from "./limits.ts";
import type { CallOutcome, GatewayMetrics } from "./metrics.ts";
import { requestCompletion, requestStream, type ChatBody, type ProviderAnswer } from "./provider-request.ts";
import { redisAnswer } from "./redis-wait.ts";
import { errorName, safely } from "./report.ts";
import type {
  CallScope,
  GatewayResult,
  JsonCallRequest,
  ModelCallRecorder,
  ModelGateway,
  TextCallRequest,
  TokenBudgetLedger,
} from "./types.ts";
import { visibleText } from "./visible-text.ts";

export interface ModelGatewayOptions {
  config: ModelsConfig;
  /** Where the provider limits are shared between processes. */
  redis: Redis;
  /** Prefix of the gateway's Redis keys. */
  prefix: string;
  recorder?: ModelCallRecorder;
  budget?: TokenBudgetLedger;
  logger?: GatewayLogger;
  metrics?: GatewayMetrics;
  /** The circuit breakers' clock (ms); tests move it to end a cool-down. Default Date.now. */
  now?: () => number;
  /** Given to every provider's openai client. */
  fetch?: typeof fetch;
  breaker?: {
    /** Consecutive failures that open a provider's breaker. Default 5. */
    failureThreshold?: number;
    /** How long it stays open before one probe request may go. Default 30 s. */
    coolDownMs?: number;
  };
  /** A streamed answer's first token must come within min(this, the provider's timeout). Default 10 s. */
  firstTokenTimeoutMs?: number;
  /** How often a call waiting for a slot held by another process looks again. Default 25 ms. */
  pollMs?: number;
  /**
   * A provider slot's lease lasts the request's timeout plus this (default 5 s): the slot of a
   * process that died mid-request frees itself then.
   */
  leaseMarginMs?: number;
}

export function createModelGateway(options: ModelGatewayOptions): ModelGateway {
  const { config, recorder, budget, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const firstTokenTimeoutMs = options.firstTokenTimeoutMs ?? 10_000;
  const pending = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  const routes: Route[] = config.providers.map((provider) => ({
    provider,
    client: new OpenAI({
      baseURL: provider.baseURL,
      // Most self-hosted servers ignore it, but the client refuses to start without one.
      apiKey: provider.apiKey ?? "not-needed",
      // The gateway retries, on another provider where it can, within the call's deadline.
      maxRetries: 0,
      timeout: provider.timeoutMs,
      // Do not forward OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment to these servers.
      organization: null,
      project: null,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
    breaker: createCircuitBreaker({
      failureThreshold: options.breaker?.failureThreshold ?? 5,
      coolDownMs: options.breaker?.coolDownMs ?? 30_000,
      now,
      onChange(open) {
        safely(() => metrics?.breakerOpen.set({ provider: provider.name }, open ? 1 : 0));
        if (open) logger?.warn({ provider: provider.name }, "model gateway: circuit breaker opened");
        else logger?.info({ provider: provider.name }, "model gateway: circuit breaker closed");
      },
    }),
  }));
  const servedBy = servedByOf(routes);
  const latency = createLatencyTracker(() => performance.now());
  const loop = createCallLoop({
    limits: createProviderLimits(options.redis, options.prefix),
    latency,
    metrics,
    logger,
    pollMs: options.pollMs ?? 25,
    leaseMarginMs: options.leaseMarginMs ?? 5_000,
    track,
  });

  /** `prepare` builds what every request of the call shares; it runs before any slot is taken. */
  async function call<T>(request: CallScope, prepare: () => Attempt<T>): Promise<GatewayResult<T>> {
    const started = performance.now();
    const task = config.tasks[request.task];
    const usage = { tokensIn: 0, tokensOut: 0 };
    // No closures kept in consts per call (finish is the gateway's, the state's timeLeft a method):
    // under tsx, how the platform runs, each one also costs a defineProperty call for its name.

    const candidates = candidatesFor(task, request.preferredModel, servedBy, latency);
    if (candidates.length === 0) {
      finish(request, started, usage, "not_configured");
      return { ok: false, reason: "not_configured" };
    }

    const abort = linkedAbort(request.signal);
    const timer = setTimeout(abortLink, task.deadlineMs, abort);
    const { signal } = abort;
    const state: Call = {
      request,
      task,
      signal,
      usage,
      timeLeft() {
        return started + task.deadlineMs - performance.now();
      },
      unsent: undefined,
    };
    try {
      const attempt = prepare();
      let over = overBudget(request, signal);
      if (over instanceof Promise) over = await over;
      if (over) {
        finish(request, started, usage, "over_budget");
        return { ok: false, reason: "over_budget" };
      }
      const end = await loop.run(state, candidates, attempt);
      if (end.kind === "answer") {
        const { latencyMs, provider, model } = finish(request, started, usage, "ok", end);
        return { ok: true, value: end.value, provider, model, ...usage, latencyMs };
      }
      if (end.kind === "invalid") {
        finish(request, started, usage, "invalid", end);
        return { ok: false, reason: "invalid_response", detail: end.detail };
      }
      finish(request, started, usage, "unavailable");
      return { ok: false, reason: "unavailable", detail: end.detail };
    } catch (error) {
      // The caller's abort: the call rejects with its reason, and its row says the caller gave up
      // (a shutdown or a job's time limit must not look like a provider outage).
      if (request.signal?.aborted && error === request.signal.reason) {
        finish(request, started, usage, "aborted");
        throw error;
      }
      finish(request, started, usage, "unavailable");
      // Anything else is a bug of ours; the caller still gets a value and answers offline.
      logger?.warn(
        { error: errorName(error), task: request.task },
        "model gateway: unexpected error in a call",
      );
      return { ok: false, reason: "unavailable", detail: "internal error" };
    } finally {
      clearTimeout(timer);
      abort.dispose();
    }
  }

  /** Accounts for the call that started at `started` (performance.now()) and ended so. */
  function finish(
    request: CallScope,
    started: number,
    usage: { tokensIn: number; tokensOut: number },
    outcome: CallOutcome,
    answered?: { candidate: Candidate },
  ): { latencyMs: number; provider: string; model: string } {
    const latencyMs = Math.round(performance.now() - started);
    const provider = answered?.candidate.route.provider.name ?? "offline";
    const model = answered?.candidate.model.name ?? "-";
    account(request, outcome, provider, model, usage, latencyMs);
    return { latencyMs, provider, model };
  }

  /** Whether the call's community spent its daily budget; a promise only when Redis must be asked. */
  function overBudget(request: CallScope, signal: AbortSignal): boolean | Promise<boolean> {
    const { community, dailyTokenBudget } = request;
    if (!budget || !community || !dailyTokenBudget || dailyTokenBudget <= 0) return false;
    // Most calls find the count in memory: no Redis wait, no timer, no promise.
    const remembered = budget.peek?.(community);
    if (remembered !== undefined) return remembered >= dailyTokenBudget;
    return spentOverBudget(budget, request, community, dailyTokenBudget, signal);
  }

  async function spentOverBudget(
    ledger: TokenBudgetLedger,
    request: CallScope,
    community: NonNullable<CallScope["community"]>,
    dailyTokenBudget: number,
    signal: AbortSignal,
  ): Promise<boolean> {
    try {
      // Bounded like the limits: a silent Redis must not hold the call until its deadline.
      return (await redisAnswer(ledger.spentToday(community), signal)) >= dailyTokenBudget;
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      // The ledger is unreachable or silent: the call goes ahead rather than refusing everyone.
      logger?.warn(
        { reason: errorName(error) },
        "model gateway: could not read the token budget; call allowed",
      );
      return false;
    }
  }

  function account(
    request: CallScope,
    outcome: CallOutcome,
    provider: string,
    model: string,
    usage: { tokensIn: number; tokensOut: number },
    latencyMs: number,
  ) {
    const { community, task } = request;
    safely(() => metrics?.calls.inc({ task, outcome }));
    try {
      recorder?.record({ community, task, provider, model, outcome, ...usage, latencyMs, at: new Date() });
    } catch (error) {
      logger?.warn({ reason: errorName(error) }, "model gateway: could not record a model call");
    }
    // Every token spent counts, an invalid answer's too; tracked even without a budget so one set
    // later in the day starts from what was really spent.
    const tokens = usage.tokensIn + usage.tokensOut;
    if (budget && community && tokens > 0) {
      const addition = budget.add(community, tokens);
      // The Redis ledger answers one turn's additions with one promise: kept, and its failure
      // logged, once per batch rather than once per call.
      if (addition !== lastAddition) {
        lastAddition = addition;
        track(
          addition.catch((error: unknown) => {
            logger?.warn({ reason: errorName(error) }, "model gateway: could not add to the token budget");
          }),
        );
      }
    }
  }
  let lastAddition: Promise<void> | undefined;

  function chatBody(
    request: TextCallRequest | JsonCallRequest<unknown>,
    candidate: Candidate,
    system: string,
  ) {
    const task = config.tasks[request.task];
    return {
      model: candidate.model.id,
      messages: [{ role: "system" as const, content: system }, ...request.messages],
      // max_tokens, not max_completion_tokens: the one every self-hosted server understands.
      max_tokens: task.maxTokens,
      temperature: task.temperature,
    } satisfies ChatBody;
  }

  const textAttempt =
    (request: TextCallRequest): Attempt<string> =>
    (state, candidate, slot) =>
      loop.send(
        state,
        candidate,
        slot,
        (bounds) =>
          requestStream(candidate.route.client, chatBody(request, candidate, request.system), bounds, {
            firstTokenTimeoutMs,
            ...(request.onText ? { onText: request.onText } : {}),
          }),
        judgeText,
      );

  const jsonAttempt = <T>(request: JsonCallRequest<T>): Attempt<T> => {
    // Before any slot is taken: a schema JSON Schema cannot express (z.date()) fails the call
    // here, holding nothing.
    const schema = jsonSchemaOf(request.schema);
    return async (state, candidate, slot) => {
      const { provider } = candidate.route;
      const body: ChatBody = provider.jsonSchema
        ? {
            ...chatBody(request, candidate, request.system),
            response_format: {
              type: "json_schema",
              json_schema: { name: request.schemaName, strict: true, schema },
            },
          }
        : // This provider ignores or refuses response_format: the schema goes in the prompt instead.
          chatBody(request, candidate, `${request.system}\n\n${schemaInstruction(schema)}`);

      const first = await askJson(state, candidate, slot, body, request.schema);
      if (first.ok) return first;
      // One repair round on the same provider and model: it sees its answer and what was wrong.
      const repairSlot = await loop.slotFor(state, candidate);
      if (!repairSlot) return first;
      const messages: ChatBody["messages"] = [
        ...body.messages,
        { role: "assistant", content: first.text },
        { role: "user", content: repairInstruction(first.issues) },
      ];
      return askJson(state, candidate, repairSlot, { ...body, messages }, request.schema);
    };
  };

  /** One JSON request under `slot`, its answer parsed and checked against `schema`. */
  function askJson<T>(
    state: Call,
    candidate: Candidate,
    slot: Slot,
    body: ChatBody,
    schema: z.ZodType<T>,
  ): Promise<Verdict<T>> {
    return loop.send(
      state,
      candidate,
      slot,
      (bounds) => requestCompletion(candidate.route.client, body, bounds),
      (answer) => judgeJson(answer, schema, candidate.model.name),
    );
  }

  return {
    text: (request) => call(request, () => textAttempt(request)),
    json: (request) => call(request, () => jsonAttempt(request)),
    // The same list, in the same order, as /config offers (best provider priority first).
    modelNames: () => modelNamesOf(config),
    async close() {
      // Lease releases and budget additions still on their way, for a while: a lease never
      // released expires by itself, and a silent Redis must not hold up shutdown.
      const giveUp = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref());
      await Promise.race([
        (async () => {
          while (pending.size > 0) await Promise.allSettled([...pending]);
        })(),
        giveUp,
      ]);
      // The recorder's own timer stops too; a database that does not answer is bounded by the caller.
      if (recorder?.close) await recorder.close();
      else await recorder?.flush();
    },
  };
}

const CLOSE_WAIT_MS = 2_000;

export function schemaInstruction(schema: Record<string, unknown>): string {
  return `Answer with JSON only, matching this JSON Schema: ${JSON.stringify(schema)}`;
}

const MAX_ISSUES_SHOWN = 5;

export function repairInstruction(issues: readonly string[]): string {
  return `Your answer was not valid: ${issues.slice(0, MAX_ISSUES_SHOWN).join("; ")}. Reply again with only the corrected JSON.`;
}

function judgeJson<T>(answer: ProviderAnswer, schema: z.ZodType<T>, model: string): Verdict<T> {
  try {
    return { ok: true, value: parseJsonAnswer(answer.text, schema, model) };
  } catch (error) {
    if (!(error instanceof ModelResponseError)) throw error;
    const issues = error.reason === "schema_mismatch" ? error.issues : ["it held no JSON value"];
    return { ok: false, issues, text: answer.text };
  }
}

function judgeText(answer: ProviderAnswer): Verdict<string> {
  const text = visibleText(answer.text, true).trim();
  return text === ""
    ? { ok: false, issues: ["the answer was empty"], text: answer.text }
    : { ok: true, value: text };
}
