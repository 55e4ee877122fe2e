// Discord's side of token gates (core's GateAccess port): whether the bot may manage a role, a
// member's roles, and granting or removing a role, over REST with the bot token. Discord lets a bot
// manage a role only with Manage Roles (or Administrator) and only below its own highest role; both
// are checked before any change, so admins get a clear reason instead of a bare 403.
import { DiscordAPIError, type REST } from "@discordjs/rest";
import type { AccessChange, AccessCheck, GateAccess } from "@memebot/core";
import { createDiscordRest } from "./discord-rest.ts";
import { networkProblemOf, withoutSecrets } from "./errors.ts";

const ADMINISTRATOR = 1n << 3n;
const MANAGE_ROLES = 1n << 28n;

/** Discord's error codes met here. */
const UNKNOWN_MEMBER = 10007;
const UNKNOWN_ROLE = 10011;
const MISSING_PERMISSIONS = 50013;

interface ApiRole {
  id: string;
  position: number;
  permissions: string;
  managed?: boolean;
}

interface ApiMember {
  roles: string[];
  user?: { id: string };
}

export interface DiscordRoleAccessOptions {
  apiBase: string;
  botToken: string;
  /** One request's limit (default 5 s). */
  timeoutMs?: number;
}

export function createDiscordRoleAccess(options: DiscordRoleAccessOptions): GateAccess {
  const rest: REST = createDiscordRest({ apiBase: options.apiBase, timeoutMs: options.timeoutMs ?? 5_000 });
  rest.setToken(options.botToken);
  const secret = options.botToken;
  let botId: Promise<string> | undefined;
  const botIdOf = () => {
    botId ??= (rest.get("/users/@me") as Promise<{ id: string }>).then((user) => user.id);
    // A failed lookup is asked again next time.
    botId.catch(() => (botId = undefined));
    return botId;
  };
  const unavailable = (error: unknown) => ({
    ok: false as const,
    problem: "unavailable" as const,
    detail:
      error instanceof DiscordAPIError
        ? `${error.status} ${withoutSecrets(error.message, [secret])}`
        : networkProblemOf(error),
  });
  const isApiError = (error: unknown, code: number): error is DiscordAPIError =>
    error instanceof DiscordAPIError && error.code === code;

  return {
    async checkRole(guildId, roleId): Promise<AccessCheck> {
      try {
        const [roles, bot] = await Promise.all([
          rest.get(`/guilds/${guildId}/roles`) as Promise<ApiRole[]>,
          botIdOf().then((id) => rest.get(`/guilds/${guildId}/members/${id}`) as Promise<ApiMember>),
        ]);
        const role = roles.find((candidate) => candidate.id === roleId);
        if (!role) return { ok: false, problem: "unknown_role" };
        // @everyone's id is the guild's, and every member has it.
        const botRoles = roles.filter(
          (candidate) => candidate.id === guildId || bot.roles.includes(candidate.id),
        );
        const permissions = botRoles.reduce((all, candidate) => all | BigInt(candidate.permissions), 0n);
        if ((permissions & (ADMINISTRATOR | MANAGE_ROLES)) === 0n)
          return { ok: false, problem: "missing_manage_roles" };
        if (role.managed) return { ok: false, problem: "role_managed" };
        const highest = botRoles.reduce((top, candidate) => Math.max(top, candidate.position), 0);
        // Even Administrator cannot manage a role at or above its own highest one.
        if (role.position >= highest) return { ok: false, problem: "role_above_bot" };
        return { ok: true };
      } catch (error) {
        return unavailable(error);
      }
    },

    async memberRoles(guildId, memberId) {
      try {
        const member = (await rest.get(`/guilds/${guildId}/members/${memberId}`)) as ApiMember;
        return { ok: true, roles: member.roles };
      } catch (error) {
        if (isApiError(error, UNKNOWN_MEMBER)) return { ok: true, roles: null };
        return { ok: false, detail: unavailable(error).detail };
      }
    },

    grant: (guildId, memberId, roleId, reason) =>
      change(() => rest.put(`/guilds/${guildId}/members/${memberId}/roles/${roleId}`, { reason })),
    revoke: (guildId, memberId, roleId, reason) =>
      change(() => rest.delete(`/guilds/${guildId}/members/${memberId}/roles/${roleId}`, { reason })),
  };

  async function change(request: () => Promise<unknown>): Promise<AccessChange> {
    try {
      await request();
      return { ok: true };
    } catch (error) {
      if (isApiError(error, UNKNOWN_MEMBER)) return { ok: false, problem: "unknown_member" };
      if (isApiError(error, UNKNOWN_ROLE)) return { ok: false, problem: "unknown_role" };
      // Permissions changed between the check and the change.
      if (isApiError(error, MISSING_PERMISSIONS)) return { ok: false, problem: "missing_manage_roles" };
      return unavailable(error);
    }
  }
}
