// `pnpm discord:register`: pushes the registry's slash commands to Discord once,
// e.g. after a deploy that changed a command, without starting the bot.
import { EnvError, parseEnv } from "@memebot/config";
import { createRegistry, type CommandRegistry } from "@memebot/core";
import { REST, Routes, type RESTGetCurrentApplicationResult } from "discord.js";
import { registerSlashCommands } from "./commands.ts";

export interface RegisterCliOptions {
  env?: Record<string, string | undefined>;
  registry?: CommandRegistry;
  out?: (line: string) => void;
  errorOut?: (line: string) => void;
}

const writeLine = (stream: NodeJS.WriteStream) => (line: string) => {
  stream.write(`${line}\n`);
};

/** Runs the registration and returns the process exit code; every failure is explained on errorOut. */
export async function runRegisterCli(options: RegisterCliOptions = {}): Promise<number> {
  const out = options.out ?? writeLine(process.stdout);
  const errorOut = options.errorOut ?? writeLine(process.stderr);
  try {
    const env = parseEnv(options.env ?? process.env);
    if (!env.DISCORD_TOKEN) {
      errorOut(
        "DISCORD_TOKEN is not set: put the bot token from the Discord developer portal in the environment.",
      );
      return 1;
    }
    const rest = new REST({ api: env.DISCORD_API_BASE }).setToken(env.DISCORD_TOKEN);
    const applicationId =
      env.DISCORD_APPLICATION_ID ??
      ((await rest.get(Routes.currentApplication())) as RESTGetCurrentApplicationResult).id;
    const registered = await registerSlashCommands({
      rest,
      applicationId,
      registry: options.registry ?? createRegistry(),
      ...(env.DISCORD_GUILD_ID ? { guildId: env.DISCORD_GUILD_ID } : {}),
    });
    const where = env.DISCORD_GUILD_ID ? `server ${env.DISCORD_GUILD_ID} (shows at once)` : "globally";
    out(`Registered ${registered.commands.length} slash commands for application ${applicationId} ${where}:`);
    for (const command of registered.commands) {
      const options = (command.options ?? []).map((option) => option.name).join(", ");
      out(`  /${command.name}${options ? ` (${options})` : ""} — ${command.description}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof EnvError) errorOut(error.message);
    else
      errorOut(
        `Slash command registration failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    return 1;
  }
}
