// A community's persona, one row per community (validated by the persona schema in @memebot/core;
// this layer stores JSON). Changes lock the community's row, as settings changes do, so two admins
// changing different fields at once both keep their change.
import type { PrismaClient } from "../generated/client.ts";
import { ensureCommunity, utcNow } from "./participants.ts";
import type { CommunityKey, CommunityRef, IdentityKey } from "./types.ts";

export interface UpdatePersonaInput {
  community: CommunityKey;
  /** Who changes it; their platform id is kept in `updatedBy`. */
  actor: IdentityKey;
  /** Works out the new persona from the stored one (null when there is none); undefined stores nothing. */
  edit: (stored: unknown) => Record<string, unknown> | undefined;
}

export interface StoredPersona {
  data: unknown;
  updatedBy: string | null;
  updatedAt: Date;
}

export interface PersonasRepository {
  /** The stored persona JSON, or null when the community has none (or is unknown). */
  findPersona(community: CommunityRef): Promise<unknown>;
  /** The row with who changed it last, for audits and tests. */
  findPersonaRecord(community: CommunityRef): Promise<StoredPersona | null>;
  /** Creates or replaces the persona, creating the community if needed. */
  updatePersona(input: UpdatePersonaInput): Promise<void>;
  /** Deletes the community's persona; true when there was one. */
  deletePersona(community: CommunityRef): Promise<boolean>;
}

export function createPersonasRepository(prisma: PrismaClient): PersonasRepository {
  const findRecord = (community: CommunityRef) =>
    prisma.persona.findFirst({
      where: { community: { platform: community.platform, externalId: community.externalId } },
      select: { data: true, updatedBy: true, updatedAt: true },
    });

  return {
    async findPersona(community) {
      const row = await findRecord(community);
      return row ? row.data : null;
    },

    findPersonaRecord: findRecord,

    async updatePersona(input) {
      await prisma.$transaction(async (tx) => {
        const communityId = await ensureCommunity(tx, input.community);
        // The community row is the lock: the persona row may not exist yet to hold one on.
        await tx.$queryRaw`SELECT 1 FROM "Community" WHERE "id" = ${communityId} FOR UPDATE`;
        const [row] = await tx.$queryRaw<{ data: unknown }[]>`
          SELECT "data" FROM "Persona" WHERE "communityId" = ${communityId}`;
        const data = input.edit(row ? row.data : null);
        if (!data) return;
        await tx.$executeRaw`
          INSERT INTO "Persona" ("communityId", "data", "updatedBy", "updatedAt")
          VALUES (${communityId}, ${JSON.stringify(data)}::jsonb, ${input.actor.externalId}, ${utcNow})
          ON CONFLICT ("communityId") DO UPDATE
            SET "data" = EXCLUDED."data", "updatedBy" = EXCLUDED."updatedBy", "updatedAt" = EXCLUDED."updatedAt"`;
      });
    },

    async deletePersona(community) {
      const deleted = await prisma.$executeRaw`
        DELETE FROM "Persona" WHERE "communityId" IN (
          SELECT "id" FROM "Community"
          WHERE "platform" = ${community.platform}::"Platform" AND "externalId" = ${community.externalId})`;
      return deleted > 0;
    },
  };
}
