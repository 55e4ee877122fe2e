// Guilds in the fake Discord: roles (position, permissions) and members' roles, with the routes a
// bot uses to read them and to grant or remove a role. A change is refused as Discord refuses it:
// 403 Missing Permissions (50013) without Manage Roles (or Administrator) or for a role at or above
// the bot's highest; 404 Unknown Member / Unknown Role. List Guild Members pages through members in
// id order as Discord does (limit 1–1000, default 1; after a snowflake), and is refused with 403
// Missing Access (50001) while the app lacks the Server Members intent (setServerMembersIntent).
// Tests set guilds up and read the result.
import { DiscordApiError, invalidFormBody, missingAccess } from "./errors.ts";

export const ADMINISTRATOR = 1n << 3n;
export const MANAGE_ROLES = 1n << 28n;

export interface FakeRole {
  id: string;
  name: string;
  position: number;
  /** Bit set as Discord sends it (a decimal string). */
  permissions: string;
  managed: boolean;
}

interface Guild {
  roles: Map<string, FakeRole>;
  members: Map<string, Set<string>>;
}

type Params = Record<string, string>;

/** Discord's bounds for List Guild Members' `limit`. */
const MAX_LIST_LIMIT = 1000;
const SNOWFLAKE = /^\d{1,20}$/;
type Answer = { status: number; body?: unknown };

const unknownGuild = () => new DiscordApiError(404, { message: "Unknown Guild", code: 10004 });
const unknownMember = () => new DiscordApiError(404, { message: "Unknown Member", code: 10007 });
const unknownRole = () => new DiscordApiError(404, { message: "Unknown Role", code: 10011 });
const missingPermissions = () => new DiscordApiError(403, { message: "Missing Permissions", code: 50013 });

export class FakeGuilds {
  readonly #guilds = new Map<string, Guild>();
  /** Whether the app has the privileged Server Members intent (List Guild Members needs it). */
  #serverMembersIntent = true;

  constructor(private readonly botId: string) {}

