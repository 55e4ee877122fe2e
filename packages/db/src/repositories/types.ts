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

/** One setting changed, as the settings model worked it out from the stored settings. */
export interface SettingsEdit {
  /** The setting that changed, for the audit trail. */
  key: string;
  oldValue: unknown;
  newValue: unknown;
  /** The community's complete settings after the change. */
  settings: Record<string, unknown>;
}

export interface UpdateSettingsInput {
  community: CommunityKey;
  actor: IdentityKey;
  /**
   * Works out the change from the settings as stored right now (the row is locked meanwhile, so
   * a concurrent change to another key is seen, not overwritten); undefined stores nothing.
   */
  edit: (stored: unknown) => SettingsEdit | undefined;
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
  /** What the run made, as JSON data (a meme's template and texts); absent keeps the stored one. */
  result?: Readonly<Record<string, unknown>>;
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
  result: unknown;
  community: CommunityRef;
  /** The platform id of who ran it. */
  actorId: string;
  createdAt: Date;
  finishedAt: Date | null;
}
