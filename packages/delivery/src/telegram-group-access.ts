// Telegram's side of token gates (core's GateAccess port): on Telegram the gated thing is the group
// itself (GROUP_TARGET). A member enters through a join request the bot approves, and is removed by a
// ban lifted at once, so they may ask to join again once they hold enough. The bot needs to be an
// administrator with the rights to invite users (join requests, links) and to ban (removal); both are
// checked up front, so admins get a clear reason instead of a bare 400.
//
// Through telegraf's Bot API client, like every other Telegram call of ours. Every failure becomes a
// value: a refusal we can name (bot_not_admin, unknown_member), or "unavailable" with a detail built
// from the status and Telegram's description only, never from the URL that carries the bot token.
import {
  GROUP_TARGET,
  type AccessChange,
  type AccessCheck,
  type GateAccess,
  type MemberRoles,
} from "@memebot/core";
import { Telegram, TelegramError } from "telegraf";
import type { ChatMember } from "telegraf/types";
import { networkProblemOf, withoutSecrets } from "./errors.ts";
import { chatIdOf } from "./telegram.ts";

export interface TelegramGroupAccessOptions {
  /** Bot API root, e.g. "https://api.telegram.org" or a local Bot API server / test fake. */
  apiBase: string;
  botToken: string;
  /** One request's limit (default 5 s). */
  timeoutMs?: number;
}

/**
 * How long the removal's ban lasts should the unban after it not get through: Telegram lifts a ban
 * by itself at until_date (one under 30 s would count as forever), so a member is never left banned
 * for good by a failed second call.
 */
const REMOVAL_BAN_SECONDS = 60;

/** Telegram's invite link names are at most 32 characters. */
const MAX_LINK_NAME = 32;

/** The request the member would be approved or declined through is gone (settled, or never made). */
const NO_JOIN_REQUEST = /HIDE_REQUESTER_MISSING/;
/** An approval of someone already in the group: what the approval was for is done. */
const ALREADY_IN = /USER_ALREADY_PARTICIPANT/;
/** Telegram's refusals of a bot without the right (each method words it its own way). */
const MISSING_RIGHTS = /not enough rights|CHAT_ADMIN_REQUIRED|need administrator rights|chat not found/i;
/** getChatMember of someone Telegram does not know in that chat. */
const UNKNOWN_USER = /user not found|PARTICIPANT_ID_INVALID|USER_ID_INVALID|invalid user_id/i;

type Refusal =
  { ok: false; problem: "bot_not_admin" } | { ok: false; problem: "unavailable"; detail: string };

