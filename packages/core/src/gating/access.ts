// The platform's side of a gate: whether the bot may hand out the gated access, and handing it out.
// One port per platform, each a "target" per gate: Discord grants and removes a role
// (@memebot/delivery's discord-roles.ts); on Telegram the target is the group itself (GROUP_TARGET),
// entered through a join request the bot approves and left by a removal (ban then unban, so the member
// may ask again once they hold enough) (@memebot/delivery's telegram-group-access.ts).

/** Why the bot cannot manage a gate's role; stable ids, each with a message `gate.access.<id>`. */
export type GateAccessProblem =
  /** The role is not in the server (deleted, or a typo). */
  | "unknown_role"
  /** The bot's roles lack Manage Roles (or Administrator). */
  | "missing_manage_roles"
  /** The gated role sits at or above the bot's highest role: Discord lets nobody manage it then. */
  | "role_above_bot"
  /** A managed role (a bot's or a booster's) that nobody can give by hand. */
  | "role_managed"
  /** Telegram: the bot is not an administrator of the group, or lacks the right to invite or ban. */
  | "bot_not_admin";

export type AccessCheck =
  | { ok: true }
  | { ok: false; problem: GateAccessProblem }
  /** The platform did not answer; worth asking again. */
  | { ok: false; problem: "unavailable"; detail: string };

export type AccessChange =
  | { ok: true }
  | { ok: false; problem: GateAccessProblem | "unknown_member" }
  | { ok: false; problem: "unavailable"; detail: string };

export type MemberRoles = { ok: true; roles: readonly string[] | null } | { ok: false; detail: string };

export interface GateAccess {
  /**
   * Whether the bot can grant and remove `target` in the community (asked afresh each time): a role
   * id on Discord, GROUP_TARGET on Telegram.
   */
  checkRole(communityId: string, target: string): Promise<AccessCheck>;
  /**
   * The member's targets: their roles on Discord; on Telegram [GROUP_TARGET] while they are in the
   * group. Null when they are not in the community (left the server; on Telegram, not a member of the
   * group, or removed: a pending join request is the gating use case's to know). Throws nothing for a 404.
   */
  memberRoles(communityId: string, memberId: string): Promise<MemberRoles>;
  /**
   * Many members' roles at once, for a re-verification pass (Discord lists a server's members 1,000 a
   * request). Absent where the platform has no such listing: the pass then asks `memberRoles` only
   * of the members whose access is to change. Members missing from the map are not in the community.
   */
  membersRoles?(
    communityId: string,
    memberIds: readonly string[],
  ): Promise<{ ok: true; roles: Map<string, readonly string[]> } | { ok: false; detail: string }>;
  /** Discord: adds the role. Telegram: approves the member's pending join request. */
  grant(communityId: string, memberId: string, target: string, reason: string): Promise<AccessChange>;
  /** Discord: removes the role. Telegram: removes the member from the group (ban, then unban). */
  revoke(communityId: string, memberId: string, target: string, reason: string): Promise<AccessChange>;
  /** Telegram: declines the member's pending join request (its window passed). */
  decline?(communityId: string, memberId: string): Promise<AccessChange>;
  /** Telegram: a new invite link that creates join requests, for /gate invite. */
  joinRequestLink?(
    communityId: string,
    name: string,
  ): Promise<
    { ok: true; url: string } | { ok: false; problem: GateAccessProblem | "unavailable"; detail?: string }
  >;
}
