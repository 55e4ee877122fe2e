// Who listens to chat messages, besides the command dispatcher.
//
// The pipeline filters every message cheaply (no text, bot authors, webhooks), then asks each
// consumer `wants(message)`: synchronous and free of I/O, because it runs for every message the
// platform shows us, chatter in busy groups included. Only a consumer that wants the message
// gets `handle(message)`, which may use Redis, the database and the job queue.
//
// The consumers:
// - conversation (packages/core/src/conversation): wants private messages and group messages
//   that mention or reply to the bot; handle reads the community's settings, applies the chat's
//   cooldown and enqueues one `chat.reply` job per message. Its outcome says whether an answer
//   will come (the console waits for it).
// - chatter ingest (packages/core/src/sentiment/ingest.ts): wants group messages; handle drops
//   those of communities not tracking (a cached settings read), then appends the message to a
//   buffer and returns at once; the buffer is written to the database in one statement when it is
//   full or old enough, never one round trip per message. `close` writes what is still buffered
//   when the process stops.
import type { ListenedMessage } from "./message.ts";

export interface ConsumerOutcome {
  /** A stable id for logs and tests, e.g. "answer_now", "folded", "off". */
  outcome: string;
  /** How many answers the chat will get for this message (the console waits for them). */
  replies: number;
  /** Something to tell the member at once, in the community's language (the adapter sends it). */
  notice?: string;
}

export interface ListenerConsumer {
  /** For logs and the pipeline's report. */
  readonly name: string;
  /**
   * The member expects an answer to every message this consumer wants (conversation): when
   * `handle` fails, the pipeline's report says so, and the adapter tells the member.
   */
  readonly answersMembers?: boolean;
  /** Synchronous and cheap: no network, no Redis, no database. */
  wants(message: ListenedMessage): boolean;
  /** Runs only for wanted messages; a failure is logged by the pipeline and concerns no one else. */
  handle(message: ListenedMessage): Promise<ConsumerOutcome>;
  /** Flushes anything kept in memory (a batching consumer); called once when the process stops. */
  close?(): Promise<void>;
}
