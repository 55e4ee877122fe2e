import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../generated/client.ts";
import { ensureCommunity, ensureIdentity, utcNow } from "./participants.ts";
import type { CommunityRef, SaveSettingsInput } from "./types.ts";

export interface CommunitiesRepository {
  /** The community's raw settings JSON (validated by the caller), or null if the community is unknown. */
  findSettings(community: CommunityRef): Promise<unknown | null>;
  /** Stores the new settings and the audit row for one change, atomically. */
  saveSettings(input: SaveSettingsInput): Promise<void>;
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

    async saveSettings(input) {
      await prisma.$transaction(async (tx) => {
        const communityId = await ensureCommunity(tx, input.community);
        const userId = await ensureIdentity(tx, input.actor);
        await tx.$executeRaw`
          UPDATE "Community" SET "settings" = ${jsonText(input.settings)}::jsonb, "updatedAt" = ${utcNow}
          WHERE "id" = ${communityId}`;
        await tx.$executeRaw`
          INSERT INTO "SettingChange" ("id", "communityId", "userId", "key", "oldValue", "newValue", "createdAt")
          VALUES (${randomUUID()}, ${communityId}, ${userId}, ${input.key},
                  ${input.oldValue === undefined ? null : jsonText(input.oldValue)}::jsonb,
                  ${jsonText(input.newValue)}::jsonb, ${utcNow})`;
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
