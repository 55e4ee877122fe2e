// Per-community settings: one zod schema with defaults, and the `/config` keys
// admins may change, each with its own parser and a description of allowed values.
import { z } from "zod";
import { MODEL_TASKS, type ModelTask } from "@memebot/config";
import {
  DEFAULT_LANGUAGE,
  languagePacks,
  languages,
  type Language,
  type LanguagePack,
  type Message,
} from "./messages/index.ts";
import { quotable } from "./safe-text.ts";
import { err, ok, userError, type Result, type UserError } from "./result.ts";

export interface SettingsCommandInfo {
  name: string;
  /** Whether admins may switch the command off; /config and /help may not be. */
  toggleable: boolean;
  defaultCooldownSeconds: number;
}

export interface CommandSettings {
  enabled: boolean;
  cooldownSeconds: number;
}

export interface CommunitySettings {
  language: Language;
  /** Commands per minute for the whole community, across all users and replicas. */
  rateLimitPerMinute: number;
  /** Commands per minute for one member of the community, so one spammer cannot use up the rest. */
  userRateLimitPerMinute: number;
  /** Model tokens the community may spend per UTC day; 0 for no budget. Past it, tasks answer offline. */
  tokenBudgetPerDay: number;
  /** Whether the bot talks back when mentioned, replied to or written to privately. */
  conversation: boolean;
  /** Whether /imagine refuses ideas and prompts using a word of the default blocked list (studio/blocklist-words.ts). */
  imageBlocklist: boolean;
  /** The community's own choice of model per task (a configured model name); absent: the task's default order. */
  models: Partial<Record<ModelTask, string>>;
  /** The meme studio's choices: which layouts /meme may use, template tags it prefers, a watermark. */
  studio: StudioSettings;
  /** Chatter sentiment: whether the community's group messages are stored and scored, and for how long. */
  sentiment: SentimentSettings;
  /** Token gates' re-verification: how often every member is checked, and how long a short holder keeps access. */
  gating: GatingSettings;
  commands: Record<string, CommandSettings>;
}

export interface GatingSettings {
  /** Hours between the starts of two re-verification passes over the community's members. */
  recheckHours: number;
  /**
   * Hours a member who falls short keeps access before it is removed: a holder moving tokens between
   * wallets, or a price-driven tier edge, should not lose the group over a single check.
   */
  graceHours: number;
}

export const DEFAULT_GATE_RECHECK_HOURS = 6;
export const DEFAULT_GATE_GRACE_HOURS = 24;
/** A week: passes rarer than that would leave access out of step with the chain for too long. */
export const MAX_GATE_RECHECK_HOURS = 168;
/** A month of grace at most. */
export const MAX_GATE_GRACE_HOURS = 720;

export const STUDIO_LAYOUTS = ["classic", "caption-bar", "panels"] as const;
export type StudioLayout = (typeof STUDIO_LAYOUTS)[number];

export interface StudioSettings {
  /** Layouts /meme may pick templates of (at least one); /caption uses the first of classic and caption-bar. */
  layouts: StudioLayout[];
  /** Template tags /meme prefers when several templates fit; empty: no preference. */
  tags: string[];
  /** Small text drawn in a corner of every picture; empty: none (the default). */
  watermark: string;
}

export interface SentimentSettings {
  /**
   * Whether every group message is read and kept (for its retention) to measure the mood. Off by
   * default: keeping all chatter is a privacy choice each community's admins make, and it needs the
   * platform set up for it (Telegram privacy mode off or the bot an admin; Discord's Message Content intent).
   */
  tracking: boolean;
  /** Days a stored message is kept; the hourly purge deletes older ones. */
  retentionDays: number;
}

export const DEFAULT_SENTIMENT_RETENTION_DAYS = 7;
/** A month of chatter at most: enough for weekly trends, little enough to keep privacy and storage in bounds. */
export const MAX_SENTIMENT_RETENTION_DAYS = 30;

