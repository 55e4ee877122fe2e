export { conversationReplySchema, type ConversationReply } from "./payload.ts";
export {
  createConversationConsumer,
  isAddressedToBot,
  DEFAULT_CONVERSATION_COOLDOWN_MS,
  type ConversationConsumerOptions,
  type ConversationJobs,
} from "./consumer.ts";
export {
  createConversationTurns,
  DEFAULT_AUTHOR_LIMIT,
  FOLD_MARGIN_MS,
  type ConversationTurns,
  type ConversationTurnsOptions,
  type TurnDecision,
} from "./turns.ts";
export { MESSAGE_LIMITS, splitMessage } from "./split.ts";
export {
  buildConversationPrompt,
  CONVERSATION_RULES,
  neutralizeChatText,
  type ConversationEntry,
  type ConversationPrompt,
  type PromptMessage,
} from "./prompt.ts";
export {
  HISTORY_LIMIT,
  HISTORY_MAX_AGE_MS,
  type ConversationStore,
  type NewConversationEntry,
} from "./history.ts";
export {
  createThreadLocks,
  DEFAULT_THREAD_LOCK_TTL_MS,
  type ThreadLocks,
  type ThreadLocksOptions,
} from "./thread-lock.ts";
export { createAnswerCache, type AnswerCache, type KeptAnswer } from "./answer-cache.ts";
export { offlineConversationAnswer, type OfflineReason } from "./offline.ts";
export { reportFailedConversation } from "./report-failed.ts";
export { createHistoryPruner, HISTORY_KEPT_MS, PRUNE_EVERY_MS, type HistoryPrunerOptions } from "./prune.ts";
export {
  answerConversation,
  MAX_ANSWER_LENGTH,
  type AnswerConversationDependencies,
  type ConversationModel,
  type StartTyping,
} from "./answer.ts";
