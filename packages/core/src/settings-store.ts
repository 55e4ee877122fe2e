// Settings are read on every command, so they are cached per community for a
// few seconds; a change made on another replica is seen once the entry expires.
import type { Actor, CommunityRef, Platform } from "./platform.ts";
import { createCommunityCache } from "./community-cache.ts";
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
  const cache = createCommunityCache({
    load: (community) =>
      repository
        .findSettings({ platform: community.platform, externalId: community.externalId })
        .then((stored) => model.parse(stored)),
    ttlMs,
    maxEntries,
    now,
  });

  return {
    get: (community) => cache.get(community),
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
      if (result.ok) cache.remember(community, Promise.resolve(result.value.settings));
      return result;
    },
  };
}