export const MAX_WATERMARK_LENGTH = 32;
const MAX_PREFERRED_TAGS = 8;
const TAG_PATTERN = /^[a-z0-9][a-z0-9-]{0,23}$/;
/** The /config value that clears a list or a text setting. */
const CLEAR_WORDS = new Set(["-", "off", "none"]);

const parseLayouts = (raw: string): string | undefined => {
  const value = raw.trim().toLowerCase();
  if (value === "all") return STUDIO_LAYOUTS.join(",");
  const picked = value.split(/[\s,]+/).filter((item) => item !== "");
  if (picked.length === 0 || !picked.every((item) => (STUDIO_LAYOUTS as readonly string[]).includes(item)))
    return undefined;
  return [...new Set(picked)].join(",");
};

const parseTags = (raw: string): string | undefined => {
  const value = raw.trim().toLowerCase();
  if (CLEAR_WORDS.has(value)) return "";
  const tags = [...new Set(value.split(/[\s,]+/).filter((item) => item !== ""))];
  if (tags.length === 0 || tags.length > MAX_PREFERRED_TAGS || !tags.every((tag) => TAG_PATTERN.test(tag)))
    return undefined;
  return tags.join(",");
};

const parseWatermark = (raw: string): string | undefined => {
  const value = raw.replace(/\s+/g, " ").trim();
  if (CLEAR_WORDS.has(value.toLowerCase())) return "";
  // Drawn on pictures, so printable text only, and short enough to stay a corner mark.
  if (value.length === 0 || value.length > MAX_WATERMARK_LENGTH || /[\p{C}]/u.test(value)) return undefined;
  return value;
};

const listOf = (value: string) => (value === "" ? [] : value.split(","));

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 60;
export const DEFAULT_USER_RATE_LIMIT_PER_MINUTE = 10;
const MAX_COOLDOWN_SECONDS = 3600;
const MAX_RATE_LIMIT = 600;
const MAX_TOKEN_BUDGET = 100_000_000;
/** The /config value that clears a community's model choice. */
export const DEFAULT_MODEL_CHOICE = "default";

type SettingValue = string | number | boolean;

export interface SettingDefinition {
  key: string;
  /** Shown to admins in their language, e.g. "on | off" or "0-3600 seconds". */
  allowed: Message;
  read(settings: CommunitySettings): SettingValue;
  parse(raw: string): SettingValue | undefined;
  write(settings: CommunitySettings, value: SettingValue): CommunitySettings;
}

export interface SettingChangeResult {
  settings: CommunitySettings;
  key: string;
  oldValue: SettingValue;
  newValue: SettingValue;
}

const normalizeWord = (word: string) => word.normalize("NFC").trim().toLowerCase();

/** Every language's words for on or off, so an admin may answer in theirs whatever the bot speaks. */
function switchWords(packs: readonly LanguagePack[], state: "on" | "off"): Set<string> {
  const words = new Set(state === "on" ? ["true", "1"] : ["false", "0"]);
  for (const { messages } of packs) {
    const listed = state === "on" ? messages["value.onWords"] : messages["value.offWords"];
    for (const word of [messages[`value.${state}`], ...listed.split(",")]) {
      if (normalizeWord(word) !== "") words.add(normalizeWord(word));
    }
  }
  return words;
}

const onWords = switchWords(languagePacks, "on");
const offWords = switchWords(languagePacks, "off");

const parseSwitch = (raw: string): boolean | undefined => {
  const value = normalizeWord(raw);
  if (onWords.has(value)) return true;
  if (offWords.has(value)) return false;
  return undefined;
};

const parseIntegerIn =
  (min: number, max: number) =>
  (raw: string): number | undefined => {
    if (!/^\d{1,6}$/.test(raw)) return undefined;
    const value = Number(raw);
    return value >= min && value <= max ? value : undefined;
  };

const asObject = (value: unknown): object =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};

export type SettingsModel = ReturnType<typeof createSettingsModel>;

