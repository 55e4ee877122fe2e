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
  const modelRank = new Map<string, number>();
  for (const { model } of candidates)
    if (!modelRank.has(model.name)) modelRank.set(model.name, modelRank.size);
  const speeds = new Map(candidates.map((candidate) => [candidate, latency.rank(candidate.key)]));
  const rank = (candidate: Candidate) => modelRank.get(candidate.model.name) ?? 0;
  const speed = (candidate: Candidate) => speeds.get(candidate) ?? ([0, 0] as const);
  // Array.prototype.sort is stable: equal priority and speed keep configuration order.
  return [...candidates].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.route.provider.priority - b.route.provider.priority ||
      speed(a)[0] - speed(b)[0] ||
      speed(a)[1] - speed(b)[1],
  );
}
