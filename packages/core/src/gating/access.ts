// The platform's side of a gate: whether the bot may hand out the gated access, and handing it out.
// One port per platform: Discord grants and removes a role (@memebot/delivery's discord-roles.ts);
// Telegram's group (join requests, removal) comes next behind the same port.

/** Why the bot cannot manage a gate's role; stable ids, each with a message `gate.access.<id>`. */
export type GateAccessProblem =
  /** The role is not in the server (deleted, or a typo). */
  | "unknown_role"
  /** The bot's roles lack Manage Roles (or Administrator). */
  | "missing_manage_roles"
  /** The gated role sits at or above the bot's highest role: Discord lets nobody manage it then. */
  | "role_above_bot"
  /** A managed role (a bot's or a booster's) that nobody can give by hand. */
  | "role_managed";

export type AccessCheck =
  | { ok: true }
  | { ok: false; problem: GateAccessProblem }
  /** The platform did not answer; worth asking again. */
  | { ok: false; problem: "unavailable"; detail: string };

export type AccessChange =
  | { ok: true }
  | { ok: false; problem: GateAccessProblem | "unknown_member" }
  | { ok: false; problem: "unavailable"; detail: string };

export interface GateAccess {
  /** Whether the bot can grant and remove `roleId` in the community (asked afresh each time). */
  checkRole(communityId: string, roleId: string): Promise<AccessCheck>;
  /** The member's roles, or null when they are not in the community; throws nothing for a 404. */
  memberRoles(
    communityId: string,
    memberId: string,
  ): Promise<{ ok: true; roles: readonly string[] | null } | { ok: false; detail: string }>;
  grant(communityId: string, memberId: string, roleId: string, reason: string): Promise<AccessChange>;
  revoke(communityId: string, memberId: string, roleId: string, reason: string): Promise<AccessChange>;
}
