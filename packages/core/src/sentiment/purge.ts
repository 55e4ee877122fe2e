// The retention purge: each community's stored chatter older than its `sentiment.retention_days`
// (7 by default) is deleted. Communities that turned tracking off keep their retention: what they
// stored goes when it ages out, or at once with /track purge.
import type { CommunityRef } from "../platform.ts";

/** A community as the database keys it (the purge needs no more). */
type CommunityKey = Pick<CommunityRef, "platform" | "externalId">;
import type { SettingsModel } from "../settings.ts";

const DAY_MS = 86_400_000;

export interface ChatterPurgeDependencies {
  settingsModel: Pick<SettingsModel, "parse">;
  communitiesWithChatter(): Promise<Array<{ community: CommunityKey; settings: unknown }>>;
  deleteOlderThan(community: CommunityKey, before: Date): Promise<number>;
  now?: () => number;
}

/** Deletes what is past retention; returns how many messages went, over all communities. */
export async function purgeOldChatter(deps: ChatterPurgeDependencies, signal?: AbortSignal): Promise<number> {
  const now = deps.now ?? Date.now;
  let deleted = 0;
  for (const { community, settings } of await deps.communitiesWithChatter()) {
    signal?.throwIfAborted();
    const { retentionDays } = deps.settingsModel.parse(settings).sentiment;
    deleted += await deps.deleteOlderThan(community, new Date(now() - retentionDays * DAY_MS));
  }
  return deleted;
}
