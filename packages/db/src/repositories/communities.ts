import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../generated/client.ts";
import { ensureCommunity, ensureIdentity, utcNow } from "./participants.ts";
import type { CommunityRef, UpdateSettingsInput } from "./types.ts";

export interface CommunitiesRepository {
  /** The community's raw settings JSON (validated by the caller), or null if the community is unknown. */
  findSettings(community: CommunityRef): Promise<unknown | null>;
  /**
   * Changes the settings in one transaction that holds the community's row: two admins changing
   * different settings at once both keep their change. Stores the audit row with it.
   */
  updateSettings(input: UpdateSettingsInput): Promise<void>;
}

export function createCommunitiesRepository(prisma: PrismaClient): CommunitiesRepository {
  return {
    async findSettings({ platform, externalId }) {
      const community = await prisma.community.findUnique({
        where: { platform_externalId: { platform, externalId } },
        select: { settings: true },
      });
      return community ? community.settings : null;
    },

    async updateSettings(input) {
      await prisma.$transaction(async (tx) => {
        const communityId = await ensureCommunity(tx, input.community);
        // FOR UPDATE: a concurrent change waits here and then reads this one's result.
        const [row] = await tx.$queryRaw<{ settings: unknown }[]>`
          SELECT "settings" FROM "Community" WHERE "id" = ${communityId} FOR UPDATE`;
        const edit = input.edit(row?.settings ?? {});
        if (!edit) return;
        const userId = await ensureIdentity(tx, input.actor);
        await tx.$executeRaw`
          UPDATE "Community" SET "settings" = ${jsonText(edit.settings)}::jsonb, "updatedAt" = ${utcNow}
          WHERE "id" = ${communityId}`;
        await tx.$executeRaw`
          INSERT INTO "SettingChange" ("id", "communityId", "userId", "key", "oldValue", "newValue", "createdAt")
          VALUES (${randomUUID()}, ${communityId}, ${userId}, ${edit.key},
                  ${edit.oldValue === undefined ? null : jsonText(edit.oldValue)}::jsonb,
                  ${jsonText(edit.newValue)}::jsonb, ${utcNow})`;
      });
    },
  };
}

/**
 * JSON text for a jsonb parameter. `undefined` (a setting that had no value) is
 * stored as JSON null, as JSON.stringify would drop it.
 */
function jsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}
