// Discord's side of token gates (core's GateAccess port): whether the bot may manage a role, a
// member's roles, and granting or removing a role, over REST with the bot token. Discord lets a bot
// manage a role only with Manage Roles (or Administrator) and only below its own highest role; both
// are checked before any change, so admins get a clear reason instead of a bare 403.
// Re-verification passes read many members at once (membersRoles): a few one by one, more by
// listing the server 1,000 a page, which needs the privileged Server Members intent; without it
// Discord refuses the listing and the pass falls back to asking member by member.
import { DiscordAPIError, HTTPError, RateLimitError, REST } from "@discordjs/rest";
import type { AccessChange, AccessCheck, GateAccess } from "@memebot/core";
import { createDiscordRest } from "./discord-rest.ts";
import { networkProblemOf, withoutSecrets } from "./errors.ts";

const ADMINISTRATOR = 1n << 3n;
const MANAGE_ROLES = 1n << 28n;

/** Discord's error codes met here. */
const UNKNOWN_MEMBER = 10007;
const UNKNOWN_ROLE = 10011;
const MISSING_PERMISSIONS = 50013;
/** List Guild Members without the Server Members intent (or a server the bot is not in). */
const MISSING_ACCESS = 50001;

/** Up to this many members a pass asks one by one: cheaper than listing a whole server. */
const ONE_BY_ONE_UP_TO = 20;
/**
 * Member requests handed to the REST client at once. @discordjs/rest itself sends one server's
 * requests on a route one after another (its rate-limit bucket), so this mostly bounds what waits.
 */
const MEMBER_REQUESTS_AT_ONCE = 4;
/** Discord's largest page of List Guild Members. */
const MEMBERS_PAGE = 1000;
/**
 * A pass waits out a rate limit up to this long (a pass is background work, and a 429 handed back
 * would only make the next pass hit the same limit); a longer one fails the pass, to be tried later.
 */
const PASS_RATE_LIMIT_WAIT_MS = 15_000;
const SNOWFLAKE = /^\d{1,20}$/;

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
  const timeoutMs = options.timeoutMs ?? 5_000;
  const rest: REST = createDiscordRest({ apiBase: options.apiBase, timeoutMs });
  rest.setToken(options.botToken);
  // Passes' own client: it waits out short rate limits, where single checks hand them back at once.
  const passRest = new REST({
    api: options.apiBase,
    version: "10",
    timeout: timeoutMs,
    retries: 0,
    rejectOnRateLimit: (limit) => Math.max(limit.timeToReset, limit.retryAfter) > PASS_RATE_LIMIT_WAIT_MS,
  }).setToken(options.botToken);
  const secret = options.botToken;
  let botId: Promise<string> | undefined;
  const botIdOf = () => {
    botId ??= (rest.get("/users/@me") as Promise<{ id: string }>).then((user) => user.id);
    // A failed lookup is asked again next time.
    botId.catch(() => (botId = undefined));
    return botId;
  };
  // Discord's own words and the status only: the client's errors also carry the URL and request.
  const detailOf = (error: unknown): string => {
    if (error instanceof DiscordAPIError || error instanceof HTTPError)
      return `${error.status} ${withoutSecrets(error.message, [secret])}`;
    if (error instanceof RateLimitError) return `429 rate limited for ${error.retryAfter} ms`;
    return networkProblemOf(error);
  };
  const unavailable = (error: unknown) => ({
    ok: false as const,
    problem: "unavailable" as const,
    detail: detailOf(error),
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

    async membersRoles(guildId, memberIds) {
      const wanted = new Set(memberIds);
      try {
        if (wanted.size <= ONE_BY_ONE_UP_TO) return { ok: true, roles: await oneByOne(guildId, wanted) };
        try {
          return { ok: true, roles: await listed(guildId, wanted) };
        } catch (error) {
          // No Server Members intent: Discord refuses the listing, single members are still served.
          if (!isApiError(error, MISSING_ACCESS)) throw error;
        }
        return { ok: true, roles: await oneByOne(guildId, wanted) };
      } catch (error) {
        return { ok: false, detail: detailOf(error) };
      }
    },

    grant: (guildId, memberId, roleId, reason) =>
      change(() => rest.put(`/guilds/${guildId}/members/${memberId}/roles/${roleId}`, { reason })),
    revoke: (guildId, memberId, roleId, reason) =>
      change(() => rest.delete(`/guilds/${guildId}/members/${memberId}/roles/${roleId}`, { reason })),
  };

  /**
   * GET /guilds/{id}/members/{user} for each member, a few at a time; members not in the server
   * (Unknown Member) are left out. The first other failure stops the rest and fails the whole.
   */
  async function oneByOne(guildId: string, memberIds: Set<string>): Promise<Map<string, readonly string[]>> {
    const roles = new Map<string, readonly string[]>();
    const queue = [...memberIds];
    let failed = false;
    const work = async () => {
      for (let memberId = queue.shift(); memberId !== undefined && !failed; memberId = queue.shift()) {
        try {
          const member = (await passRest.get(`/guilds/${guildId}/members/${memberId}`)) as ApiMember;
          roles.set(memberId, member.roles);
        } catch (error) {
          if (isApiError(error, UNKNOWN_MEMBER)) continue;
          failed = true;
          throw error;
        }
      }
    };
    const workers = Array.from({ length: Math.min(MEMBER_REQUESTS_AT_ONCE, queue.length) }, work);
    // allSettled first, so no request is still running when the error is handed back.
    const results = await Promise.allSettled(workers);
    const rejected = results.find((result) => result.status === "rejected");
    if (rejected) throw rejected.reason;
    return roles;
  }

  /**
   * List Guild Members page by page (members come in id order, `after` the last one seen), keeping
   * those asked for: it starts just below the lowest id asked for and stops once a page passes the
   * highest, so a pass's page (members in id order) lists only its stretch of the server.
   */
  async function listed(guildId: string, memberIds: Set<string>): Promise<Map<string, readonly string[]>> {
    const roles = new Map<string, readonly string[]>();
    // Discord ids are snowflakes; anything else cannot be a member and never turns up in a page.
    const snowflakes = [...memberIds].filter((id) => SNOWFLAKE.test(id)).map((id) => BigInt(id));
    if (snowflakes.length === 0) return roles;
    const highest = snowflakes.reduce((top, id) => (id > top ? id : top));
    const lowest = snowflakes.reduce((bottom, id) => (id < bottom ? id : bottom));
    let after = String(lowest - 1n);
    for (;;) {
      const query = new URLSearchParams({ limit: String(MEMBERS_PAGE), after });
      const page = (await passRest.get(`/guilds/${guildId}/members`, { query })) as ApiMember[];
      for (const member of page) {
        const id = member.user?.id;
        if (id !== undefined && memberIds.has(id)) roles.set(id, member.roles);
      }
      const last = page.at(-1)?.user?.id;
      if (page.length < MEMBERS_PAGE || last === undefined || BigInt(last) >= highest) return roles;
      after = last;
    }
  }

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
