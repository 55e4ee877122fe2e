// The queries the bot and workers need, behind small interfaces so callers
// (and their tests) depend on behaviour rather than on Prisma.
import type { PrismaClient } from "./generated/client.ts";
import { createCommandRunsRepository, type CommandRunsRepository } from "./repositories/command-runs.ts";
import { createCommunitiesRepository, type CommunitiesRepository } from "./repositories/communities.ts";
import { createConversationsRepository, type ConversationsRepository } from "./repositories/conversations.ts";
import { createPersonasRepository, type PersonasRepository } from "./repositories/personas.ts";
import {
  createMemeTemplatesRepository,
  type MemeTemplatesRepository,
} from "./repositories/meme-templates.ts";
import { createUsageRepository, type UsageRepository } from "./repositories/usage.ts";
import { createChatterRepository, type ChatterRepository } from "./repositories/chatter.ts";
import {
  createSentimentDigestsRepository,
  type SentimentDigestsRepository,
} from "./repositories/sentiment-digests.ts";
import { createWalletsRepository, type WalletsRepository } from "./repositories/wallets.ts";
import { createGatesRepository, type GatesRepository } from "./repositories/gates.ts";
import {
  createSentimentAlertsRepository,
  type SentimentAlertsRepository,
} from "./repositories/sentiment-alerts.ts";

export type { CommandRunsRepository, CommunitiesRepository, PersonasRepository };
export type { StoredPersona, UpdatePersonaInput } from "./repositories/personas.ts";
export {
  MAX_TEMPLATES_PER_COMMUNITY,
  MAX_TEMPLATE_BYTES_PER_COMMUNITY,
  type AddMemeTemplateResult,
  type MemeTemplatesRepository,
  type MemeTemplateUsage,
  type NewMemeTemplate,
  type StoredMemeTemplate,
  type StoredMemeTemplateWithPicture,
} from "./repositories/meme-templates.ts";
export type { UsageRepository, ModelUsageRow } from "./repositories/usage.ts";
export {
  MAX_CHATTER_TEXT,
  MAX_TRACKED_TOKENS_PER_COMMUNITY,
  type ChatterRepository,
  type NewChatterMessage,
  type NewTrackedToken,
  type StoredTrackedToken,
  type TrackTokenResult,
} from "./repositories/chatter.ts";
export {
  MAX_SENTIMENT_ALERTS_PER_COMMUNITY,
  type AddSentimentAlertResult,
  type NewSentimentAlert,
  type SentimentAlertsRepository,
  type StoredSentimentAlert,
} from "./repositories/sentiment-alerts.ts";
export type {
  SentimentDigestCandidate,
  SentimentDigestsRepository,
  StoredSentimentDigest,
  SwitchOnDigestInput,
} from "./repositories/sentiment-digests.ts";
export {
  createModelCallRecorder,
  type ModelCallCommunity,
  type ModelCallEntry,
  type BatchedModelCallRecorder,
  type ModelCallRecorderOptions,
  type RecorderLogger,
} from "./repositories/model-calls.ts";
export type * from "./repositories/types.ts";
export type {
  CompleteWalletRequestResult,
  NewWalletLinkAttempt,
  StoredWalletLinkRequest,
  WalletRequestLookup,
  WalletsRepository,
} from "./repositories/wallets.ts";
export {
  MAX_TOKEN_GATES_PER_COMMUNITY,
  type AddTokenGateRowResult,
  type GatesRepository,
  type NewGateAuditRow,
  type NewTokenGateRow,
  type StoredGateAuditRow,
  type StoredTokenGateRow,
} from "./repositories/gates.ts";
export type {
  ConversationsRepository,
  NewConversationMessage,
  StoredConversationMessage,
} from "./repositories/conversations.ts";

export interface Repositories {
  communities: CommunitiesRepository;
  commandRuns: CommandRunsRepository;
  /** Conversation history per thread: members' messages to the bot and its answers. */
  conversations: ConversationsRepository;
  personas: PersonasRepository;
  /** Meme templates admins added, with their pictures. */
  memeTemplates: MemeTemplatesRepository;
  /** Model calls summed by task and model, for /usage. */
  usage: UsageRepository;
  /** Chatter sentiment: tracked tokens and the chat messages of tracking communities. */
  chatter: ChatterRepository;
  /** Each community's daily sentiment digest (/digest): its hour, zone, target and last day done. */
  sentimentDigests: SentimentDigestsRepository;
  /** Wallets members linked by signing a message (/wallet), their link requests and attempts. */
  wallets: WalletsRepository;
  /** Admins' alerts on chatter (/alert) and their armed/fired state. */
  sentimentAlerts: SentimentAlertsRepository;
  /** Token gates (/gate) and the audit of every grant, removal and failed check. */
  gates: GatesRepository;
}

export interface RepositoryOptions {
  /**
   * Removes secrets from free text before it is stored (the process's Scrubber.scrubText). Required, so
   * that no composition can store an error message as it came.
   */
  scrubText: (text: string) => string;
}

export function createRepositories(prisma: PrismaClient, options: RepositoryOptions): Repositories {
  return {
    communities: createCommunitiesRepository(prisma),
    commandRuns: createCommandRunsRepository(prisma, options.scrubText),
    conversations: createConversationsRepository(prisma),
    personas: createPersonasRepository(prisma),
    memeTemplates: createMemeTemplatesRepository(prisma),
    usage: createUsageRepository(prisma),
    chatter: createChatterRepository(prisma),
    sentimentDigests: createSentimentDigestsRepository(prisma),
    wallets: createWalletsRepository(prisma),
    sentimentAlerts: createSentimentAlertsRepository(prisma),
    gates: createGatesRepository(prisma),
  };
}