/** What a community chose for one model task: its preferred model and its daily token budget. */
export function modelChoiceOf(
  settings: Pick<CommunitySettings, "models" | "tokenBudgetPerDay">,
  task: ModelTask,
): { preferredModel?: string; dailyTokenBudget?: number } {
  const preferredModel = settings.models[task];
  return {
    ...(preferredModel ? { preferredModel } : {}),
    ...(settings.tokenBudgetPerDay > 0 ? { dailyTokenBudget: settings.tokenBudgetPerDay } : {}),
  };
}

export interface SettingsModelOptions {
  /** Model names the gateway is configured with: the choices of the `model.<task>` settings. */
  models?: readonly string[];
}

export function createSettingsModel(
  commands: readonly SettingsCommandInfo[],
  options: SettingsModelOptions = {},
) {
  const modelNames = options.models ?? [];
  const commandDefaults = (command: SettingsCommandInfo): CommandSettings => ({
    enabled: true,
    cooldownSeconds: command.defaultCooldownSeconds,
  });

  // `.catch` keeps one corrupt stored field from discarding the community's other settings.
  const schema = z.object({
    language: z.enum(languages as [Language, ...Language[]]).catch(DEFAULT_LANGUAGE),
    rateLimitPerMinute: z.number().int().min(1).max(MAX_RATE_LIMIT).catch(DEFAULT_RATE_LIMIT_PER_MINUTE),
    userRateLimitPerMinute: z
      .number()
      .int()
      .min(1)
      .max(MAX_RATE_LIMIT)
      .catch(DEFAULT_USER_RATE_LIMIT_PER_MINUTE),
    tokenBudgetPerDay: z.number().int().min(0).max(MAX_TOKEN_BUDGET).catch(0),
    conversation: z.boolean().catch(true),
    // On unless an admin turns it off: a public group's pictures should not depend on remembering to.
    imageBlocklist: z.boolean().catch(true),
    // A stored choice of a model since removed from the configuration still reads; the gateway skips it.
    models: z.preprocess(
      asObject,
      z.object(
        Object.fromEntries(MODEL_TASKS.map((task) => [task, z.string().min(1).optional().catch(undefined)])),
      ),
    ),
    studio: z.preprocess(
      asObject,
      z.object({
        layouts: z
          .array(z.enum(STUDIO_LAYOUTS))
          .min(1)
          .catch([...STUDIO_LAYOUTS]),
        tags: z.array(z.string().regex(TAG_PATTERN)).max(MAX_PREFERRED_TAGS).catch([]),
        watermark: z.string().max(MAX_WATERMARK_LENGTH).catch(""),
      }),
    ),
    sentiment: z.preprocess(
      asObject,
      z.object({
        tracking: z.boolean().catch(false),
        retentionDays: z
          .number()
          .int()
          .min(1)
          .max(MAX_SENTIMENT_RETENTION_DAYS)
          .catch(DEFAULT_SENTIMENT_RETENTION_DAYS),
      }),
    ),
    gating: z.preprocess(
      asObject,
      z.object({
        recheckHours: z.number().int().min(1).max(MAX_GATE_RECHECK_HOURS).catch(DEFAULT_GATE_RECHECK_HOURS),
        graceHours: z.number().int().min(0).max(MAX_GATE_GRACE_HOURS).catch(DEFAULT_GATE_GRACE_HOURS),
      }),
    ),
    commands: z.preprocess(
      asObject,
      z.object(
        Object.fromEntries(
          commands.map((command) => {
            const defaults = commandDefaults(command);
            const entry = z
              .object({
                enabled: z.boolean().catch(defaults.enabled),
                cooldownSeconds: z
                  .number()
                  .int()
                  .min(0)
                  .max(MAX_COOLDOWN_SECONDS)
                  .catch(defaults.cooldownSeconds),
              })
              .catch(defaults);
            return [command.name, z.preprocess(asObject, entry)];
          }),
        ),
      ),
    ),
  });

  const perMinute: Message = { id: "setting.allowed.perMinute", params: { min: 1, max: MAX_RATE_LIMIT } };
  const definitions: SettingDefinition[] = [
    {
      key: "language",
      allowed: { id: "setting.allowed.languages", params: { languages: languages.join(" | ") } },
      read: (settings) => settings.language,
      parse: (raw) => (languages as string[]).find((language) => language === raw.toLowerCase()),
      write: (settings, value) => ({ ...settings, language: value as Language }),
    },
    {
      key: "rate_limit",
      allowed: perMinute,
      read: (settings) => settings.rateLimitPerMinute,
      parse: parseIntegerIn(1, MAX_RATE_LIMIT),
      write: (settings, value) => ({ ...settings, rateLimitPerMinute: value as number }),
    },
    {
      key: "user_rate_limit",
      allowed: perMinute,
      read: (settings) => settings.userRateLimitPerMinute,
      parse: parseIntegerIn(1, MAX_RATE_LIMIT),
      write: (settings, value) => ({ ...settings, userRateLimitPerMinute: value as number }),
    },
    {
      key: "token_budget",
      allowed: { id: "setting.allowed.tokenBudget", params: { max: MAX_TOKEN_BUDGET } },
      read: (settings) => settings.tokenBudgetPerDay,
      parse: (raw) => (/^\d{1,9}$/.test(raw) && Number(raw) <= MAX_TOKEN_BUDGET ? Number(raw) : undefined),
      write: (settings, value) => ({ ...settings, tokenBudgetPerDay: value as number }),
    },
    {
      key: "conversation",
      allowed: { id: "setting.allowed.switch" },
      read: (settings) => settings.conversation,
      parse: parseSwitch,
      write: (settings, value) => ({ ...settings, conversation: value as boolean }),
    },
    {
      key: "image_blocklist",
      allowed: { id: "setting.allowed.switch" },
      read: (settings) => settings.imageBlocklist,
      parse: parseSwitch,
      write: (settings, value) => ({ ...settings, imageBlocklist: value as boolean }),
    },
    {
      key: "meme.layouts",
      allowed: { id: "setting.allowed.layouts", params: { layouts: ["all", ...STUDIO_LAYOUTS].join(" | ") } },
      read: (settings) => settings.studio.layouts.join(","),
      parse: parseLayouts,
      write: (settings, value) => ({
        ...settings,
        studio: { ...settings.studio, layouts: listOf(value as string) as StudioLayout[] },
      }),
    },
    {
      key: "meme.tags",
      allowed: { id: "setting.allowed.tags", params: { max: MAX_PREFERRED_TAGS } },
      read: (settings) => settings.studio.tags.join(",") || "-",
      parse: parseTags,
      write: (settings, value) => ({
        ...settings,
        studio: { ...settings.studio, tags: listOf(value as string) },
      }),
    },
    {
      key: "meme.watermark",
      allowed: { id: "setting.allowed.watermark", params: { max: MAX_WATERMARK_LENGTH } },
      read: (settings) => settings.studio.watermark || "off",
      parse: parseWatermark,
      write: (settings, value) => ({
        ...settings,
        studio: { ...settings.studio, watermark: value as string },
      }),
    },
    {
      key: "sentiment",
      allowed: { id: "setting.allowed.switch" },
      read: (settings) => settings.sentiment.tracking,
      parse: parseSwitch,
      write: (settings, value) => ({
        ...settings,
        sentiment: { ...settings.sentiment, tracking: value as boolean },
      }),
    },
    {
      key: "sentiment.retention_days",
      allowed: { id: "setting.allowed.days", params: { min: 1, max: MAX_SENTIMENT_RETENTION_DAYS } },
      read: (settings) => settings.sentiment.retentionDays,
      parse: parseIntegerIn(1, MAX_SENTIMENT_RETENTION_DAYS),
      write: (settings, value) => ({
        ...settings,
        sentiment: { ...settings.sentiment, retentionDays: value as number },
      }),
    },
    {
      key: "gate.recheck_hours",
      allowed: { id: "setting.allowed.hours", params: { min: 1, max: MAX_GATE_RECHECK_HOURS } },
      read: (settings) => settings.gating.recheckHours,
      parse: parseIntegerIn(1, MAX_GATE_RECHECK_HOURS),
      write: (settings, value) => ({
        ...settings,
        gating: { ...settings.gating, recheckHours: value as number },
      }),
    },
    {
      key: "gate.grace_hours",
      allowed: { id: "setting.allowed.hours", params: { min: 0, max: MAX_GATE_GRACE_HOURS } },
      read: (settings) => settings.gating.graceHours,
      parse: parseIntegerIn(0, MAX_GATE_GRACE_HOURS),
      write: (settings, value) => ({
        ...settings,
        gating: { ...settings.gating, graceHours: value as number },
      }),
    },
    ...MODEL_TASKS.map((task): SettingDefinition => ({
      key: `model.${task}`,
      allowed: {
        id: "setting.allowed.models",
        params: { models: [DEFAULT_MODEL_CHOICE, ...modelNames].join(" | ") },
      },
      read: (settings) => settings.models[task] ?? DEFAULT_MODEL_CHOICE,
      parse: (raw) =>
        raw.toLowerCase() === DEFAULT_MODEL_CHOICE
          ? DEFAULT_MODEL_CHOICE
          : modelNames.find((name) => name === raw),
      write: (settings, value) => {
        const models = { ...settings.models };
        if (value === DEFAULT_MODEL_CHOICE) delete models[task];
        else models[task] = value as string;
        return { ...settings, models };
      },
    })),
  ];
  const withCommand = (settings: CommunitySettings, name: string, patch: Partial<CommandSettings>) => ({
    ...settings,
    commands: { ...settings.commands, [name]: { ...commandOf(settings, name), ...patch } },
  });
  for (const command of commands) {
    if (command.toggleable) {
      definitions.push({
        key: `${command.name}.enabled`,
        allowed: { id: "setting.allowed.switch" },
        read: (settings) => commandOf(settings, command.name).enabled,
        parse: parseSwitch,
        write: (settings, value) => withCommand(settings, command.name, { enabled: value as boolean }),
      });
    }
    definitions.push({
      key: `${command.name}.cooldown`,
      allowed: { id: "setting.allowed.seconds", params: { min: 0, max: MAX_COOLDOWN_SECONDS } },
      read: (settings) => commandOf(settings, command.name).cooldownSeconds,
      parse: parseIntegerIn(0, MAX_COOLDOWN_SECONDS),
      write: (settings, value) => withCommand(settings, command.name, { cooldownSeconds: value as number }),
    });
  }
  const byKey = new Map(definitions.map((definition) => [definition.key, definition]));

  function commandOf(settings: CommunitySettings, name: string): CommandSettings {
    const known = commands.find((command) => command.name === name);
    return (
      settings.commands[name] ?? (known ? commandDefaults(known) : { enabled: true, cooldownSeconds: 0 })
    );
  }

  return {
    definitions,
    /** Reads stored JSON leniently: missing or invalid fields take their defaults. */
    parse(stored: unknown): CommunitySettings {
      return schema.parse(asObject(stored)) as CommunitySettings;
    },
    defaults(): CommunitySettings {
      return schema.parse({}) as CommunitySettings;
    },
    commandOf,
    change(settings: CommunitySettings, key: string, raw: string): Result<SettingChangeResult, UserError> {
      const definition = byKey.get(key.toLowerCase());
      if (!definition) {
        const toggleOnly = commands.find((command) => `${command.name}.enabled` === key.toLowerCase());
        if (toggleOnly) return err(userError("error.settingLocked", { command: toggleOnly.name }));
        return err(
          userError("error.unknownSetting", {
            key: quotable(key),
            keys: definitions.map((d) => d.key).join(", "),
          }),
        );
      }
      const value = definition.parse(raw.trim());
      if (value === undefined) {
        return err(
          userError("error.invalidSetting", {
            key: definition.key,
            value: quotable(raw),
            allowed: definition.allowed,
          }),
        );
      }
      return ok({
        settings: definition.write(settings, value),
        key: definition.key,
        oldValue: definition.read(settings),
        newValue: value,
      });
    },
  };
}
