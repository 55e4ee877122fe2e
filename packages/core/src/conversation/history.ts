// The thread's remembered messages: members' words and the bot's answers, kept in the database.
import type { CommunityRef } from "../platform.ts";
import type { ConversationEntry } from "./prompt.ts";

export interface NewConversationEntry {
  community: CommunityRef;
  threadKey: string;
  role: "user" | "assistant";
  /** The member's platform id; null for the bot's own answers. */
  authorId: string | null;
  text: string;
  /** When it was said: the message's arrival; for an answer, just after the newest message it answered. */
  at: Date;
}

export interface ConversationStore {
  /** Stores the entry once: the same thread, role, author, time and text again is the same entry (a retried job). */
  append(entry: NewConversationEntry): Promise<void>;
  /** The thread's newest entries since `since`, at most `limit`, oldest first. */
  recent(threadKey: string, options: { limit: number; since: Date }): Promise<ConversationEntry[]>;
}

/** How much of a thread the model sees: the last 16 messages, none older than 6 hours. */
export const HISTORY_LIMIT = 16;
export const HISTORY_MAX_AGE_MS = 6 * 3_600_000;
