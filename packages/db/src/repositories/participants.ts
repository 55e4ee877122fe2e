// Finds or creates the community and the person behind a command. Two workers
// may meet the same new chat or user at the same moment, and a plain "look up,
// then insert" would let one of them fail on the unique key. So the insert path
// is INSERT ... ON CONFLICT, which PostgreSQL resolves atomically: the loser
// waits for the winner's row and then updates it. Rows are never deleted here,
// so once a lookup finds one it stays valid. The common case (already known,
// nothing renamed) costs one indexed read.
import { randomUUID } from "node:crypto";
import { Prisma } from "../generated/client.ts";
import type { CommunityKey, IdentityKey } from "./types.ts";

/** A client or an interactive transaction: both run raw SQL the same way. */
export type Sql = Pick<Prisma.TransactionClient, "$queryRaw" | "$executeRaw">;

// Prisma stores DateTime as UTC in `timestamp` columns; now() alone would follow the session time zone.
export const utcNow = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

/** The community's id, creating the row or refreshing its title as needed. */
export async function ensureCommunity(sql: Sql, community: CommunityKey): Promise<string> {
  const title = community.title ?? null;
  const [known] = await sql.$queryRaw<{ id: string; title: string | null }[]>`
    SELECT "id", "title" FROM "Community"
    WHERE "platform" = ${community.platform}::"Platform" AND "externalId" = ${community.externalId}`;
  if (known) {
    if (title !== null && title !== known.title) {
      await sql.$executeRaw`UPDATE "Community" SET "title" = ${title}, "updatedAt" = ${utcNow} WHERE "id" = ${known.id}`;
    }
    return known.id;
  }

  const [row] = await sql.$queryRaw<{ id: string }[]>`
    INSERT INTO "Community" ("id", "platform", "externalId", "title", "createdAt", "updatedAt")
    VALUES (${randomUUID()}, ${community.platform}::"Platform", ${community.externalId}, ${title}, ${utcNow}, ${utcNow})
    ON CONFLICT ("platform", "externalId") DO UPDATE
      SET "title" = COALESCE(EXCLUDED."title", "Community"."title"), "updatedAt" = ${utcNow}
    RETURNING "id"`;
  return requireRow(row, "Community").id;
}

/** The id of the User behind this platform identity, creating both on first sight. */
export async function ensureIdentity(sql: Sql, identity: IdentityKey): Promise<string> {
  const username = identity.username ?? null;
  const displayName = identity.displayName ?? null;
  const [known] = await sql.$queryRaw<
    { userId: string; username: string | null; displayName: string | null }[]
  >`
    SELECT "userId", "username", "displayName" FROM "PlatformIdentity"
    WHERE "platform" = ${identity.platform}::"Platform" AND "externalId" = ${identity.externalId}`;
  if (known) {
    const renamed =
      (username !== null && username !== known.username) ||
      (displayName !== null && displayName !== known.displayName);
    if (renamed) {
      await sql.$executeRaw`
        UPDATE "PlatformIdentity"
        SET "username" = COALESCE(${username}, "username"), "displayName" = COALESCE(${displayName}, "displayName"),
            "updatedAt" = ${utcNow}
        WHERE "platform" = ${identity.platform}::"Platform" AND "externalId" = ${identity.externalId}`;
    }
    return known.userId;
  }

  // A new identity needs a new User first. If another worker creates the identity
  // meanwhile, ON CONFLICT hands back its userId and our User is left unused.
  const newUserId = randomUUID();
  const [row] = await sql.$queryRaw<{ userId: string }[]>`
    WITH "newUser" AS (INSERT INTO "User" ("id", "createdAt") VALUES (${newUserId}, ${utcNow}) RETURNING "id")
    INSERT INTO "PlatformIdentity" ("id", "platform", "externalId", "username", "displayName", "userId", "createdAt", "updatedAt")
    SELECT ${randomUUID()}, ${identity.platform}::"Platform", ${identity.externalId}, ${username}, ${displayName}, "id", ${utcNow}, ${utcNow}
    FROM "newUser"
    ON CONFLICT ("platform", "externalId") DO UPDATE
      SET "username" = COALESCE(EXCLUDED."username", "PlatformIdentity"."username"),
          "displayName" = COALESCE(EXCLUDED."displayName", "PlatformIdentity"."displayName"),
          "updatedAt" = ${utcNow}
    RETURNING "userId"`;
  const userId = requireRow(row, "PlatformIdentity").userId;
  if (userId !== newUserId) await sql.$executeRaw`DELETE FROM "User" WHERE "id" = ${newUserId}`;
  return userId;
}

export function requireRow<T>(row: T | undefined, table: string): T {
  // INSERT ... ON CONFLICT DO UPDATE ... RETURNING always yields the row; this guards the types.
  if (row === undefined) throw new Error(`Upsert into "${table}" returned no row`);
  return row;
}
