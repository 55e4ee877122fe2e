// Settings are read on every command, so they are cached per community for a
// few seconds; a change made on another replica is seen once the entry expires.
import type { Actor, CommunityRef, Platform } from "./platform.ts";
import type { Result, UserError } from "./result.ts";
import type { CommunitySettings, SettingChangeResult, SettingsModel } from "./settings.ts";

export interface SettingsRepository {
  findSettings(key: { platform: Platform; externalId: string }): Promise<unknown>;
  /** Runs `edit` on the settings as stored, under a lock, and stores what it returns (with an audit row). */
  updateSettings(input: {
    community: CommunityRef;
    actor: Actor;
    edit: (
      stored: unknown,
    ) => { key: string; oldValue: unknown; newValue: unknown; settings: Record<string, unknown> } | undefined;
  }): Promise<void>;
}

export interface SettingsStore {
  get(community: CommunityRef): Promise<CommunitySettings>;
  change(
    community: CommunityRef,
    actor: Actor,
    key: string,
    raw: string,
  ): Promise<Result<SettingChangeResult & { changed: boolean }, UserError>>;
}

export interface SettingsStoreOptions {
  repository: SettingsRepository;
  model: SettingsModel;
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export function createSettingsStore({
  repository,
  model,
  ttlMs = 5_000,
  maxEntries = 10_000,
  now = Date.now,
}: SettingsStoreOptions): SettingsStore {
  const cache = new Map<string, { expires: number; settings: Promise<CommunitySettings> }>();
  const cacheKey = (community: CommunityRef) => `${community.platform}:${community.externalId}`;

  function remember(key: string, settings: Promise<CommunitySettings>) {
    if (cache.size >= maxEntries) {
      // Maps iterate in insertion order, so the first key is the oldest entry.
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(key, { expires: now() + ttlMs, settings });
    // A failed read must not be cached: the next command asks the database again.
    settings.catch(() => cache.delete(key));
  }

  const load = (community: CommunityRef) =>
    repository
      .findSettings({ platform: community.platform, externalId: community.externalId })
      .then((stored) => model.parse(stored));

  async function get(community: CommunityRef): Promise<CommunitySettings> {
    const key = cacheKey(community);
    const hit = cache.get(key);
    if (hit && hit.expires > now()) return hit.settings;
    if (hit) {
      // Stale while revalidating: a busy community never waits on the database once it is
      // cached; the fresh value replaces the stale one when it arrives (one read per expiry).
      hit.expires = now() + ttlMs;
      const fresh = load(community);
      fresh.then(
        () => cache.get(key) === hit && remember(key, fresh),
        () => undefined,
      );
      return hit.settings;
    }
    const settings = load(community);
    remember(key, settings);
    return settings;
  }

  return {
    get,
    async change(community, actor, key, raw) {
      // Worked out from the stored settings inside the repository's transaction, not from a cached
      // copy: another admin's change a moment ago (on any replica) is kept, not overwritten.
      let result: Result<SettingChangeResult & { changed: boolean }, UserError> | undefined;
      await repository.updateSettings({
        community,
        actor,
        edit(stored) {
          const change = model.change(model.parse(stored), key, raw);
          if (!change.ok) {
            result = change;
            return undefined;
          }
          const changed = change.value.oldValue !== change.value.newValue;
          result = { ok: true, value: { ...change.value, changed } };
          if (!changed) return undefined;
          return {
            key: change.value.key,
            oldValue: change.value.oldValue,
            newValue: change.value.newValue,
            settings: change.value.settings as unknown as Record<string, unknown>,
          };
        },
      });
      if (!result) throw new Error("settings edit did not run");
      if (result.ok) remember(cacheKey(community), Promise.resolve(result.value.settings));
      return result;
    },
  };
}
