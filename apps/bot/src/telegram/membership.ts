// What token-gated groups take from Telegram's membership updates: a join request (chat_join_request)
// becomes core's JoinRequest, and a member's change of status (chat_member) tells whether they are in
// the group. Pure: no network, no clock. Bots are ignored: gates are for people, and a bot cannot
// hold a wallet.
import type { CommunityRef, JoinRequest } from "@memebot/core";
import { isInGroup } from "@memebot/delivery/telegram";
import type { Chat, Update } from "telegraf/types";

/** A member seen leaving (or removed from) a group, or in it again. */
export interface MembershipChange {
  community: CommunityRef;
  memberId: string;
  present: boolean;
  /** When Telegram says it happened. */
  at: Date;
}

/** Gates live in groups; a channel has no members to gate and no /gate command to set one up. */
function groupOf(chat: Chat): CommunityRef | undefined {
  if (chat.type !== "group" && chat.type !== "supergroup") return undefined;
  return { platform: "telegram", externalId: String(chat.id), title: chat.title, kind: "group" };
}

/**
 * A member asks to join a group through a link that creates join requests. `language` is the
 * requester's, chosen from their app's language as for their commands.
 */
export function joinRequestOf(update: Update, language: string): JoinRequest | undefined {
  if (!("chat_join_request" in update)) return undefined;
  const request = update.chat_join_request;
  const community = groupOf(request.chat);
  if (!community || request.from.is_bot) return undefined;
  return {
    community,
    memberId: String(request.from.id),
    userChatId: String(request.user_chat_id),
    language,
    // Telegram's date, not our clock: a redelivered update keeps it, so it keys one job.
    requestedAt: request.date * 1000,
  };
}

/** A member's status changed: whether they are in the group now. */
export function membershipOf(update: Update): MembershipChange | undefined {
  if (!("chat_member" in update)) return undefined;
  const change = update.chat_member;
  const community = groupOf(change.chat);
  const member = change.new_chat_member;
  if (!community || member.user.is_bot) return undefined;
  const present = isInGroup(member);
  // A promotion, a restriction, a new title: still in (or still out), nothing to record.
  if (present === isInGroup(change.old_chat_member)) return undefined;
  return { community, memberId: String(member.user.id), present, at: new Date(change.date * 1000) };
}
