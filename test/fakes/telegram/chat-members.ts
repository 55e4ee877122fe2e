import type { ChatMember, User } from "telegraf/types";

export type ChatMemberStatus = "creator" | "administrator" | "member" | "restricted" | "left" | "kicked";

/** Who holds which role in which chat. Users nobody configured are plain members. */
export class ChatMembers {
  readonly #byChat = new Map<number, Map<number, ChatMemberStatus>>();

  set(chatId: number, userId: number, status: ChatMemberStatus): void {
    let members = this.#byChat.get(chatId);
    if (members === undefined) {
      members = new Map();
      this.#byChat.set(chatId, members);
    }
    members.set(userId, status);
  }

  statusOf(chatId: number, userId: number): ChatMemberStatus {
    return this.#byChat.get(chatId)?.get(userId) ?? "member";
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

export function chatMemberObject(user: User, status: ChatMemberStatus): ChatMember {
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
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
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