  /** A guild whose @everyone role (id = the guild's) has `everyonePermissions` (default none). */
  addGuild(guildId: string, everyonePermissions = 0n): void {
    this.#guilds.set(guildId, {
      roles: new Map([
        [
          guildId,
          {
            id: guildId,
            name: "@everyone",
            position: 0,
            permissions: String(everyonePermissions),
            managed: false,
          },
        ],
      ]),
      members: new Map([[this.botId, new Set()]]),
    });
  }

  addRole(
    guildId: string,
    role: Omit<FakeRole, "permissions" | "managed"> & { permissions?: bigint; managed?: boolean },
  ): void {
    this.#guild(guildId).roles.set(role.id, {
      ...role,
      permissions: String(role.permissions ?? 0n),
      managed: role.managed ?? false,
    });
  }

  /** Adds the member (the bot too: its id is the application's) with exactly these roles. */
  setMember(guildId: string, userId: string, roles: readonly string[] = []): void {
    this.#guild(guildId).members.set(userId, new Set(roles));
  }

  /** The member leaves the server (or is kicked): Discord then answers Unknown Member for them. */
  removeMember(guildId: string, userId: string): void {
    this.#guild(guildId).members.delete(userId);
  }

  /** The member's roles now, or undefined when not a member. */
  memberRoles(guildId: string, userId: string): string[] | undefined {
    const roles = this.#guilds.get(guildId)?.members.get(userId);
    return roles ? [...roles] : undefined;
  }

  /**
   * Turns the app's Server Members intent on or off (on by default). Off, List Guild Members is
   * refused as Discord refuses it: 403 Missing Access (50001); single members are still served.
   */
  setServerMembersIntent(enabled: boolean): void {
    this.#serverMembersIntent = enabled;
  }

  routes(): Array<{
    method: string;
    path: string;
    handle: (params: Params, query: URLSearchParams) => Answer;
  }> {
    return [
      { method: "GET", path: "/guilds/:guild/roles", handle: (p) => this.#listRoles(p) },
      { method: "GET", path: "/guilds/:guild/members", handle: (p, q) => this.#listMembers(p, q) },
      { method: "GET", path: "/guilds/:guild/members/:user", handle: (p) => this.#member(p) },
      {
        method: "PUT",
        path: "/guilds/:guild/members/:user/roles/:role",
        handle: (p) => this.#change(p, true),
      },
      {
        method: "DELETE",
        path: "/guilds/:guild/members/:user/roles/:role",
        handle: (p) => this.#change(p, false),
      },
    ];
  }

  #guild(guildId: string): Guild {
    const guild = this.#guilds.get(guildId);
    if (!guild) throw unknownGuild();
    return guild;
  }

  #listRoles(params: Params): Answer {
    return { status: 200, body: [...this.#guild(params.guild as string).roles.values()] };
  }

  #member(params: Params): Answer {
    const roles = this.#guild(params.guild as string).members.get(params.user as string);
    if (!roles) throw unknownMember();
    return { status: 200, body: memberBody(params.user as string, roles) };
  }

  /** List Guild Members: up to `limit` members whose id is above `after`, lowest id first. */
  #listMembers(params: Params, query: URLSearchParams): Answer {
    const guild = this.#guild(params.guild as string);
    if (!this.#serverMembersIntent) throw missingAccess();
    const limit = query.get("limit") ?? "1";
    if (!/^-?\d+$/.test(limit))
      throw invalidFormBody(["limit"], "NUMBER_TYPE_COERCE", `Value "${limit}" is not int.`);
    if (Number(limit) < 1)
      throw invalidFormBody(["limit"], "NUMBER_TYPE_MIN", "int value should be greater than or equal to 1.");
    if (Number(limit) > MAX_LIST_LIMIT)
      throw invalidFormBody(
        ["limit"],
        "NUMBER_TYPE_MAX",
        `int value should be less than or equal to ${MAX_LIST_LIMIT}.`,
      );
    const after = query.get("after") ?? "0";
    if (!SNOWFLAKE.test(after))
      throw invalidFormBody(["after"], "NUMBER_TYPE_COERCE", `Value "${after}" is not snowflake.`);
    const floor = BigInt(after);
    // Only snowflakes can be Discord members; a test's made-up id is left out rather than sorted.
    const page = [...guild.members.entries()]
      .filter(([id]) => SNOWFLAKE.test(id) && BigInt(id) > floor)
      .sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0))
      .slice(0, Number(limit))
      .map(([id, roles]) => memberBody(id, roles));
    return { status: 200, body: page };
  }

  #change(params: Params, add: boolean): Answer {
    const guild = this.#guild(params.guild as string);
    const role = guild.roles.get(params.role as string);
    if (!role) throw unknownRole();
    const roles = guild.members.get(params.user as string);
    if (!roles) throw unknownMember();
    const bot = [...(guild.members.get(this.botId) ?? [])]
      .map((id) => guild.roles.get(id))
      .filter((candidate): candidate is FakeRole => candidate !== undefined);
    const everyone = guild.roles.get(params.guild as string) as FakeRole;
    const permissions = [everyone, ...bot].reduce(
      (all, candidate) => all | BigInt(candidate.permissions),
      0n,
    );
    const highest = bot.reduce((top, candidate) => Math.max(top, candidate.position), 0);
    if ((permissions & (ADMINISTRATOR | MANAGE_ROLES)) === 0n || role.position >= highest || role.managed)
      throw missingPermissions();
    if (add) roles.add(role.id);
    else roles.delete(role.id);
    return { status: 204 };
  }
}

function memberBody(userId: string, roles: Set<string>) {
  return {
    user: { id: userId },
    roles: [...roles],
    joined_at: new Date(0).toISOString(),
    deaf: false,
    mute: false,
  };
}
