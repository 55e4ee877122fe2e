// A dispatcher built the way the bot builds it (the registry, settings, limits and the repository
// services of apps/bot), on a test's Redis prefix and database, with no caches to wait out.
import type { Redis } from "ioredis";
import { repositoryServicesOf } from "@memebot/bot";
import {
  createDispatcher,
  createGate,
  createRegistry,
  createSettingsModel,
  createSettingsStore,
  type Dispatch,
  type DispatcherDependencies,
  type JobProducer,
} from "@memebot/core";
import type { Repositories } from "@memebot/db";

export function testDispatcher(
  options: {
    redis: Redis;
    prefix: string;
    repositories: Repositories;
    jobs: JobProducer;
  } & Partial<DispatcherDependencies>,
): Dispatch {
  const { redis, prefix, repositories, jobs, ...parts } = options;
  const registry = parts.registry ?? createRegistry();
  const settingsModel = parts.settingsModel ?? createSettingsModel(registry.all);
  return createDispatcher({
    registry,
    settingsModel,
    settings: createSettingsStore({ repository: repositories.communities, model: settingsModel, ttlMs: 0 }),
    gate: createGate({ redis, prefix }),
    jobs,
    ...repositoryServicesOf(repositories, { redis, prefix, personaCacheMs: 0 }),
    logger: { error: () => undefined, warn: () => undefined },
    ...parts,
  });
}
