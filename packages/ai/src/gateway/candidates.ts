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
  for (const name of new Set([...preferred, ...task.models])) {
    const served = servedBy.get(name) ?? [];
    const estimates = new Map(served.map((candidate) => [candidate, latency.estimate(candidate.key)]));
    // Array.prototype.sort is stable: equal priority and speed keep configuration order.
    const ordered = [...served].sort(
      (a, b) =>
        a.route.provider.priority - b.route.provider.priority ||
        (estimates.get(a) ?? 0) - (estimates.get(b) ?? 0),
    );
    candidates.push(...ordered);
  }
  return candidates;
}
