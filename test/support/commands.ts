// What the registry offers, in its order: the names slash commands and menus are checked against.
export const COMMAND_NAMES = [
  "start",
  "help",
  "meme",
  "caption",
  "imagine",
  "template",
  "config",
  "persona",
  "track",
  "sentiment",
  "alert",
  "digest",
  "wallet",
  "verify",
  "gate",
  "usage",
] as const;
