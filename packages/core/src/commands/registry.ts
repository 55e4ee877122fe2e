import { configCommand } from "./config.ts";
import { helpCommand } from "./help.ts";
import { memeCommand } from "../studio/meme-command.ts";
import { captionCommand } from "../studio/caption-command.ts";
import { imagineCommand } from "../studio/imagine-command.ts";
import { startCommand } from "./start.ts";
import type { AnyCommand } from "./types.ts";
import { usageCommand } from "../usage/command.ts";
import { personaCommand } from "../persona/command.ts";
import { templateCommand } from "../studio/template-command.ts";
import { trackCommand } from "../sentiment/track-command.ts";
import { sentimentCommand } from "../sentiment/sentiment-command.ts";
import { digestCommand } from "../sentiment/digest-command.ts";
import { walletCommand } from "../wallets/wallet-command.ts";
import { alertCommand } from "../sentiment/alert-command.ts";
import { gateCommand } from "../gating/gate-command.ts";
import { verifyCommand } from "../gating/verify-command.ts";

/** Every command the platform offers, in the order /help and the platforms' menus list them. */
export const defaultCommands: readonly AnyCommand[] = [
  startCommand,
  helpCommand,
  memeCommand,
  captionCommand,
  imagineCommand,
  templateCommand,
  configCommand,
  personaCommand,
  trackCommand,
  sentimentCommand,
  alertCommand,
  digestCommand,
  walletCommand,
  verifyCommand,
  gateCommand,
  usageCommand,
];

export interface CommandRegistry {
  all: readonly AnyCommand[];
  get(name: string): AnyCommand | undefined;
}

export function createRegistry(commands: readonly AnyCommand[] = defaultCommands): CommandRegistry {
  const byName = new Map<string, AnyCommand>();
  for (const command of commands) {
    if (!/^[a-z][a-z0-9_]{0,31}$/.test(command.name)) {
      // Both Telegram and Discord accept only lower-case names of at most 32 characters.
      throw new Error(`Command name "${command.name}" is not valid on Telegram and Discord`);
    }
    if (byName.has(command.name)) throw new Error(`Command "${command.name}" is defined twice`);
    const restIndex = command.args.findIndex((arg) => arg.rest);
    if (restIndex !== -1 && restIndex !== command.args.length - 1) {
      throw new Error(`Command "${command.name}": only the last argument may take the rest of the line`);
    }
    byName.set(command.name, command);
  }
  return { all: commands, get: (name) => byName.get(name.toLowerCase()) };
}
