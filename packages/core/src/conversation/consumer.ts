// The conversation consumer: the listener pipeline's first. It hears private messages and group
// messages that mention or reply to the bot, and turns each into a `chat.reply` job on the
// conversation queue (slow model work there never holds up command jobs).
import type { ConsumerOutcome, ListenerConsumer } from "../listen/consumer.ts";
import type { ListenedMessage } from "../listen/message.ts";
import { translate } from "../messages/index.ts";
import type { SettingsStore } from "../settings-store.ts";
import type { ConversationReply } from "./payload.ts";
import type { ConversationTurns } from "./turns.ts";

/** The bot answers each chat at most this often; later messages fold into the next answer. */
export const DEFAULT_CONVERSATION_COOLDOWN_MS = 5_000;

export interface ConversationJobs {
  /** Adds the job under `jobId` (a second add of the same id is a no-op), to start after `delayMs`. */
  enqueueReply(payload: ConversationReply, options: { jobId: string; delayMs: number }): Promise<unknown>;
}

export interface ConversationConsumerOptions {
  settings: Pick<SettingsStore, "get">;
  turns: ConversationTurns;
  jobs: ConversationJobs;
}

/** Whether a message is said to the bot: anything private, and in groups what names or answers it. */
export const isAddressedToBot = (message: ListenedMessage): boolean =>
  message.isPrivate || message.mentionsBot || message.repliesToBot;

export function createConversationConsumer(options: ConversationConsumerOptions): ListenerConsumer {
  const { settings: settingsStore, turns, jobs } = options;
  return {
    name: "conversation",
    // Everything it wants was said to the bot: a member waits for an answer.
    answersMembers: true,
    wants: isAddressedToBot,
    async handle(message): Promise<ConsumerOutcome> {
      const settings = await settingsStore.get(message.community);
      // Switched off by the community's admins: the bot keeps nothing, and stays silent in groups.
      // In a private chat silence looks broken: the member hears what the bot does answer.
      if (!settings.conversation) {
        return message.isPrivate
          ? { outcome: "off", replies: 0, notice: translate(settings.language, "error.notACommand") }
          : { outcome: "off", replies: 0 };
      }
      const turn = await turns.take({
        key: message.key,
        threadKey: message.threadKey,
        authorKey: `${message.platform}:${message.author.externalId}`,
      });
      if (turn.kind === "duplicate") return { outcome: "duplicate", replies: 0 };
      const payload: ConversationReply = {
        key: message.key,
        community: message.community,
        threadKey: message.threadKey,
        authorId: message.author.externalId,
        text: message.text,
        target: message.replyTo,
        language: settings.language,
        receivedAt: message.receivedAt,
        // Folded and limited messages are only kept: another answer takes them in, or none does.
        answer: turn.kind === "now" || turn.kind === "later",
      };
      try {
        await jobs.enqueueReply(payload, {
          jobId: message.key,
          delayMs: turn.kind === "later" ? turn.delayMs : 0,
        });
      } catch (error) {
        // Not enqueued: the pipeline reports the failure and the adapter tells the member. The
        // message is forgotten, so that should the platform deliver it again (a retried webhook)
        // it is taken afresh rather than dropped as already seen.
        await turns.forget(message.key).catch(() => undefined);
        throw error;
      }
      if (turn.kind === "fold") return { outcome: "folded", replies: 0 };
      if (turn.kind === "limited") {
        return turn.tell
          ? {
              outcome: "limited",
              replies: 0,
              notice: translate(settings.language, "conversation.authorLimited"),
            }
          : { outcome: "limited", replies: 0 };
      }
      return { outcome: turn.kind === "now" ? "answer_now" : "answer_later", replies: 1 };
    },
  };
}
