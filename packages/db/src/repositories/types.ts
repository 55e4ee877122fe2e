import type { CommandRunStatus, Platform } from "../generated/enums.ts";

export type { CommandRunStatus, Platform };

/** A chat, guild or console session as its platform names it. */
export interface CommunityRef {
  platform: Platform;
  externalId: string;
}

export interface CommunityKey extends CommunityRef {
  /** Stored when given; an absent title leaves the stored one alone. */
  title?: string;
}

/** A person as one platform knows them. Absent names leave the stored ones alone. */
export interface IdentityKey {
  platform: Platform;
  externalId: string;
  username?: string;
  displayName?: string;
}

export interface SaveSettingsInput {
  community: CommunityKey;
  actor: IdentityKey;
  /** The setting that changed, for the audit trail. */
  key: string;
  oldValue: unknown;
  newValue: unknown;
  /** The community's complete settings after the change. */
  settings: Record<string, unknown>;
}

export interface RecordCommandRunInput {
  /** The platform's update or interaction id: the same key always means the same run. */
  key: string;
  command: string;
  args: string;
  status: CommandRunStatus;
  /** Stable outcome id, e.g. "meme.model" or "error.cooldown". */
  outcome?: string;
  detail?: string;
  community: CommunityKey;
  actor: IdentityKey;
}

export interface CommandRunRecord {
  key: string;
  command: string;
  args: string;
  status: CommandRunStatus;
  outcome: string | null;
  detail: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}
