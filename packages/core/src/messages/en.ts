// Every word the bot says, in English. Other languages copy this object's keys
// (the `Messages` type makes a missing key a compile error). `{name}` marks a parameter.
import type { LanguagePack } from "./index.ts";

const en = {
  "command.start.description": "Say hello and see what I can do",
  "command.help.description": "List the commands you can use",
  "command.meme.description": "Write a meme about a topic",
  "command.config.description": "Show or change this community's bot settings",
  "command.usage.description": "Show this community's model usage and token budget (admins)",
  "arg.meme.topic": "What the meme is about",
  "arg.config.key": "Setting name, e.g. language",
  "arg.config.value": "New value (admins only)",
  "command.persona.description": "Show or shape the bot's persona in this community",
  "arg.persona.action": "show, set, import or reset",
  "arg.persona.rest": "show: a field; set: <field> <value>; import: the persona as JSON",
  "arg.persona.file": "A persona .json file to import (admins only)",

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
  "meme.offlineReason.over_budget": "this community has used up today's model budget",

  "conversation.offline.1":
    "{name} here, on the offline engine ({reason}), so no real answer from me right now. Try me again in a bit!",
  "conversation.offline.2":
    "Offline engine speaking ({reason}): {name} can't think straight right now. Ask again later, ser.",
  "conversation.offline.3":
    "(offline engine: {reason}) {name} is out touching grass; back with proper answers soon.",
  "conversation.offlineReason.not_configured": "no model is set up for chatting",
  "conversation.offlineReason.unavailable": "the model did not answer",
  "conversation.offlineReason.invalid_response": "the model's answer could not be posted",
  "conversation.offlineReason.over_budget": "this community's daily model budget is spent",
  "conversation.failed":
    "Sorry, I couldn't answer that one: something failed on our side. Try me again in a minute.",
  "conversation.authorLimited":
    "You've sent me a lot of messages in the last few minutes, so I'll pause our chat for a bit. Commands still work.",

  "config.header": "Settings for this community:",
  "config.line": "{key} = {value}  ({allowed})",
  "config.footer": "Admins change one with /config <key> <value>.",
  "config.updated": "{key} is now {value}.",
  "config.unchanged": "{key} is already {value}.",

  "usage.header": "Model usage in this community, by task and model:",
  "usage.period.day": "Last 24 hours:",
  "usage.period.month": "Last 30 days:",
  "usage.row":
    "• {task} · {model} — calls: {calls}, tokens in/out: {tokensIn}/{tokensOut}, answered offline: {offline}, {latency}",
  "usage.latency": "average answer time: {ms} ms",
  "usage.noLatency": "no model answer",
  "usage.more": "…and {count} more",
  "usage.noCallsInPeriod": "No model calls.",
  "usage.noCalls":
    "No model calls yet in this community: they appear here once /meme and other AI tasks run.",
  "usage.budget": "Daily token budget: {spent} of {budget} tokens spent today (UTC), {percent}.",
  "usage.budgetSpent":
    "Daily token budget: {spent} of {budget} tokens spent today (UTC): used up, so AI tasks answer offline until midnight UTC.",
  "usage.noBudget":
    "Daily token budget: none (admins set one with /config token_budget <tokens>). Tokens spent today (UTC): {spent}.",

  "persona.header": "The bot's persona in this community:",
  "persona.headerDefault": "The bot's persona in this community (the default):",
  "persona.line": "{label}: {value}",
  "persona.label.name": "Name",
  "persona.label.bio": "Bio",
  "persona.label.style": "Speaking style",
  "persona.label.topics": "Topics",
  "persona.label.examples": "Example exchanges",
  "persona.label.avoid": "Words to avoid",
  "persona.none": "(none)",
  "persona.example": "• {user} → {bot}",
  "persona.more": "…and {count} more: /persona show {field}",
  "persona.shortened": "(shortened: {count} more not shown; a message here holds at most {limit} characters)",
  "persona.footer":
    "Admins change it with /persona set <field> <value>, /persona import <json> or /persona reset.",
  "persona.help":
    "How to use /persona:\n/persona — show the persona\n/persona show <field> — show one field in full\n/persona set <field> <value> — change one field (admins)\n/persona import <json> — replace the whole persona, or attach a .json file (admins)\n/persona reset — back to the default (admins)\nFields: {fields}.",
  "persona.updated": "Persona updated: {field} changed.",
  "persona.unchanged": "{field} already says that: nothing changed.",
  "persona.imported": "Persona imported: I am {name} now.",
  "persona.wasReset": "Persona reset to the default.",
  "persona.hint.name": "Example: /persona set name Pepe the Degen",
  "persona.hint.text": "Example: /persona set {field} <text>. “-” clears it.",
  "persona.hint.list":
    "Separate items with commas, e.g. /persona set {field} memes, gm, cats. “-” clears the list.",
  "persona.hint.examples":
    "Write each exchange as “user text => bot text”, several separated by “;”, e.g. /persona set examples gm => gm ser; wen moon? => soon™. “-” clears them.",
  "persona.type.text": "text",
  "persona.type.list": 'a list of texts, like ["memes", "gm"]',
  "persona.type.examples": 'a list of exchanges, like [{"user": "gm", "bot": "gm ser"}]',
  "persona.type.example": 'an exchange, like {"user": "gm", "bot": "gm ser"}',
  "persona.type.object": "a JSON object",
  "persona.unsafe.link": "a link",
  "persona.unsafe.domain": "a domain name",
  "persona.unsafe.mention": "a mention",
  "persona.unsafe.handle": "an @handle",
  "persona.unsafe.address": "a wallet address",
  "persona.error.unknownAction": "I don't know “{action}”.\n{help}",
  "persona.error.unknownField": "There is no persona field called “{field}”. Fields: {fields}.",
  "persona.error.missingValue": "Give a value for {field}. {hint}",
  "persona.error.badExample": "Exchange {number} must look like “user text => bot text”.",
  "persona.error.several": "That persona can't be saved:\n{problems}",
  "persona.error.empty": "{field} can't be empty.",
  "persona.error.missing": "{field} is missing.",
  "persona.error.tooLong": "{field} is too long: at most {max} characters.",
  "persona.error.tooMany": "{field} has too many items: at most {max}.",
  "persona.error.wrongType": "{field} must be {expected}.",
  "persona.error.invalidText": "{field} must be plain text.",
  "persona.error.unsafe":
    "{field} can't contain {kind}: the bot never posts links, domains, @handles, mentions or wallet addresses.",
  "persona.error.unknownJsonField": "“{field}” is not a persona field. Fields: {fields}.",
  "persona.error.unknownExampleField": "{field} is not allowed: an exchange has only “user” and “bot”.",
  "persona.error.notObject": 'The persona must be a JSON object, like {"name": "Pepe", "topics": ["memes"]}.',
  "persona.error.json":
    "That isn't valid JSON (line {line}, column {column}). Check the quotes, commas and brackets.",
  "persona.error.jsonUnreadable": "That isn't valid JSON. Check the quotes, commas and brackets.",
  "persona.error.importEmpty":
    "Put the persona as JSON after /persona import, or attach a .json file to the command.",
  "persona.error.importEmptyConsole":
    "Put the persona as JSON after /persona import (the console cannot attach files).",
  "persona.error.fileTooLarge": "That file is too large: a persona file may be at most {max} KB.",
  "persona.error.fileUnavailable": "I couldn't download that file. Please try again.",
  "persona.error.fileNotText": "That file isn't JSON text (UTF-8).",

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
  "setting.allowed.layouts": "{layouts} (several separated by commas, e.g. classic,panels)",
  "setting.allowed.tags": "up to {max} template tags separated by commas (e.g. pump,hodl), or - for none",
  "setting.allowed.watermark": "a text of at most {max} characters, or off",
} as const;

export type MessageId = keyof typeof en;
export type Messages = { readonly [K in MessageId]: string };

export default {
  code: "en",
  discordLocales: ["en-US", "en-GB"],
  telegramLanguageCode: "en",
  messages: en,
} satisfies LanguagePack;
