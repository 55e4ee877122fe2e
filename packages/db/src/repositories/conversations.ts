// The conversation history: members' messages to the bot and its answers, per thread (a chat, a
// channel, a forum topic). Only the platform id of a member is kept with their words, no names.
import type { PrismaClient } from "../generated/client.ts";
import { ensureCommunity } from "./participants.ts";
import type { CommunityKey } from "./types.ts";

export interface NewConversationMessage {
  community: CommunityKey;
  threadKey: string;
  role: "user" | "assistant";
  authorId: string | null;
  text: string;
  at: Date;
}

export interface StoredConversationMessage {
  role: "user" | "assistant";
  authorId: string | null;
  text: string;
  createdAt: Date;
}

export interface ConversationsRepository {
  /**
   * Stores the message unless the thread already holds the same one (role, author, time and text):
   * a retried job appends what its first attempt may have stored already. Attempts of one job never
   * run at once, so looking first is enough.
   */
  append(message: NewConversationMessage): Promise<void>;
  /** The thread's newest messages created since `since`, at most `limit`, oldest first. */
  recent(threadKey: string, options: { limit: number; since: Date }): Promise<StoredConversationMessage[]>;
  /** Deletes every thread's messages created before `before`; resolves with how many went. */
  deleteOlderThan(before: Date): Promise<number>;
}

const roleOf = (role: string): "user" | "assistant" => (role === "assistant" ? "assistant" : "user");

export function createConversationsRepository(prisma: PrismaClient): ConversationsRepository {
  return {
    async append(message) {
      const known = await prisma.conversationMessage.findFirst({
        where: {
          threadKey: message.threadKey,
          createdAt: message.at,
          role: message.role,
          authorId: message.authorId,
          text: message.text,
        },
        select: { id: true },
      });
      if (known) return;
      const communityId = await ensureCommunity(prisma, message.community);
      await prisma.conversationMessage.create({
        data: {
          communityId,
          threadKey: message.threadKey,
          role: message.role,
          authorId: message.authorId,
          text: message.text,
          createdAt: message.at,
        },
        select: { id: true },
      });
    },

    async recent(threadKey, { limit, since }) {
      // Newest first to take the last `limit`, the index on (threadKey, createdAt) serving both.
      const rows = await prisma.conversationMessage.findMany({
        where: { threadKey, createdAt: { gte: since } },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: limit,
        select: { role: true, authorId: true, text: true, createdAt: true },
      });
      return rows.reverse().map((row) => ({ ...row, role: roleOf(row.role) }));
    },

    async deleteOlderThan(before) {
      const { count } = await prisma.conversationMessage.deleteMany({ where: { createdAt: { lt: before } } });
      return count;
    },
  };
}
