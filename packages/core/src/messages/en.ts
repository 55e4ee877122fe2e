// Every word the bot says, in English. Other languages copy this object's keys
// (the `Messages` type makes a missing key a compile error). `{name}` marks a parameter.
import type { LanguagePack } from "./index.ts";

const en = {
  "command.start.description": "Say hello and see what I can do",
  "command.help.description": "List the commands you can use",
  "command.meme.description": "Write a meme about a topic",
  "command.config.description": "Show or change this community's bot settings",
  "arg.meme.topic": "What the meme is about",
  "arg.config.key": "Setting name, e.g. language",
  "arg.config.value": "New value (admins only)",

  "start.greeting":
    "gm {name}! I'm the community's meme bot. Try /meme <topic> for a fresh meme, or /help for everything I can do.",
  "help.header": "Commands you can use here:",
  "help.line": "/{usage} — {description}",
  "help.adminNote": "You are an admin here: /config <key> <value> changes a setting.",

  "meme.result": "{top}\n{bottom}",
  "meme.offlineLabel":
    "(offline engine: {reason}; these captions come from built-in templates, not the AI model)",
  "meme.offlineReason.not_configured": "no model endpoint is configured",
  "meme.offlineReason.unavailable": "the model endpoint did not answer",
  "meme.offlineReason.invalid_response": "the model's answer was unusable",

  "config.header": "Settings for this community:",
  "config.line": "{key} = {value}  ({allowed})",
  "config.footer": "Admins change one with /config <key> <value>.",
  "config.updated": "{key} is now {value}.",
  "config.unchanged": "{key} is already {value}.",

  "job.failed": "Sorry, that /{command} failed on our side. Please try again in a minute.",

  "error.unknownCommand": "I don't know /{command}. Send /help to see what I can do.",
  "error.notACommand": "I answer commands. Send /help to see them.",
  "error.unsupportedMessage": "I can't read that kind of message. Send a command such as /help.",
  "error.commandDisabled": "/{command} is switched off in this community.",
  "error.usage": "{problem}\nUsage: /{usage}",
  "error.missingArgument": "Missing <{arg}>.",
  "error.tooLong": "<{arg}> is too long: at most {max} characters.",
  "error.tooManyArguments": "Too many arguments.",
  "error.invalidText": "<{arg}> must be plain text.",
  "error.adminOnly": "Only admins of this community can do that ({permission}).",
  "error.unknownSetting": "There is no setting called “{key}”. Settings: {keys}.",
  "error.invalidSetting": "“{value}” is not a valid value for {key}. Allowed: {allowed}.",
  "error.settingLocked": "/{command} can't be switched off: it is how admins manage the bot.",
  "error.cooldown": "Easy there! You can use /{command} again in {seconds}s.",
  "error.rateLimited": "This community is sending commands too fast. Try again in {seconds}s.",
  "error.userRateLimited": "You are sending commands too fast. Try again in {seconds}s.",
  "error.internal": "Something went wrong on our side. Please try again.",

  "permission.telegram": "Telegram chat administrators",
  "permission.discord": "members with the Manage Server permission",
  "permission.console": "the local admin",

  "value.on": "on",
  "value.off": "off",
  // More words admins may type for on and off, comma-separated. "value.on" and "value.off" count too,
  // as do true/false and 1/0; every language's words are taken whatever the community's language.
  "value.onWords": "yes, enable, enabled",
  "value.offWords": "no, disable, disabled",

  "setting.allowed.switch": "on | off",
  "setting.allowed.seconds": "{min}-{max} seconds",
  "setting.allowed.perMinute": "{min}-{max} commands per minute",
  "setting.allowed.languages": "{languages}",
  "setting.allowed.tokenBudget": "0 (no budget) to {max} model tokens per day",
  "setting.allowed.models": "{models}",
} as const;

export type MessageId = keyof typeof en;
export type Messages = { readonly [K in MessageId]: string };

export default {
  code: "en",
  discordLocales: ["en-US", "en-GB"],
  telegramLanguageCode: "en",
  messages: en,
} satisfies LanguagePack;
