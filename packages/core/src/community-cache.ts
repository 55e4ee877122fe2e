// What every task reads per community (settings, persona) is cached for a few seconds: a change made
// on another replica is seen once the entry expires; the replica that made it sees it at once.
import type { CommunityRef } from "./platform.ts";

export interface CommunityCacheOptions<T> {
  /** Reads the community's value from the database. */
  load: (community: CommunityRef) => Promise<T>;
  ttlMs: number;
  maxEntries: number;
  now: () => number;
}

export interface CommunityCache<T> {
  /** The cached value; a stale one is returned at once while a fresh one is read. */
  get(community: CommunityRef): Promise<T>;
  /** Caches a value this process knows (it just wrote it). */
  remember(community: CommunityRef, value: Promise<T>): void;
}

export function createCommunityCache<T>({
  load,
  ttlMs,
  maxEntries,
  now,
}: CommunityCacheOptions<T>): CommunityCache<T> {
  const cache = new Map<string, { expires: number; value: Promise<T> }>();
  const cacheKey = (community: CommunityRef) => `${community.platform}:${community.externalId}`;

  function remember(key: string, value: Promise<T>) {
    cache.delete(key);
    if (cache.size >= maxEntries) {
      // Maps iterate in insertion order, so the first key is the oldest entry.
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(key, { expires: now() + ttlMs, value });
    // A failed read must not be cached: the next caller asks the database again.
    value.catch(() => cache.delete(key));
  }

  return {
    get(community) {
      const key = cacheKey(community);
      const hit = cache.get(key);
      if (hit && hit.expires > now()) return hit.value;
      if (hit) {
        // Stale while revalidating: a busy community never waits on the database once it is
        // cached; the fresh value replaces the stale one when it arrives (one read per expiry).
        hit.expires = now() + ttlMs;
        const fresh = load(community);
        fresh.then(
          () => cache.get(key) === hit && remember(key, fresh),
          () => undefined,
        );
        return hit.value;
      }
      const value = load(community);
      remember(key, value);
      return value;
    },
    remember: (community, value) => remember(cacheKey(community), value),
  };
}
