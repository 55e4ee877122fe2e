// Who gets a call, in order: the community's preferred model (when some provider serves it),
// then the task's models; for each model, the providers serving it by priority (lower first)
// and, among equal priorities, by how fast they have been (see latency.ts).
import type OpenAI from "openai";
import type { ProviderConfig, ProviderModel, TaskConfig } from "@memebot/config";
import type { CircuitBreaker } from "./breaker.ts";
import type { LatencyTracker } from "./latency.ts";

/** A provider as the gateway holds it: its settings, its one client, its breaker. */
export interface Route {
  provider: ProviderConfig;
  client: OpenAI;
  breaker: CircuitBreaker;
}

/** One model on one provider. */
export interface Candidate {
  route: Route;
  model: ProviderModel;
  /** Names the pair in the latency tracker. */
  key: string;
}

export type ServedBy = ReadonlyMap<string, readonly Candidate[]>;

/** Every model name with the providers serving it, in configuration order. */
export function servedByOf(routes: readonly Route[]): ServedBy {
  const served = new Map<string, Candidate[]>();
  for (const route of routes) {
    for (const model of route.provider.models) {
      const list = served.get(model.name) ?? [];
      list.push({ route, model, key: `${route.provider.name}\u0000${model.name}` });
      served.set(model.name, list);
    }
  }
  return served;
}

export function candidatesFor(
  task: TaskConfig,
  preferredModel: string | undefined,
  servedBy: ServedBy,
  latency: LatencyTracker,
): Candidate[] {
  const preferred = preferredModel !== undefined && servedBy.has(preferredModel) ? [preferredModel] : [];
  const candidates: Candidate[] = [];
  for (const name of new Set([...preferred, ...task.models])) candidates.push(...(servedBy.get(name) ?? []));
  return ranked(candidates, latency);
}

/**
 * The candidates in the order to try them now: models keep their order; within a model, by
 * priority, then by latency. Ranked afresh before every try, since latency estimates move while
 * a call runs (in a burst, the first requests to an unmeasured provider make it look slower).
 */
export function ranked(candidates: readonly Candidate[], latency: LatencyTracker): Candidate[] {
  // Plain arrays and inline comparisons: this runs twice per call on the gateway's path.
  const models: string[] = [];
  const keyed = candidates.map((candidate) => {
    let model = models.indexOf(candidate.model.name);
    if (model < 0) model = models.push(candidate.model.name) - 1;
    const [measuring, ms] = latency.rank(candidate.key);
    return { candidate, model, priority: candidate.route.provider.priority, measuring, ms };
  });
  // Array.prototype.sort is stable: equal priority and speed keep configuration order.
  keyed.sort(
    (a, b) => a.model - b.model || a.priority - b.priority || a.measuring - b.measuring || a.ms - b.ms,
  );
  return keyed.map((entry) => entry.candidate);
}
