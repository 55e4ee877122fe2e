// /gate and /verify's services in the bot: the gates repository, the chain (mints are read when a
// gate is added), and each platform's access (a Discord gate's role is checked against the server; a
// Telegram gate's group against the bot's admin rights, and /gate invite makes its join-request link).
import { createGateChain, MAX_GATES_PER_COMMUNITY, type GateChain, type GateService } from "@memebot/core";
import type { Repositories } from "@memebot/db";
import { createDiscordRoleAccess, createTelegramGroupAccess } from "@memebot/delivery";

export function gateServiceOf(
  repositories: Pick<Repositories, "gates">,
  options: {
    /** SOLANA_RPC_URL first, then SOLANA_RPC_FALLBACK_URLS; or a chain of a test's own. */
    chain: { urls: readonly string[]; requestsPerSecond?: number } | Pick<GateChain, "readMint">;
    /** With a bot token, Discord gates grant roles; without one, Discord gates cannot be added. */
    discord?: { apiBase: string; botToken: string };
    /** With a bot token, Telegram groups are gated through join requests. */
    telegram?: { apiBase: string; botToken: string };
  },
): GateService {
  const chain = "urls" in options.chain ? createGateChain(options.chain) : options.chain;
  const discord = options.discord ? createDiscordRoleAccess(options.discord) : undefined;
  const telegram = options.telegram ? createTelegramGroupAccess(options.telegram) : undefined;
  return {
    store: repositories.gates,
    chain,
    accessFor: (platform) =>
      platform === "discord" ? discord : platform === "telegram" ? telegram : undefined,
    limit: MAX_GATES_PER_COMMUNITY,
  };
}
