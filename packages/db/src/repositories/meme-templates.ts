// A community's own meme templates, pictures included: PostgreSQL is what every worker replica can
// read, so any of them renders any community's template. Adding one locks the community's row, so
// two admins adding at once cannot both slip under the cap.
import type { PrismaClient } from "../generated/client.ts";
import { ensureCommunity } from "./participants.ts";
import type { CommunityKey, CommunityRef, IdentityKey } from "./types.ts";

/**
 * Templates one community may add. The list job draws every template of the community on one
 * contact sheet (with the dozen starters), which stays readable on a phone up to about this many,
 * and the model chooses among all of them by description: more would crowd its prompt.
 */
export const MAX_TEMPLATES_PER_COMMUNITY = 25;
/**
 * Bytes of pictures one community may store. The list job holds all of them in memory at once,
 * and the table grows with every community: 10 MB is 25 pictures of about 400 KB, a large JPEG
 * meme each, and keeps a thousand busy communities within a few gigabytes.
 */
export const MAX_TEMPLATE_BYTES_PER_COMMUNITY = 10 * 1024 * 1024;

export interface NewMemeTemplate {
  community: CommunityKey;
  /** Who adds it; their platform id is kept in `createdBy`. */
  actor: IdentityKey;
  name: string;
  description: string;
  tags: readonly string[];
  layout: string;
  width: number;
  height: number;
  /** TextBox[] in the picture's pixels, validated by the caller. */
  boxes: unknown;
  picture: Uint8Array;
}

export type AddMemeTemplateResult =
  | { ok: true }
  | { ok: false; reason: "exists" }
  | { ok: false; reason: "too_many"; limit: number }
  | { ok: false; reason: "too_large"; limitBytes: number; usedBytes: number };

/** A stored template without its picture. */
export interface StoredMemeTemplate {
  name: string;
  description: string;
  tags: string[];
  layout: string;
  width: number;
  height: number;
  boxes: unknown;
  byteSize: number;
  createdBy: string;
  createdAt: Date;
}

export interface StoredMemeTemplateWithPicture extends StoredMemeTemplate {
  picture: Uint8Array;
}

export interface MemeTemplateUsage {
  count: number;
  bytes: number;
}

export interface MemeTemplatesRepository {
  /** Stores the template unless its name is taken or the community's cap would be passed. */
  add(input: NewMemeTemplate): Promise<AddMemeTemplateResult>;
  /** The community's templates by name, without pictures (cheap: for names and descriptions). */
  list(community: CommunityRef): Promise<StoredMemeTemplate[]>;
  /** The same with their pictures, when they are to be drawn. */
  list(community: CommunityRef, options: { pictures: true }): Promise<StoredMemeTemplateWithPicture[]>;
  get(community: CommunityRef, name: string): Promise<StoredMemeTemplateWithPicture | null>;
  /** True when there was one by that name. */
  remove(community: CommunityRef, name: string): Promise<boolean>;
  /** How many templates and picture bytes the community has stored. */
  totalSize(community: CommunityRef): Promise<MemeTemplateUsage>;
}

const withoutPicture = {
  name: true,
  description: true,
  tags: true,
  layout: true,
  width: true,
  height: true,
  boxes: true,
  byteSize: true,
  createdBy: true,
  createdAt: true,
} as const;

const ofCommunity = (community: CommunityRef) => ({
  community: { platform: community.platform, externalId: community.externalId },
});

export function createMemeTemplatesRepository(prisma: PrismaClient): MemeTemplatesRepository {
  async function list(community: CommunityRef): Promise<StoredMemeTemplate[]>;
  async function list(
    community: CommunityRef,
    options: { pictures: true },
  ): Promise<StoredMemeTemplateWithPicture[]>;
  async function list(community: CommunityRef, options?: { pictures: true }) {
    return prisma.memeTemplate.findMany({
      where: ofCommunity(community),
      select: { ...withoutPicture, picture: options?.pictures === true },
      orderBy: { name: "asc" },
    });
  }

  return {
    async add(input) {
      return prisma.$transaction(async (tx): Promise<AddMemeTemplateResult> => {
        const communityId = await ensureCommunity(tx, input.community);
        // The community row is the lock: the count and sum below stay true until the insert.
        await tx.$queryRaw`SELECT 1 FROM "Community" WHERE "id" = ${communityId} FOR UPDATE`;
        const taken = await tx.memeTemplate.findUnique({
          where: { communityId_name: { communityId, name: input.name } },
          select: { id: true },
        });
        if (taken) return { ok: false, reason: "exists" };
        const usage = await tx.memeTemplate.aggregate({
          where: { communityId },
          _count: { _all: true },
          _sum: { byteSize: true },
        });
        if (usage._count._all >= MAX_TEMPLATES_PER_COMMUNITY) {
          return { ok: false, reason: "too_many", limit: MAX_TEMPLATES_PER_COMMUNITY };
        }
        const usedBytes = usage._sum.byteSize ?? 0;
        if (usedBytes + input.picture.byteLength > MAX_TEMPLATE_BYTES_PER_COMMUNITY) {
          return { ok: false, reason: "too_large", limitBytes: MAX_TEMPLATE_BYTES_PER_COMMUNITY, usedBytes };
        }
        await tx.memeTemplate.create({
          data: {
            communityId,
            name: input.name,
            description: input.description,
            tags: [...input.tags],
            layout: input.layout,
            width: input.width,
            height: input.height,
            boxes: input.boxes as object,
            // Prisma wants a Uint8Array over an ArrayBuffer of its own (a Buffer's may be pooled).
            picture: new Uint8Array(input.picture),
            byteSize: input.picture.byteLength,
            createdBy: input.actor.externalId,
          },
        });
        return { ok: true };
      });
    },

    list,

    get: (community, name) =>
      prisma.memeTemplate.findFirst({
        where: { ...ofCommunity(community), name },
        select: { ...withoutPicture, picture: true },
      }),

    async remove(community, name) {
      const { count } = await prisma.memeTemplate.deleteMany({ where: { ...ofCommunity(community), name } });
      return count > 0;
    },

    async totalSize(community) {
      const usage = await prisma.memeTemplate.aggregate({
        where: ofCommunity(community),
        _count: { _all: true },
        _sum: { byteSize: true },
      });
      return { count: usage._count._all, bytes: usage._sum.byteSize ?? 0 };
    },
  };
}