export function createTelegramGroupAccess(options: TelegramGroupAccessOptions): GateAccess {
  const telegram = new Telegram(options.botToken, { apiRoot: options.apiBase });
  const timeoutMs = options.timeoutMs ?? 5_000;
  const secret = options.botToken;

  /** One Bot API call, bounded: callApi is the only way to hand telegraf a signal (its own limit is minutes). */
  const call = <T>(method: string, payload: Record<string, unknown>): Promise<T> =>
    telegram.callApi(
      method as never,
      payload as never,
      { signal: AbortSignal.timeout(timeoutMs) } as never,
    ) as Promise<T>;

  let botId: Promise<number> | undefined;
  const botIdOf = () => {
    botId ??= call<{ id: number }>("getMe", {}).then((me) => me.id);
    // A failed lookup is asked again next time.
    botId.catch(() => (botId = undefined));
    return botId;
  };

  const detailOf = (error: unknown) =>
    error instanceof TelegramError
      ? `${error.code} ${withoutSecrets(error.description ?? "", [secret])}`.trim()
      : networkProblemOf(error);
  const describes = (error: unknown, pattern: RegExp) =>
    error instanceof TelegramError && pattern.test(error.description ?? "");

  /**
   * A failure no method handles on its own. 403: the bot was removed from the group or never added;
   * a missing right: the admins took it away since the last check. Anything else (flood wait, 5xx, a
   * timeout, a 400 we cannot name) is worth asking again.
   */
  const refusalOf = (error: unknown): Refusal => {
    if (
      error instanceof TelegramError &&
      (error.code === 403 || (error.code === 400 && describes(error, MISSING_RIGHTS)))
    )
      return { ok: false, problem: "bot_not_admin" };
    return { ok: false, problem: "unavailable", detail: detailOf(error) };
  };

  const memberOf = (chatId: string, userId: number) =>
    call<ChatMember>("getChatMember", { chat_id: chatIdOf(chatId), user_id: userId });

  return {
    async checkRole(chatId, target): Promise<AccessCheck> {
      // A Telegram gate has no role: the group is its one target.
      if (target !== GROUP_TARGET) return { ok: false, problem: "unknown_role" };
      try {
        const bot = await memberOf(chatId, await botIdOf());
        return canGate(bot) ? { ok: true } : { ok: false, problem: "bot_not_admin" };
      } catch (error) {
        return refusalOf(error);
      }
    },

    async memberRoles(chatId, memberId): Promise<MemberRoles> {
      const userId = userIdOf(memberId);
      if (userId === undefined) return { ok: true, roles: null };
      try {
        const member = await memberOf(chatId, userId);
        return { ok: true, roles: isInGroup(member) ? [GROUP_TARGET] : null };
      } catch (error) {
        if (describes(error, UNKNOWN_USER)) return { ok: true, roles: null };
        return { ok: false, detail: detailOf(error) };
      }
    },

    async grant(chatId, memberId) {
      const userId = userIdOf(memberId);
      if (userId === undefined) return { ok: false, problem: "unknown_member" };
      try {
        await call("approveChatJoinRequest", { chat_id: chatIdOf(chatId), user_id: userId });
        return { ok: true };
      } catch (error) {
        if (describes(error, NO_JOIN_REQUEST)) return { ok: false, problem: "unknown_member" };
        if (describes(error, ALREADY_IN)) return { ok: true };
        return refusalOf(error);
      }
    },

    /**
     * Removes a member: a ban (that lifts itself after a minute) then an unban with only_if_banned, so
     * they are out of the group and may ask to join again. Nothing is done, and ok returned, for
     * - the group's creator and its administrators: a token gate is for members; the people who run
     *   the group keep their place whatever they hold (Telegram would refuse to remove the creator,
     *   and an admin the bot promoted it would remove, which nobody wants from a gate);
     * - someone already out: left, or banned, maybe by an admin on purpose, whose ban we never lift.
     */
    async revoke(chatId, memberId): Promise<AccessChange> {
      const userId = userIdOf(memberId);
      if (userId === undefined) return { ok: false, problem: "unknown_member" };
      const chat_id = chatIdOf(chatId);
      try {
        const member = await memberOf(chatId, userId);
        if (member.status === "creator" || member.status === "administrator") return { ok: true };
        if (!isInGroup(member)) return { ok: true };
        await call("banChatMember", {
          chat_id,
          user_id: userId,
          until_date: Math.floor(Date.now() / 1000) + REMOVAL_BAN_SECONDS,
          revoke_messages: false,
        });
      } catch (error) {
        if (describes(error, UNKNOWN_USER)) return { ok: true };
        return refusalOf(error);
      }
      try {
        await call("unbanChatMember", { chat_id, user_id: userId, only_if_banned: true });
        return { ok: true };
      } catch {
        // The member is out either way, and the ban lifts itself within a minute: a retry would find
        // them banned and leave them alone, so the removal counts as done.
        return { ok: true };
      }
    },

    async decline(chatId, memberId): Promise<AccessChange> {
      const userId = userIdOf(memberId);
      if (userId === undefined) return { ok: false, problem: "unknown_member" };
      try {
        await call("declineChatJoinRequest", { chat_id: chatIdOf(chatId), user_id: userId });
        return { ok: true };
      } catch (error) {
        if (describes(error, NO_JOIN_REQUEST)) return { ok: false, problem: "unknown_member" };
        return refusalOf(error);
      }
    },

    async joinRequestLink(chatId, name) {
      try {
        const link = await call<{ invite_link: string }>("createChatInviteLink", {
          chat_id: chatIdOf(chatId),
          creates_join_request: true,
          name: linkNameOf(name),
        });
        return { ok: true, url: link.invite_link };
      } catch (error) {
        return refusalOf(error);
      }
    },
  };
}

/** The name cut to Telegram's limit (in UTF-16 units, as it counts), never through an emoji. */
function linkNameOf(name: string): string {
  let cut = "";
  for (const character of name) {
    if (cut.length + character.length > MAX_LINK_NAME) break;
    cut += character;
  }
  return cut;
}

/** Telegram user ids are positive integers (they fit a double); anything else names nobody. */
function userIdOf(memberId: string): number | undefined {
  return /^\d{1,16}$/.test(memberId) ? Number(memberId) : undefined;
}

/** The bot may approve join requests (can_invite_users) and remove members (can_restrict_members). */
function canGate(bot: ChatMember): boolean {
  if (bot.status === "creator") return true;
  return bot.status === "administrator" && bot.can_invite_users && bot.can_restrict_members;
}

/** In the group: a restricted member is in it unless Telegram says is_member false (restricted after leaving). */
export function isInGroup(member: ChatMember): boolean {
  switch (member.status) {
    case "creator":
    case "administrator":
    case "member":
      return true;
    case "restricted":
      return member.is_member;
    default:
      return false;
  }
}
