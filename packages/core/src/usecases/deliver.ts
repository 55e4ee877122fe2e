import type { OutgoingMessage, ReplyTarget } from "../platform.ts";

/**
 * Sends one message to where a command came from, at most once per `deliveryKey`
 * even when the job that sends it is retried.
 */
export type DeliverOnce = (
  target: ReplyTarget,
  message: OutgoingMessage,
  deliveryKey: string,
) => Promise<void>;
