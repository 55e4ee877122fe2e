// The second path beside commands: every message the platform shows the bot that is not a
// command comes here. Cheap checks first, on the message alone, before anything touches Redis or
// the database (busy groups send many messages, nearly all of them none of our business); then
// each consumer that wants the message handles it. Nothing here counts against command rate
// limits or writes a CommandRun: those belong to commands.
import { translate, type Language } from "../messages/index.ts";
import type { ConsumerOutcome, ListenerConsumer } from "./consumer.ts";
import type { ListenedMessage } from "./message.ts";

/** Why a message was dropped before any consumer saw it. */
export type ListenDropReason =
  /** No text, or text without a single letter (stickers' emoji, "+1", "…"). */
  | "no_text"
  /** A bot wrote it, ourselves included: answering bots is how reply loops start. */
  | "bot_author"
  /** A webhook or the platform itself posted it (Discord's join and pin notices…). */
  | "not_from_a_member"
  /** No consumer wants it (most group chatter). */
  | "unwanted";

export interface ListenReport {
  dropped?: ListenDropReason;
  /** Each consumer that took the message, with what it did (or "failed", logged). */
  handled: Array<{ consumer: string; outcome: ConsumerOutcome | "failed" }>;
  /** Answers the chat will get for this message, summed over consumers. */
  replies: number;
  /**
   * A consumer the member expects an answer from failed (Redis down, the job not enqueued): the
   * member would hear nothing, so the adapter says something went wrong.
   */
  failed: boolean;
  /** What consumers asked to tell the member at once (conversation off in a private chat…). */
  notices: string[];
}

/**
 * What the adapter sends back at once for a listened message: the consumers' notices, and the
 * internal-error line when the member's answer cannot come. `language` is the adapter's best
 * guess (the member's client language): the community's settings may be what failed to load.
 */
export function immediateAnswersOf(report: ListenReport, language: Language): string[] {
  return report.failed ? [...report.notices, translate(language, "error.internal")] : report.notices;
}

export interface ListenerPipelineLogger {
  error(object: object, message: string): void;
}

export interface ListenerPipelineOptions {
  consumers: readonly ListenerConsumer[];
  logger: ListenerPipelineLogger;
  /** Longer texts are clipped to this many UTF-16 units (at a character boundary); 2,000 by default. */
  maxTextLength?: number;
}

export interface ListenerPipeline {
  receive(message: ListenedMessage): Promise<ListenReport>;
  /** Lets every consumer flush what it keeps; call once, when the process stops. */
  close(): Promise<void>;
}

/** Discord's own limit for a member's message; Telegram allows 4,096, more than a chat line needs. */
export const DEFAULT_MAX_LISTENED_TEXT = 2_000;

const LETTER = /\p{L}/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** `text` cut to at most `max` UTF-16 units, never inside a character or an emoji sequence. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (const { index, segment } of graphemes.segment(text.slice(0, max + 64))) {
    if (index + segment.length > max) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/** The reason to drop a message before any consumer sees it, or undefined to go on. */
export function dropReasonOf(message: ListenedMessage): ListenDropReason | undefined {
  if (message.origin !== "user") return "not_from_a_member";
  if (message.author.isBot) return "bot_author";
  if (!LETTER.test(message.text)) return "no_text";
  return undefined;
}

export function createListenerPipeline(options: ListenerPipelineOptions): ListenerPipeline {
  const { consumers, logger } = options;
  const maxTextLength = options.maxTextLength ?? DEFAULT_MAX_LISTENED_TEXT;

  async function handleBy(consumer: ListenerConsumer, message: ListenedMessage) {
    try {
      return { consumer: consumer.name, outcome: await consumer.handle(message) };
    } catch (error) {
      // One consumer's trouble (Redis down, a bug) must not cost the others their message, nor
      // the adapter its intake loop.
      logger.error({ err: error, consumer: consumer.name, key: message.key }, "listener consumer failed");
      return { consumer: consumer.name, outcome: "failed" as const, answersMembers: consumer.answersMembers };
    }
  }

  return {
    async receive(received) {
      const dropped = dropReasonOf(received);
      if (dropped) return { dropped, handled: [], replies: 0, failed: false, notices: [] };
      const text = clipText(received.text.trim(), maxTextLength);
      const message = text === received.text ? received : { ...received, text };
      const interested = consumers.filter((consumer) => consumer.wants(message));
      if (interested.length === 0)
        return { dropped: "unwanted", handled: [], replies: 0, failed: false, notices: [] };
      const results = await Promise.all(interested.map((consumer) => handleBy(consumer, message)));
      const handled = results.map(({ consumer, outcome }) => ({ consumer, outcome }));
      let replies = 0;
      const notices: string[] = [];
      for (const { outcome } of handled) {
        if (outcome === "failed") continue;
        replies += outcome.replies;
        if (outcome.notice !== undefined) notices.push(outcome.notice);
      }
      const failed = results.some((result) => result.outcome === "failed" && result.answersMembers === true);
      return { handled, replies, failed, notices };
    },
    async close() {
      await Promise.allSettled(consumers.map((consumer) => consumer.close?.()));
    },
  };
}
