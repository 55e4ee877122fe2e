export { openDatabase, QUERY_TIMEOUT_MARGIN_MS } from "./database.ts";
export type {
  Database,
  DatabaseKind,
  DatabaseLocation,
  DatabaseTimeouts,
  OpenDatabaseOptions,
} from "./database.ts";
export { migrateDatabase, migrationLockKey } from "./migrate.ts";
export type { MigrateOptions, MigrationTarget } from "./migrate.ts";
export { DatabaseUnavailableError, MigrationError, MigrationLockTimeoutError } from "./errors.ts";
export { defaultMigrationsDir, defaultSchemaPath } from "./paths.ts";
export { PrismaClient, Prisma } from "./generated/client.ts";
export { diffMigrationsToSchema } from "./schema-diff.ts";
export type { SchemaDiffOptions } from "./schema-diff.ts";
export { readMigrationsList, writeMigration } from "./migrations-folder.ts";
export type { MigrationList, WrittenMigration } from "./migrations-folder.ts";
export { createRepositories, createModelCallRecorder } from "./repositories.ts";
export { MAX_TEMPLATES_PER_COMMUNITY, MAX_TEMPLATE_BYTES_PER_COMMUNITY } from "./repositories.ts";
export { MAX_CHATTER_TEXT, MAX_TRACKED_TOKENS_PER_COMMUNITY } from "./repositories.ts";
export { MAX_SENTIMENT_ALERTS_PER_COMMUNITY } from "./repositories.ts";
export { MAX_TOKEN_GATES_PER_COMMUNITY } from "./repositories.ts";
export type {
  AddSentimentAlertResult,
  NewSentimentAlert,
  SentimentAlertsRepository,
  StoredSentimentAlert,
} from "./repositories.ts";
export type {
  CompleteWalletRequestResult,
  NewWalletLinkAttempt,
  StoredWalletLinkRequest,
  WalletRequestLookup,
  WalletsRepository,
} from "./repositories.ts";
export type {
  ChatterRepository,
  SentimentDigestsRepository,
  StoredSentimentDigest,
  SentimentDigestCandidate,
  NewChatterMessage,
  NewTrackedToken,
  StoredTrackedToken,
  TrackTokenResult,
} from "./repositories.ts";
export type {
  Repositories,
  RepositoryOptions,
  CommunitiesRepository,
  CommandRunsRepository,
  ConversationsRepository,
  NewConversationMessage,
  StoredConversationMessage,
  PersonasRepository,
  StoredPersona,
  UpdatePersonaInput,
  AddMemeTemplateResult,
  MemeTemplatesRepository,
  MemeTemplateUsage,
  NewMemeTemplate,
  StoredMemeTemplate,
  StoredMemeTemplateWithPicture,
  Platform,
  CommandRunStatus,
  CommunityRef,
  CommunityKey,
  IdentityKey,
  SettingsEdit,
  UpdateSettingsInput,
  RecordCommandRunInput,
  CommandRunRecord,
  UsageRepository,
  ModelUsageRow,
  ModelCallCommunity,
  ModelCallEntry,
  BatchedModelCallRecorder,
  ModelCallRecorderOptions,
  RecorderLogger,
} from "./repositories.ts";
export { pendingMigrations } from "./pending.ts";
