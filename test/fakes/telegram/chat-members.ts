import type { ChatMember, User } from "telegraf/types";

export type ChatMemberStatus = "creator" | "administrator" | "member" | "restricted" | "left" | "kicked";

/** The administrator rights that gate a group's membership; an administrator has all of them unless told. */
export interface AdministratorRights {
  can_invite_users?: boolean;
  can_restrict_members?: boolean;
}

/** Who holds which role in which chat. Users nobody configured are plain members. */
export class ChatMembers {
  readonly #byChat = new Map<number, Map<number, ChatMemberStatus>>();
  /** Rights of administrators that lack some; absent: every right. */
  readonly #rights = new Map<string, AdministratorRights>();

  set(chatId: number, userId: number, status: ChatMemberStatus, rights?: AdministratorRights): void {
    let members = this.#byChat.get(chatId);
    if (members === undefined) {
      members = new Map();
      this.#byChat.set(chatId, members);
    }
    members.set(userId, status);
    // A new status starts with a new set of rights, as a promotion does.
    if (status === "administrator" && rights !== undefined) this.#rights.set(`${chatId}:${userId}`, rights);
    else this.#rights.delete(`${chatId}:${userId}`);
  }

  statusOf(chatId: number, userId: number): ChatMemberStatus {
    return this.#byChat.get(chatId)?.get(userId) ?? "member";
  }

  /** Whether the user may use an administrator right: the creator may do anything, other members nothing. */
  can(chatId: number, userId: number, right: keyof AdministratorRights): boolean {
    const status = this.statusOf(chatId, userId);
    if (status === "creator") return true;
    if (status !== "administrator") return false;
    return this.rightsOf(chatId, userId)[right] !== false;
  }

  rightsOf(chatId: number, userId: number): AdministratorRights {
    return this.#rights.get(`${chatId}:${userId}`) ?? {};
  }

  /** Creators first, then administrators, as Telegram lists them. */
  administratorIds(chatId: number): number[] {
    const members = [...(this.#byChat.get(chatId) ?? new Map<number, ChatMemberStatus>())];
    return [
      ...members.filter(([, status]) => status === "creator"),
      ...members.filter(([, status]) => status === "administrator"),
    ].map(([userId]) => userId);
  }
}

export function chatMemberObject(
  user: User,
  status: ChatMemberStatus,
  rights: AdministratorRights = {},
): ChatMember {
  switch (status) {
    case "creator":
      return { status, user, is_anonymous: false };
    case "administrator":
      return {
        status,
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: rights.can_restrict_members ?? true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: rights.can_invite_users ?? true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_pin_messages: true,
        can_manage_topics: false,
      };
    case "restricted":
      return {
        status,
        user,
        is_member: true,
        can_send_messages: false,
        can_send_audios: false,
        can_send_documents: false,
        can_send_photos: false,
        can_send_videos: false,
        can_send_video_notes: false,
        can_send_voice_notes: false,
        can_send_polls: false,
        can_send_other_messages: false,
        can_add_web_page_previews: false,
        can_change_info: false,
        can_invite_users: false,
        can_pin_messages: false,
        can_manage_topics: false,
        until_date: 0,
      };
    case "kicked":
      return { status, user, until_date: 0 };
    case "left":
      return { status, user };
    case "member":
      return { status, user };
  }
}
