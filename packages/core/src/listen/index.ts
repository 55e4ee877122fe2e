export type { ListenedMessage, MessageOrigin } from "./message.ts";
export type { ConsumerOutcome, ListenerConsumer } from "./consumer.ts";
export {
  clipText,
  createListenerPipeline,
  dropReasonOf,
  immediateAnswersOf,
  DEFAULT_MAX_LISTENED_TEXT,
  type ListenDropReason,
  type ListenerPipeline,
  type ListenerPipelineLogger,
  type ListenerPipelineOptions,
  type ListenReport,
} from "./pipeline.ts";
