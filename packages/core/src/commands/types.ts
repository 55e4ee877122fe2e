import type { RunLookup } from "../dispatch.ts";
import type { JobName, JobPayload } from "../jobs/catalog.ts";
import type { MessageId, Translator, Language } from "../messages/index.ts";
import type { PersonaStore } from "../persona/store.ts";
import type { TemplateStore } from "../studio/templates.ts";
import type { TrackingService } from "../sentiment/track-command.ts";
import type { WalletService } from "../wallets/wallet-command.ts";
import type { SentimentAlertService } from "../sentiment/alert-command.ts";
import type { GateService } from "../gating/gate-command.ts";
import type {
  Actor,
  AdminCheck,
  AttachmentRef,
  CommunityRef,
  OutgoingMessage,
  Platform,
  ReplyTarget,
} from "../platform.ts";
import type { Result, UserError } from "../result.ts";
import type { CommunitySettings, SettingsModel } from "../settings.ts";
import type { SettingsStore } from "../settings-store.ts";
import type { UsageReader } from "../usage/reader.ts";
import type { DigestService } from "../sentiment/digest-command.ts";

export interface ArgSpec {
  name: string;
  description: MessageId;
  required: boolean;
  /** Takes the rest of the line, spaces included (only the last argument may). */
  rest?: boolean;
  maxLength: number;
}

export type RawArgs = Readonly<Record<string, string | undefined>>;

/** What an adapter hands to the dispatcher: one update or interaction, made neutral. */
export interface CommandInvocation {
  /** The platform's id for this update or interaction; redelivery reuses it, so it keys idempotency. */
  key: string;
  platform: Platform;
  community: CommunityRef;
  actor: Actor;
  /** Lower-case command name without the slash, or null when the message was not a command. */
  name: string | null;
  /** For a message that is not a command: plain text, or a kind we cannot read (photo, sticker…). */
  nonCommand?: "text" | "unsupported";
  /** Telegram and the console give one line of text; Discord gives named options. */
  args: { kind: "text"; text: string } | { kind: "options"; values: RawArgs };
  /** Files sent with the command (or, on Telegram, in the message it replies to); the console has none. */
  attachments?: readonly AttachmentRef[];
  /** False for a group message not addressed to us (e.g. `/other` meant for another bot). */
  addressed: boolean;
  target: ReplyTarget;
  /** Milliseconds since the epoch when the platform update reached us. */
  receivedAt: number;
  isAdmin: AdminCheck;
}

export interface JobProducer {
  enqueue<N extends JobName>(
    name: N,
    payload: JobPayload<N>,
    /** `delayMs`: the job starts no sooner (a conversation answer waiting out the chat's cooldown). */
    options: { jobId: string; delayMs?: number },
  ): Promise<{ jobId: string }>;
}

/** Why an attachment's bytes could not be had. `detail` is for logs: our words, never a URL or token. */
export interface AttachmentProblem {
  reason: "too_large" | "unavailable" | "not_allowed";
  detail: string;
}

/** Downloads what an AttachmentRef points at (implemented in @memebot/delivery). */
export interface AttachmentFetcher {
  fetch(ref: AttachmentRef, options: { maxBytes: number }): Promise<Result<Uint8Array, AttachmentProblem>>;
}

export interface CommandServices {
  settings: SettingsStore;
  personas: PersonaStore;
  /** Absent where files cannot arrive (the console). */
  attachments?: AttachmentFetcher;
  settingsModel: SettingsModel;
  jobs: JobProducer;
  commands: () => readonly AnyCommand[];
  /** Model calls and the token budget's spending, for /usage. */
  usage: UsageReader;
  /** Removes a community's own meme template (/template remove); adding and listing are jobs. */
  templates?: Pick<TemplateStore, "remove">;
  /** The tokens a community tracks in its chatter, and its stored chatter (/track). */
  tracking?: TrackingService;
  /** Wallet links by signed message (/wallet). */
  wallets?: WalletService;
  /** Admins' alerts on the community's chatter (/alert). */
  alerts?: SentimentAlertService;
  /** The community's daily sentiment digest (/digest). */
  digests?: DigestService;
  /** Token gates (/gate, /verify): their storage, the chain, each platform's role access. */
  gates?: GateService;
  /** Recorded runs, read back (the meme a re-roll points at). */
  runs: RunLookup;
}

export interface CommandContext<A> {
  invocation: CommandInvocation;
  args: A;
  settings: CommunitySettings;
  language: Language;
  t: Translator;
  services: CommandServices;
}

export type CommandOutcome =
  /** `private`: shown only to the member where the platform can (Discord); it names their wallets, say. */
  | { kind: "reply"; message: OutgoingMessage; outcome: string; private?: boolean }
  | { kind: "queued"; jobId: string }
  | { kind: "error"; error: UserError };

export interface CommandDefinition<A> {
  name: string;
  description: MessageId;
  args: readonly ArgSpec[];
  /** The command takes a file too: Discord gets an attachment option of this name (Telegram reads documents). */
  attachment?: { name: string; description: MessageId };
  /** Turns raw strings into typed arguments; the generic checks (required, length) ran already. */
  parse: (raw: RawArgs) => Result<A, UserError>;
  /** "admin" commands are refused to everyone else before they run. */
  permission: "anyone" | "admin";
  toggleable: boolean;
  defaultCooldownSeconds: number;
  /** Answered later by a worker job: adapters defer their reply (Discord's 3-second rule). */
  answeredByJob: boolean;
  /**
   * What the run record keeps of the arguments' text (all of it unless given): a command whose users
   * may paste something secret by mistake (a wallet's private key for a signature) keeps less.
   */
  recordedArgs?: (text: string) => string;
  run: (context: CommandContext<A>) => Promise<CommandOutcome>;
}

// Commands are stored side by side regardless of their argument type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = CommandDefinition<any>;

export const defineCommand = <A>(definition: CommandDefinition<A>): CommandDefinition<A> => definition;
