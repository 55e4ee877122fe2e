import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../generated/client.ts";
import { ensureCommunity, ensureIdentity, utcNow } from "./participants.ts";
import { Prisma } from "../generated/client.ts";
import type { CommandRunRecord, CommunityRef, RecordCommandRunInput } from "./types.ts";

const RECORD_FIELDS = {
  key: true,
  command: true,
  args: true,
  status: true,
  outcome: true,
  detail: true,
  result: true,
  createdAt: true,
  finishedAt: true,
  community: { select: { platform: true, externalId: true } },
  user: { select: { identities: { select: { platform: true, externalId: true } } } },
} as const;

type SelectedRun = Prisma.CommandRunGetPayload<{ select: typeof RECORD_FIELDS }>;

function recordOf({ user, community, ...run }: SelectedRun): CommandRunRecord {
  // The identity on the run's own platform: a user may be linked to several.
  const identity = user.identities.find((candidate) => candidate.platform === community.platform);
  return { ...run, community, actorId: identity?.externalId ?? "" };
}

export interface CommandRunsRepository {
  /**
   * Creates the run on first sight of its key, updates it afterwards. A later
   * "queued" never demotes a finished run (a redelivered update must not undo
   * its answer), and an absent outcome or detail keeps the stored one.
   * `finishedAt` is set whenever a finished status is recorded.
   */
  record(input: RecordCommandRunInput): Promise<void>;
  findByKey(key: string): Promise<CommandRunRecord | null>;
  /** The newest run of `command` in the community (by `actorId` when given) that finished with a result. */
  latestWithResult(query: {
    community: CommunityRef;
    command: string;
    actorId?: string;
  }): Promise<CommandRunRecord | null>;
}

/** How much of a run's detail is kept: enough for an error's first lines. */
export const MAX_DETAIL_LENGTH = 500;

/**
 * @param scrubText removes secrets from the detail before it is stored. The detail is often an error
 * message, and errors quote URLs with tokens and passwords in them; scrubbing here means no caller can forget.
 */
export function createCommandRunsRepository(
  prisma: PrismaClient,
  scrubText: (text: string) => string,
): CommandRunsRepository {
  return {
    async record(input) {
      const communityId = await ensureCommunity(prisma, input.community);
      const userId = await ensureIdentity(prisma, input.actor);
      const finishedAt = input.status === "queued" ? null : utcNow;
      // Scrubbed whole, then clipped: clipping first could leave the start of a secret the scrubber no longer knows.
      const detail = input.detail === undefined ? null : scrubText(input.detail).slice(0, MAX_DETAIL_LENGTH);
      const result = input.result === undefined ? null : JSON.stringify(input.result);
      // One statement, so two deliveries of the same update racing here cannot both insert.
      await prisma.$executeRaw`
        INSERT INTO "CommandRun"
          ("id", "key", "command", "args", "status", "outcome", "detail", "result", "communityId", "userId", "createdAt", "finishedAt")
        VALUES (${randomUUID()}, ${input.key}, ${input.command}, ${input.args}, ${input.status}::"CommandRunStatus",
                ${input.outcome ?? null}, ${detail}, ${result}::jsonb, ${communityId}, ${userId}, ${utcNow}, ${finishedAt})
        ON CONFLICT ("key") DO UPDATE SET
          "status" = CASE WHEN EXCLUDED."status" = 'queued' THEN "CommandRun"."status" ELSE EXCLUDED."status" END,
          "finishedAt" = CASE WHEN EXCLUDED."status" = 'queued' THEN "CommandRun"."finishedAt" ELSE EXCLUDED."finishedAt" END,
          "outcome" = COALESCE(EXCLUDED."outcome", "CommandRun"."outcome"),
          "detail" = COALESCE(EXCLUDED."detail", "CommandRun"."detail"),
          "result" = COALESCE(EXCLUDED."result", "CommandRun"."result")`;
    },

    async findByKey(key) {
      const run = await prisma.commandRun.findUnique({ where: { key }, select: RECORD_FIELDS });
      return run ? recordOf(run) : null;
    },

    async latestWithResult({ community, command, actorId }) {
      const run = await prisma.commandRun.findFirst({
        where: {
          command,
          result: { not: Prisma.AnyNull },
          community: { platform: community.platform, externalId: community.externalId },
          ...(actorId === undefined
            ? {}
            : { user: { identities: { some: { platform: community.platform, externalId: actorId } } } }),
        },
        orderBy: { createdAt: "desc" },
        select: RECORD_FIELDS,
      });
      return run ? recordOf(run) : null;
    },
  };
}
