// What a `chat.reply` job carries: one member's message and where the answer goes.
import { z } from "zod";
import { DEFAULT_MAX_LISTENED_TEXT } from "../listen/pipeline.ts";
import { languages, type Language } from "../messages/index.ts";
import { communityRefSchema, replyTargetSchema } from "../platform.ts";

export const conversationReplySchema = z.object({
  /** The listened message's key: the job's id, and the root of its delivery keys. */
  key: z.string().min(1),
  community: communityRefSchema,
  threadKey: z.string().min(1),
  /** The platform's id of the member who wrote (kept with the message; names are not). */
  authorId: z.string().min(1),
  text: z.string().min(1).max(DEFAULT_MAX_LISTENED_TEXT),
  target: replyTargetSchema,
  /** The community's language when the message arrived: the offline answer's language. */
  language: z.enum(languages as [Language, ...Language[]]),
  receivedAt: z.number(),
  /**
   * False for a message that came while the chat's cooldown already had an answer scheduled: the
   * job only keeps it in the thread's history, and that answer (a moment later) takes it in.
   */
  answer: z.boolean(),
});
export type ConversationReply = z.infer<typeof conversationReplySchema>;
